#!/usr/bin/env python3
"""Counts the user-mode instructions of the bench's same-CPU call/reply window, once, from the
disassembly (`objdump -d`) of the built bench_client and bench_server ELFs.

`tessera bench` subtracts this count from `ipc_call_reply_same_cpu` to print
`ipc_call_reply_same_cpu_kernel`, the kernel's part of the round trip (docs/bench.md).

The window is the client's code from the label `bench_same_cpu_begin` (the instruction after
its rdtsc) up to the label `bench_same_cpu_end` (the instruction after its rdtscp), not
including that one: what the TSC difference counts under -icount. The script follows the path
one iteration takes: calls and returns, jumps, and conditional jumps whose flags it can tell.
It knows one fact about the values: every system call of a measured iteration returned kOk
(0 in rax), since the bench stops at the first that does not. A conditional jump on anything
else, an indirect jump or call, or a system call other than `call`, makes it fail loudly rather
than guess. Each `call` system call in the window runs the server's loop once: from the
instruction after its reply_recv system call (in `main`) to that system call again, counted too.

Prints `user_insns=N client=A server=B`; with --list, the path, one instruction a line.
Exit status 1, with the reason on stderr, when the labels are missing or the path is unclear.
"""
import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "codegen"))
from tessera_codegen import abi  # noqa: E402

BEGIN, END = "bench_same_cpu_begin", "bench_same_cpu_end"
MAX_STEPS = 100_000
REGS64 = ["rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp"] + [f"r{i}" for i in range(8, 16)]
# Each register's 32-bit name (a write zero-extends it) and its 8- and 16-bit names.
REG32 = {"eax": "rax", "ebx": "rbx", "ecx": "rcx", "edx": "rdx", "esi": "rsi", "edi": "rdi", "ebp": "rbp",
         "esp": "rsp", **{f"r{i}d": f"r{i}" for i in range(8, 16)}}
REG_PARTIAL = {"ax": "rax", "bx": "rbx", "cx": "rcx", "dx": "rdx", "si": "rsi", "di": "rdi", "bp": "rbp",
               "sp": "rsp", "al": "rax", "bl": "rbx", "cl": "rcx", "dl": "rdx", "sil": "rsi", "dil": "rdi",
               "bpl": "rbp", "spl": "rsp", "ah": "rax", "bh": "rbx", "ch": "rcx", "dh": "rdx",
               **{f"r{i}{s}": f"r{i}" for i in range(8, 16) for s in ("w", "b")}}
# Instructions that leave the flags alone (the prefix names a family: mov, movzbl, cmove...).
KEEPS_FLAGS = ("mov", "lea", "push", "pop", "nop", "xchg", "bswap", "lfence", "mfence", "sfence", "rdtsc",
               "set", "cmov", "cwtl", "cltq", "cqto", "cltd", "endbr64", "pause")
# What rdtsc & co. write besides their operands.
IMPLICIT = {"rdtsc": ("rax", "rdx"), "rdtscp": ("rax", "rdx", "rcx"), "cpuid": ("rax", "rbx", "rcx", "rdx"),
            "cltq": ("rax",), "cwtl": ("rax",), "cqto": ("rdx",), "cltd": ("rdx",)}
# The registers a system call may change: the status, the kernel's results, rcx and r11.
SYSCALL_WRITES = ("rax", "rdi", "rsi", "rdx", "r10", "r8", "r9", "r12", "r13", "rcx", "r11")
CONDITIONS = {
    "o": lambda f: f["of"], "no": lambda f: not f["of"], "s": lambda f: f["sf"], "ns": lambda f: not f["sf"],
    "e": lambda f: f["zf"], "z": lambda f: f["zf"], "ne": lambda f: not f["zf"], "nz": lambda f: not f["zf"],
    "b": lambda f: f["cf"], "c": lambda f: f["cf"], "nae": lambda f: f["cf"],
    "ae": lambda f: not f["cf"], "nb": lambda f: not f["cf"], "nc": lambda f: not f["cf"],
    "be": lambda f: f["cf"] or f["zf"], "na": lambda f: f["cf"] or f["zf"],
    "a": lambda f: not (f["cf"] or f["zf"]), "nbe": lambda f: not (f["cf"] or f["zf"]),
    "l": lambda f: f["sf"] != f["of"], "nge": lambda f: f["sf"] != f["of"],
    "ge": lambda f: f["sf"] == f["of"], "nl": lambda f: f["sf"] == f["of"],
    "le": lambda f: f["zf"] or f["sf"] != f["of"], "ng": lambda f: f["zf"] or f["sf"] != f["of"],
    "g": lambda f: not f["zf"] and f["sf"] == f["of"], "nle": lambda f: not f["zf"] and f["sf"] == f["of"],
}
LINE_RE = re.compile(r"^\s*([0-9a-f]+):\t(.*)$")
FUNC_RE = re.compile(r"^([0-9a-f]+) <([^>]+)>:$")
PREFIXES = ("notrack", "bnd", "lock", "rep", "repz", "repnz", "cs", "ds", "data16")


class Unclear(Exception):
    pass


class Insn:
    def __init__(self, addr, text):
        self.addr = addr
        self.text = re.sub(r"\s+#.*$", "", text).strip()
        words = self.text.split(None, 1)
        while len(words) > 1 and words[0] in PREFIXES:
            words = words[1].split(None, 1)
        self.mnemonic = words[0] if words else ""
        rest = words[1] if len(words) > 1 else ""
        self.operands = [o.strip() for o in re.split(r",(?![^(]*\))", re.sub(r"\s*<[^>]*>$", "", rest)) if o.strip()]
        self.next = None  # the address of the instruction after it

    def target(self):
        """The address of a direct jump or call, else None."""
        if len(self.operands) == 1 and re.fullmatch(r"[0-9a-f]+", self.operands[0]):
            return int(self.operands[0], 16)
        return None


class Image:
    """One ELF's disassembly: instructions by address, and the addresses of its symbols."""

    def __init__(self, path):
        self.path = path
        try:
            text = subprocess.run(["objdump", "-d", "-w", "--no-show-raw-insn", path], check=True,
                                  capture_output=True, text=True).stdout
        except (OSError, subprocess.CalledProcessError) as e:
            raise Unclear(f"{path}: objdump failed: {e}")
        self.insns, self.symbols, self.functions = {}, {}, {}
        order, function = [], None
        for line in text.splitlines():
            m = FUNC_RE.match(line)
            if m:
                self.symbols.setdefault(m.group(2), int(m.group(1), 16))
                if not m.group(2).startswith("bench_"):
                    function = m.group(2)
                continue
            m = LINE_RE.match(line)
            if m and m.group(2).strip() and not m.group(2).startswith("(bad)"):
                insn = Insn(int(m.group(1), 16), m.group(2))
                self.insns[insn.addr] = insn
                self.functions.setdefault(function, []).append(insn)
                order.append(insn)
        for a, b in zip(order, order[1:]):
            a.next = b.addr

    def at(self, addr):
        if addr not in self.insns:
            raise Unclear(f"{self.path}: no instruction at {addr:#x}")
        return self.insns[addr]

    def symbol(self, name):
        if name not in self.symbols:
            raise Unclear(f"{self.path}: no label {name}: the bench window's markers are missing "
                          "(components/bench_client/main.cpp puts them in its same-CPU window)")
        return self.symbols[name]


def register(operand):
    """(64-bit register, width) of a register operand, else None."""
    if not operand.startswith("%"):
        return None
    name = operand[1:]
    if name in REGS64:
        return name, 64
    if name in REG32:
        return REG32[name], 32
    if name in REG_PARTIAL:
        return REG_PARTIAL[name], 16
    return None


def immediate(operand):
    if operand.startswith("$"):
        try:
            return int(operand[1:], 0)
        except ValueError:
            return None
    return None


class Walker:
    """Follows one path through an image, knowing some register values and flags."""

    def __init__(self, image, listing, who):
        self.image, self.listing, self.who = image, listing, who
        self.values = {}   # register -> known value
        self.flags = None  # {zf, sf, cf, of} when known
        self.stack = []    # return addresses of the calls followed

    def fail(self, insn, why):
        raise Unclear(f"{self.image.path}: {insn.addr:#x} `{insn.text}`: {why}")

    def write(self, reg, width, value=None):
        if value is None or width == 16:
            self.values.pop(reg, None)
        else:
            self.values[reg] = value & (0xffffffff if width == 32 else 0xffffffffffffffff)

    def step(self, insn):
        """Counts insn and gives the address that runs next; the caller handles syscall."""
        self.listing.append((self.who, insn))
        m = insn.mnemonic
        if m.startswith("call"):
            target = insn.target()
            if target is None:
                self.fail(insn, "an indirect call: cannot tell where it goes")
            self.stack.append(insn.next)
            return target
        if m.startswith("ret"):
            if not self.stack:
                self.fail(insn, "returns from the function the window is in")
            return self.stack.pop()
        if m.startswith("jmp"):
            target = insn.target()
            if target is None:
                self.fail(insn, "an indirect jump: cannot tell where it goes")
            return target
        if m.startswith("j"):
            condition = CONDITIONS.get(m[1:])
            target = insn.target()
            if condition is None or target is None:
                self.fail(insn, "a jump this script does not know")
            if self.flags is None:
                self.fail(insn, "a conditional jump on flags that do not come from a system call's status "
                          "(the only value known on the measured path)")
            return target if condition(self.flags) else insn.next
        self.effects(insn)
        return insn.next

    def effects(self, insn):
        m, ops = insn.mnemonic, insn.operands
        dst = register(ops[-1]) if ops else None
        src = register(ops[0]) if ops else None
        if m in ("test", "testl", "testq") and len(ops) == 2 and src and dst and src == dst:
            value = self.values.get(src[0])
            if value is None:
                self.flags = None
            else:
                bits = src[1] if src[1] != 16 else 64
                value &= (1 << bits) - 1
                self.flags = {"zf": value == 0, "sf": bool(value >> (bits - 1)), "cf": False, "of": False}
            return
        if m.startswith("xor") and len(ops) == 2 and src and dst and src == dst and src[1] in (32, 64):
            self.write(*dst, 0)
            self.flags = {"zf": True, "sf": False, "cf": False, "of": False}
            return
        if not m.startswith(KEEPS_FLAGS):
            self.flags = None
        for reg in IMPLICIT.get(m, ()):
            self.write(reg, 64)
        if m.startswith(("push", "pop")):
            self.write("rsp", 64)
        if m.startswith("xchg") and src is not None:
            self.write(*src)
        if dst is None:
            return
        value = None
        if m in ("mov", "movl", "movq", "movabs") and len(ops) == 2:
            value = immediate(ops[0])
            if value is None and src is not None and src[1] in (32, 64):
                known = self.values.get(src[0])
                value = None if known is None else known & ((1 << src[1]) - 1)
        if m.startswith(("cmp", "test", "push")):
            return  # no register written
        self.write(*dst, value)

    def syscall_number(self, insn):
        number = self.values.get("rax")
        if number is None:
            self.fail(insn, "a system call whose number (rax) this script cannot tell")
        return number

    def returned_ok(self):
        """After a system call of a measured iteration: rax = kOk, the kernel's results unknown."""
        for reg in SYSCALL_WRITES:
            self.write(reg, 64)
        self.write("rax", 64, abi.STATUS_OK)
        self.flags = None


def server_loop(image):
    """The address after the one reply_recv system call in the server's main."""
    insns = image.functions.get("main")
    if not insns:
        raise Unclear(f"{image.path}: no main")
    found = []
    for i, insn in enumerate(insns):
        if insn.mnemonic != "syscall":
            continue
        for before in reversed(insns[:i]):
            reg = register(before.operands[-1]) if before.operands else None
            if reg and reg[0] == "rax":
                if before.mnemonic == "mov" and immediate(before.operands[0]) == abi.SYSCALL_REPLY_RECV:
                    found.append(insn)
                break
    if len(found) != 1:
        raise Unclear(f"{image.path}: {len(found)} reply_recv system calls in main, expected exactly one")
    return found[0]


def count(client_path, server_path, begin=BEGIN, end=END):
    """(client instructions, server instructions, listing) of one iteration of the window."""
    client, server = Image(client_path), Image(server_path)
    start, stop = client.symbol(begin), client.symbol(end)
    reply_recv = server_loop(server)
    listing = []
    walker = Walker(client, listing, "client")
    addr, served = start, 0
    for _ in range(MAX_STEPS):
        if addr == stop:
            break
        insn = client.at(addr)
        addr = walker.step(insn)
        if insn.mnemonic == "syscall":
            if walker.syscall_number(insn) != abi.SYSCALL_CALL:
                walker.fail(insn, "a system call other than `call` in the same-CPU window")
            served += serve_once(server, reply_recv, listing)
            walker.returned_ok()
    else:
        raise Unclear(f"{client.path}: no {end} within {MAX_STEPS} instructions of {begin}")
    own = sum(1 for who, _ in listing if who == "client")
    if served == 0:
        raise Unclear(f"{client.path}: the window between {begin} and {end} makes no call")
    return own, served, listing


def serve_once(server, reply_recv, listing):
    """The server's instructions from its reply_recv's return to its next reply_recv."""
    walker = Walker(server, listing, "server")
    walker.returned_ok()
    addr, n = reply_recv.next, 0
    for _ in range(MAX_STEPS):
        insn = server.at(addr)
        addr = walker.step(insn)
        n += 1
        if insn.mnemonic == "syscall":
            if insn.addr != reply_recv.addr:
                walker.fail(insn, "the server's loop makes another system call before its reply_recv")
            return n
    raise Unclear(f"{server.path}: no reply_recv within {MAX_STEPS} instructions")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--client", required=True, help="bench_client.elf")
    p.add_argument("--server", required=True, help="bench_server.elf")
    p.add_argument("--list", action="store_true", help="print the path, one instruction a line")
    args = p.parse_args()
    try:
        own, served, listing = count(args.client, args.server)
    except Unclear as e:
        print(f"bench_user_insns: {e}", file=sys.stderr)
        return 1
    if args.list:
        for who, insn in listing:
            print(f"{who:6} {insn.addr:#x}  {insn.text}")
    print(f"user_insns={own + served} client={own} server={served}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
