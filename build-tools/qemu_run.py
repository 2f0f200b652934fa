#!/usr/bin/env python3
"""Boots a Tessera ISO in QEMU with the serial console on stdout; exits with the system's status.

Exit status: the value the system wrote to isa-debug-exit (0 = success), 124 on timeout,
123 if QEMU ended without the system reporting a status (e.g. a triple fault), 122 if QEMU
could not be started.
"""
import argparse
import os
import re
import selectors
import shutil
import subprocess
import sys
import time

TIMEOUT_STATUS = 124
NO_STATUS = 123
NO_QEMU = 122


def cpu_has_hw_virt():
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            flags = f.read()
    except OSError:
        return False
    return re.search(r"^flags\s*:.*\b(vmx|svm)\b", flags, re.M) is not None


def kvm_usable():
    """KVM only where the CPU offers vmx/svm and /dev/kvm opens: a /dev/kvm backed by an
    instruction emulator (no vmx/svm in the CPU flags) is slower than TCG and not used."""
    if not cpu_has_hw_virt():
        return False
    try:
        fd = os.open("/dev/kvm", os.O_RDWR)
    except OSError:
        return False
    os.close(fd)
    return True


def pick_accel(requested):
    if requested == "auto":
        return "kvm" if kvm_usable() else "tcg"
    return requested


def smp_option(text):
    """QEMU's -smp value: a number of CPUs, alone or with its topology keys."""
    first = text.split(",")[0]
    if not (first.isdigit() or first.startswith("cpus=") and first[5:].isdigit()):
        raise argparse.ArgumentTypeError(f"--smp {text}: expected N or cpus=N,... (QEMU's -smp)")
    return text


def qemu_command(args, accel):
    cmd = [
        "qemu-system-x86_64",
        "-machine", args.machine,
        "-smp", str(args.smp),
        "-m", args.memory,
        "-display", "none",
        "-serial", "stdio",
        "-monitor", "none",
        "-no-reboot",
        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
        "-cdrom", args.iso,
        "-boot", "d",
    ]
    if accel == "kvm":
        cmd += ["-accel", "kvm", "-cpu", "host"]
    else:
        # One host thread runs every vCPU in turn. Multi-threaded TCG with more vCPUs than
        # host cores lets a vCPU spin on the kernel lock for a whole host time slice while
        # the holder waits for a core; round-robin TCG switches vCPUs at `pause` instead.
        cmd += ["-accel", "tcg,thread=single", "-cpu", "max"]
        if args.icount:
            # rdtsc then advances by one per guest instruction: deterministic counts.
            cmd += ["-icount", "shift=0"]
    return cmd + args.extra


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--iso", required=True)
    p.add_argument("--smp", type=smp_option, default="2",
                   help="CPUs: N, or QEMU's -smp with a topology (cpus=16,sockets=4,cores=6,maxcpus=24)")
    p.add_argument("--memory", default="256M")
    p.add_argument("--machine", default="q35", choices=["pc", "q35"])
    p.add_argument("--accel", default="auto", choices=["auto", "kvm", "tcg"])
    p.add_argument("--timeout", type=float, default=120.0)
    p.add_argument("--icount", action="store_true", help="TCG with -icount shift=0")
    p.add_argument("--log", help="also write the serial output to this file")
    p.add_argument("--quiet", action="store_true", help="do not echo the serial output")
    p.add_argument("--input", help="type this line (and a carriage return) into the serial port")
    p.add_argument("--input-after", default="", metavar="REGEX",
                   help="with --input: wait until the serial output matches REGEX")
    p.add_argument("extra", nargs="*", help="extra QEMU arguments (after --)")
    args = p.parse_args()

    if shutil.which("qemu-system-x86_64") is None:
        print("qemu_run: qemu-system-x86_64 not found (Debian package qemu-system-x86)", file=sys.stderr)
        return NO_QEMU
    accel = pick_accel(args.accel)
    cmd = qemu_command(args, accel)
    log = open(args.log, "wb") if args.log else None
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if args.input is not None else subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    except OSError as e:
        print(f"qemu_run: cannot start QEMU: {e}", file=sys.stderr)
        return NO_QEMU
    out = sys.stdout.buffer
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + args.timeout
    timed_out = False
    # -serial stdio: what QEMU reads on stdin arrives at the guest's COM1 receiver.
    pending_input = None if args.input is None else (args.input + "\r").encode()
    trigger = re.compile(args.input_after)
    seen = b""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            break
        if not sel.select(timeout=min(left, 1.0)):
            if proc.poll() is not None:
                break
            continue
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            break
        if not args.quiet:
            out.write(chunk)
            out.flush()
        if log:
            log.write(chunk)
        if pending_input is not None:
            seen += chunk
            if trigger.search(seen.decode("utf-8", "replace")):
                proc.stdin.write(pending_input)
                proc.stdin.flush()
                pending_input = None
    if timed_out:
        proc.kill()
        proc.wait()
        msg = f"\nqemu_run: timed out after {args.timeout:g} s\n"
        sys.stderr.write(msg)
        if log:
            log.write(msg.encode())
            log.close()
        return TIMEOUT_STATUS
    rc = proc.wait()
    if log:
        log.close()
    # isa-debug-exit: QEMU exits with (value << 1) | 1.
    if rc % 2 == 1:
        return (rc - 1) // 2
    print(f"\nqemu_run: QEMU exited with {rc} without a status from the system", file=sys.stderr)
    return NO_STATUS


if __name__ == "__main__":
    sys.exit(main())
