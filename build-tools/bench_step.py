#!/usr/bin/env python3
"""Single-steps one bench window in QEMU and counts the instructions it runs.

Boots a bench ISO under TCG with QEMU's gdb stub (GDB remote serial protocol over a Unix
socket), stops at the window's begin label of a component ELF (in that component: the code
bytes at the stop must be the ELF's), then steps one instruction at a time until the end
label in the same address space, and counts each instruction by privilege level: ring 3
(split into the component's own and other address spaces) and the kernel. Interrupts and
timers do not run while QEMU steps, so the count is the undisturbed path of one iteration.

This is the dynamic count that build-tools/bench_user_insns.py, which reads the
disassembly, is checked against (tests/qemu/bench_user_insns_test.py). Window convention:
from the begin label (the instruction after the window's rdtsc) up to, not including, the end
label (the instruction after its rdtscp): what the TSC difference counts under -icount.

Prints one line: `user_insns=N own=A other=B kernel_insns=K total=T`, and `rep_iterations=R`
when some steps were further iterations of a rep-prefixed string instruction (each step
counts, as icount counts them, though not always exactly: a window with `rep stos` may differ
from its icount figure by one); with --profile, then the kernel instructions per function of
--kernel-elf, most first. The TSC while stepping says nothing (QEMU's clock runs while the
stub waits); `total` is about what a window costs under icount.
"""
import argparse
import bisect
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import qemu_run  # noqa: E402

MAX_STEPS = 1_000_000


class Fail(Exception):
    pass


def symbols(elf, demangle=False):
    """name -> address, and (address, name) of the functions, sorted, from `nm` (C++ names
    demangled with `demangle`)."""
    out = subprocess.run(["nm", "--defined-only"] + (["-C"] if demangle else []) + [elf], check=True,
                         capture_output=True, text=True).stdout
    named, funcs = {}, []
    for line in out.splitlines():
        parts = line.split(" ", 2)  # a demangled name may hold spaces
        if len(parts) != 3:
            continue
        addr, kind, name = int(parts[0], 16), parts[1], parts[2]
        named.setdefault(name, addr)
        if kind in "tTwW":
            funcs.append((addr, name))
    return named, sorted(funcs)


def elf_bytes(elf, addr, length):
    """The bytes of the ELF's loaded image at [addr, addr + length), from `objcopy`."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "image.bin")
        subprocess.run(["objcopy", "-O", "binary", "--only-section=.text", elf, out], check=True)
        text = subprocess.run(["objdump", "-h", elf], check=True, capture_output=True, text=True).stdout
        for line in text.splitlines():
            parts = line.split()
            if len(parts) >= 4 and parts[1] == ".text":
                base = int(parts[3], 16)
                with open(out, "rb") as f:
                    f.seek(addr - base)
                    return f.read(length)
    raise Fail(f"{elf}: no .text section")


class Gdb:
    """The client side of the GDB remote serial protocol, without acks once they are off."""

    def __init__(self, path, deadline):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        while True:
            try:
                self.sock.connect(path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                if time.monotonic() > deadline:
                    raise Fail("QEMU's gdb stub did not open its socket")
                time.sleep(0.05)
        self.deadline = deadline
        self.buf = b""
        self.acks = True
        if self.command("QStartNoAckMode") == "OK":
            self.acks = False
        # The stub answers `p` (one register) only to a debugger that read its target
        # description; the description also numbers the registers.
        self.command("qSupported:xmlRegisters=i386")
        self.regs = {}
        for name in re.findall(r'<xi:include href="([^"]+)"', self.xfer("target.xml")):
            text = re.sub(r"<!--.*?-->", "", self.xfer(name), flags=re.S)
            for reg in re.finditer(r"<reg\b[^>]*>", text):
                number = re.search(r'regnum="(\d+)"', reg.group(0))
                n = int(number.group(1)) if number else len(self.regs)
                self.regs[re.search(r'name="([^"]+)"', reg.group(0)).group(1)] = n
        for name in ("rip", "cs", "cr3"):
            if name not in self.regs:
                raise Fail(f"QEMU's gdb stub describes no register {name}")

    def xfer(self, annex):
        """A file of the stub's target description, read in pieces."""
        out, offset = "", 0
        while True:
            reply = self.command(f"qXfer:features:read:{annex}:{offset:x},800")
            if not reply or reply[0] not in "lm":
                raise Fail(f"cannot read {annex} from the gdb stub: {reply!r}")
            out += reply[1:]
            offset += len(reply) - 1
            if reply[0] == "l":
                return out

    def _read(self):
        self.sock.settimeout(max(0.1, self.deadline - time.monotonic()))
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout:
            raise Fail("timed out waiting for QEMU's gdb stub")
        if not chunk:
            raise Fail("QEMU closed the gdb connection")
        self.buf += chunk

    def _packet(self):
        while True:
            start = self.buf.find(b"$")
            end = self.buf.find(b"#", start + 1) if start >= 0 else -1
            if start >= 0 and end >= 0 and len(self.buf) >= end + 3:
                body = self.buf[start + 1:end]
                self.buf = self.buf[end + 3:]
                if self.acks:
                    self.sock.sendall(b"+")
                return body.decode("ascii")
            self._read()

    def command(self, text):
        if time.monotonic() > self.deadline:
            raise Fail("timed out")
        data = text.encode("ascii")
        self.sock.sendall(b"$" + data + b"#" + f"{sum(data) % 256:02x}".encode())
        return self._packet()

    def register(self, name):
        reply = self.command(f"p{self.regs[name]:x}")
        if not reply or reply.startswith("E"):
            raise Fail(f"cannot read register {name}: {reply!r}")
        return int.from_bytes(bytes.fromhex(reply), "little")

    def memory(self, addr, length):
        reply = self.command(f"m{addr:x},{length:x}")
        if reply.startswith("E"):
            return b""
        return bytes.fromhex(reply)

    def stopped(self, reply):
        if not reply.startswith(("T", "S")):
            raise Fail(f"unexpected stop reply {reply!r}")
        return reply


def step_window(args):
    named, _ = symbols(args.elf)
    for label in (args.begin, args.end):
        if label not in named and not label.startswith("0x"):
            raise Fail(f"{args.elf}: no symbol {label}: the window's labels are missing")
    begin, end = (named[x] if x in named else int(x, 16) for x in (args.begin, args.end))
    expected = elf_bytes(args.elf, begin, 16)
    kernel_funcs = symbols(args.kernel_elf)[1] if args.kernel_elf else []
    kernel_addrs = [a for a, _ in kernel_funcs]

    with tempfile.TemporaryDirectory() as tmp:
        sock = os.path.join(tmp, "gdb.sock")
        ns = argparse.Namespace(machine="q35", smp=args.smp, memory="256M", iso=args.iso, icount=args.icount,
                                extra=["-S", "-chardev", f"socket,id=gdb0,path={sock},server=on,wait=off",
                                       "-gdb", "chardev:gdb0"])
        cmd = qemu_run.qemu_command(ns, "tcg")
        with open(os.path.join(tmp, "serial.log"), "wb") as log:
            qemu = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
            try:
                return _step(args, sock, begin, end, expected, kernel_funcs, kernel_addrs)
            finally:
                qemu.kill()
                qemu.wait()


def _step(args, sock, begin, end, expected, kernel_funcs, kernel_addrs):
    gdb = Gdb(sock, time.monotonic() + args.timeout)
    gdb.stopped(gdb.command("?"))
    if gdb.command(f"Z1,{begin:x},1") != "OK":
        raise Fail("the gdb stub refused a breakpoint")
    # The same virtual address holds other code in other components: go on until the bytes
    # there are the ELF's.
    # A stop at a breakpoint repeats on resuming: step past it with the breakpoint removed.
    skip = args.skip
    while True:
        gdb.stopped(gdb.command("c"))
        if gdb.register("rip") == begin and gdb.memory(begin, len(expected)) == expected:
            if skip == 0:
                break
            skip -= 1
        gdb.command(f"z1,{begin:x},1")
        gdb.stopped(gdb.command("s"))
        gdb.command(f"Z1,{begin:x},1")
    gdb.command(f"z1,{begin:x},1")
    space = gdb.register("cr3")
    if space == 0:
        raise Fail("CR3 reads 0 in a running component")
    own = other = kernel = repeats = 0
    profile = {}
    trace = open(args.trace, "w") if args.trace else None
    rip, last = begin, None
    for _ in range(MAX_STEPS):
        # A step ends after each iteration of a rep-prefixed string instruction: each counts,
        # as under icount (QEMU runs an iteration as an instruction), and `repeats` says how many
        # of the steps were such further iterations.
        repeats += rip == last
        user = gdb.register("cs") & 3 == 3
        if trace:
            trace.write(f"{'user' if user else 'kernel'} {rip:#x}\n")
        if user:
            if gdb.register("cr3") == space:
                if rip == end:
                    break
                own += 1
            else:
                other += 1
        else:
            kernel += 1
            if kernel_addrs:
                i = bisect.bisect_right(kernel_addrs, rip) - 1
                name = kernel_funcs[i][1] if i >= 0 else f"{rip:#x}"
                profile[name] = profile.get(name, 0) + 1
        gdb.stopped(gdb.command("s"))
        last, rip = rip, gdb.register("rip")
    else:
        raise Fail(f"no end label after {MAX_STEPS} steps")
    line = f"user_insns={own + other} own={own} other={other} kernel_insns={kernel} total={own + other + kernel}"
    if repeats:
        line += f" rep_iterations={repeats}"
    print(line)
    if args.profile:
        for name, count in sorted(profile.items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"  {count:6d}  {name}")
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--iso", required=True, help="the bench system's ISO")
    p.add_argument("--elf", required=True, help="the component ELF the window's labels are in")
    p.add_argument("--begin", default="bench_same_cpu_begin", help="label of the window's first instruction")
    p.add_argument("--end", default="bench_same_cpu_end", help="label of the instruction after the window")
    p.add_argument("--smp", type=int, default=2)
    p.add_argument("--icount", action="store_true", help="-icount shift=0, as tessera bench runs it")
    p.add_argument("--kernel-elf", help="kernel.elf, for --profile's symbols")
    p.add_argument("--profile", action="store_true", help="print the kernel instructions per function")
    p.add_argument("--trace", help="write each stepped instruction's address (and kernel function) to this file")
    p.add_argument("--skip", type=int, default=0, help="let this many iterations run before the one stepped")
    p.add_argument("--timeout", type=float, default=300.0)
    args = p.parse_args()
    try:
        return step_window(args)
    except (Fail, OSError, subprocess.CalledProcessError) as e:
        print(f"bench_step: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
