#!/usr/bin/env python3
"""Where one bench window's instructions go, on every CPU: counted under QEMU TCG with
-icount shift=0, what the TSC difference of a window counts (build-tools/window_profile.c, a
TCG plugin, records every instruction any vCPU runs from vCPU 0 reaching --begin up to, not
including, vCPU 0 reaching --end: the bench windows' convention, docs/bench.md).

Unlike build-tools/bench_step.py, which single-steps one CPU under gdb, this sees windows
that halt a CPU and wake another (ipc_call_reply_cross_cpu) and counts the instructions of
every vCPU, interrupts included, as the run goes at full speed.

--begin and --end are addresses or labels of the ELF given for CPU 0 (--elf 0=PATH); each
instruction is named by the function it lies in: a kernel address by --kernel-elf, a user one
by the ELF given for the CPU it ran on. Prints, for the last window recorded, each CPU's
total, then the instructions per CPU and function, most first; with --sequence, the runs of
instructions in order (CPU, count, function) before that.

Example (the cross-CPU window: its rdtsc and rdtscp have no labels, so addresses from
`objdump -d` of bench_client.elf):
  build-tools/window_profile.py --iso build/systems/bench/tessera.iso \\
    --kernel-elf build/target/bin/kernel.elf \\
    --elf 0=build/target/systems/bench/bench_client.elf \\
    --elf 1=build/target/systems/bench/bench_remote.elf --begin 0x400627 --end 0x40064a
"""
import argparse
import bisect
import collections
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench_step  # noqa: E402
import qemu_run  # noqa: E402

KERNEL_HALF = 1 << 63


def functions(elf):
    """(addresses, names) of the functions of `elf`, sorted by address, and {name: address}
    of every defined symbol."""
    named, funcs = bench_step.symbols(elf, demangle=True)
    return ([addr for addr, _ in funcs], [name for _, name in funcs]), named


def name_of(table, pc):
    addrs, names = table
    i = bisect.bisect_right(addrs, pc) - 1
    return names[i] if i >= 0 else "?"


def read_windows(lines):
    """The windows of a plugin trace: a list of [(cpu, pc), ...], complete ones only."""
    windows, current = [], None
    for line in lines:
        line = line.strip()
        if line.startswith("W "):
            current = []
        elif line == "E":
            if current is not None:
                windows.append(current)
            current = None
        elif line and current is not None:
            cpu, pc = line.split()
            current.append((int(cpu), int(pc, 16)))
    return windows


def summarize(window, kernel, user):
    """(totals {cpu: n}, per {(cpu, 'k:name' or 'u:name'): n}, runs [(cpu, name, n)]) of one
    window; `kernel` and `user[cpu]` are function tables (functions()[0])."""
    totals, per, runs = collections.Counter(), collections.Counter(), []
    for cpu, pc in window:
        if pc >= KERNEL_HALF:
            name = "k:" + name_of(kernel, pc)
        else:
            name = "u:" + (name_of(user[cpu], pc) if cpu in user else "?")
        totals[cpu] += 1
        per[(cpu, name)] += 1
        if runs and runs[-1][0] == cpu and runs[-1][1] == name:
            runs[-1][2] += 1
        else:
            runs.append([cpu, name, 1])
    return totals, per, [tuple(r) for r in runs]


def address(text, symbols):
    try:
        return int(text, 0)
    except ValueError:
        if text not in symbols:
            raise SystemExit(f"window_profile: no symbol {text} in the ELF of CPU 0")
        return symbols[text]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--iso", required=True)
    p.add_argument("--smp", type=qemu_run.smp_option, default="2")
    p.add_argument("--kernel-elf", required=True)
    p.add_argument("--elf", action="append", default=[], metavar="CPU=PATH",
                   help="the component ELF whose code runs in ring 3 on that CPU in the window")
    p.add_argument("--begin", required=True, help="address or label: the window starts when CPU 0 runs it")
    p.add_argument("--end", required=True, help="address or label: the window ends when CPU 0 runs it")
    p.add_argument("--skip", type=int, default=50_000, help="windows to let pass first (default: past the warm-up)")
    p.add_argument("--windows", type=int, default=3, help="windows to record; the last one is printed")
    p.add_argument("--sequence", action="store_true", help="also print the runs of instructions in order")
    p.add_argument("--timeout", type=float, default=900.0)
    a = p.parse_args()

    kernel, _ = functions(a.kernel_elf)
    user, cpu0_symbols = {}, {}
    for item in a.elf:
        cpu, _, path = item.partition("=")
        user[int(cpu)], symbols = functions(path)
        if int(cpu) == 0:
            cpu0_symbols = symbols
    begin, end = address(a.begin, cpu0_symbols), address(a.end, cpu0_symbols)

    with tempfile.TemporaryDirectory() as tmp:
        plugin = os.path.join(tmp, "window_profile.so")
        subprocess.run(["gcc", "-O2", "-shared", "-fPIC", "-fvisibility=hidden", "-o", plugin,
                        os.path.join(HERE, "window_profile.c")], check=True)
        trace = os.path.join(tmp, "trace")
        ns = argparse.Namespace(machine="q35", smp=a.smp, memory="256M", iso=a.iso, icount=True, extra=[
            "-plugin", f"{plugin},begin={begin:#x},end={end:#x},skip={a.skip},count={a.windows},out={trace}"])
        cmd = [c if c != "stdio" else "null" for c in qemu_run.qemu_command(ns, "tcg")]
        try:
            run = subprocess.run(cmd, capture_output=True, text=True, timeout=a.timeout)
        except subprocess.TimeoutExpired:
            raise SystemExit(f"window_profile: QEMU did not finish in {a.timeout:.0f} s")
        if not os.path.exists(trace):
            raise SystemExit("window_profile: QEMU did not load the plugin:\n" + run.stderr)
        with open(trace) as f:
            windows = read_windows(f)
    if not windows:
        raise SystemExit(f"window_profile: no whole window after {a.skip} (is --begin right?)")
    totals, per, runs = summarize(windows[-1], kernel, user)
    if a.sequence:
        for cpu, name, n in runs:
            print(f"cpu{cpu} {n:6d} {name}")
    print("total " + " ".join(f"cpu{cpu}={n}" for cpu, n in sorted(totals.items())) + f" all={sum(totals.values())}")
    for (cpu, name), n in sorted(per.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"cpu{cpu} {n:6d} {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
