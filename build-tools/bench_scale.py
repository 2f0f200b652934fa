#!/usr/bin/env python3
"""The scale figures of `tessera bench`: boots the scale system (tests/systems/scale, 1,001
components by default) and prints, from the kernel's own boot accounts (kernel/boot.cpp):

  BENCH boot_per_component value=N unit=insns        kernel::main to the first thread, / components
  BENCH kernel_memory_per_thread value=N unit=bytes  one more slot of a component's threads: quota
  BENCH kernel_memory_per_component value=N unit=bytes  the kernel's boot memory for the system / components

Under TCG it boots with -icount shift=0, so the TSC the kernel reads counts guest
instructions (only the bootstrap processor runs then: the others halt until released); with
KVM the unit is cycles. A last line compares the two halves of the components' loads, which
are equal when the cost per component does not grow with their number.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

MEMORY = re.compile(r"kernel: boot memory per component: (\d+) bytes of the kernel's; per thread slot (\d+)")
COST = re.compile(r"kernel: boot cost per component: (\d+) cycles \(first half (\d+), second half (\d+)\)")
TOTAL = re.compile(r"kernel: boot cost: (\d+) cycles for (\d+) components")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--iso", required=True, help="the scale system's tessera.iso")
    p.add_argument("--accel", default="tcg", choices=["kvm", "tcg"])
    p.add_argument("--timeout", default="600")
    a = p.parse_args()
    unit = "cycles" if a.accel == "kvm" else "insns"
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "serial.log")
        cmd = [sys.executable, os.path.join(HERE, "qemu_run.py"), "--iso", a.iso, "--smp", "4", "--accel", a.accel,
               "--timeout", a.timeout, "--quiet", "--log", log] + (["--icount"] if a.accel == "tcg" else [])
        status = subprocess.run(cmd).returncode
        with open(log, encoding="utf-8", errors="replace") as f:
            text = f.read().replace("\r", "")
    memory, cost, total = MEMORY.search(text), COST.search(text), TOTAL.search(text)
    if status != 0 or not (memory and cost and total):
        sys.stderr.write("\n".join(text.splitlines()[-20:]) + "\n")
        print(f"bench_scale: the scale system exited with status {status}", file=sys.stderr)
        return 1
    components = int(total.group(2))
    print(f"BENCH boot_per_component value={cost.group(1)} unit={unit} components={components}")
    print(f"BENCH kernel_memory_per_thread value={memory.group(2)} unit=bytes")
    print(f"BENCH kernel_memory_per_component value={memory.group(1)} unit=bytes components={components}")
    print(f"# boot of {components} components: {total.group(1)} {unit} from kernel::main to the first thread; "
          f"per component in the first half of the loads {cost.group(2)}, in the second {cost.group(3)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
