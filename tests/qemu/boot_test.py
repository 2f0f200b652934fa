#!/usr/bin/env python3
"""QEMU system test: boots an ISO and asserts its exit status and serial output.

The expect file holds one item per line: `status N` (the exit status the system must end
with, default 0), `absent REGEX` (must not appear anywhere), `anywhere REGEX` (must match
some line), `count N REGEX` (exactly N different lines match: for output of many components
or CPUs, in whatever order), or a REGEX that must match a line of the output; these lines
must match in the order given. `#` starts a comment line.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
RUNNER = os.path.join(HERE, "..", "..", "build-tools", "qemu_run.py")


def load_expectations(path):
    status, ordered, absent, anywhere, counts = 0, [], [], [], []
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if line.startswith("status "):
                status = int(line.split()[1])
            elif line.startswith("absent "):
                absent.append(re.compile(line[len("absent "):]))
            elif line.startswith("anywhere "):
                anywhere.append(re.compile(line[len("anywhere "):]))
            elif line.startswith("count "):
                _, n, pattern = line.split(" ", 2)
                counts.append((int(n), re.compile(pattern)))
            else:
                ordered.append(re.compile(line))
    return status, ordered, absent, anywhere, counts


def check(output, status, rc, ordered, absent, anywhere=(), counts=()):
    problems = []
    if rc != status:
        problems.append(f"exit status {rc}, expected {status}")
    lines = output.splitlines()
    pos = 0
    for pattern in ordered:
        while pos < len(lines) and not pattern.search(lines[pos]):
            pos += 1
        if pos == len(lines):
            problems.append(f"no line matching /{pattern.pattern}/ (in order)")
            break
        pos += 1
    for pattern in anywhere:
        if not any(pattern.search(line) for line in lines):
            problems.append(f"no line matching /{pattern.pattern}/ (anywhere)")
    for n, pattern in counts:
        found = len({line for line in lines if pattern.search(line)})
        if found != n:
            problems.append(f"{found} different lines match /{pattern.pattern}/, expected {n}")
    for pattern in absent:
        for line in lines:
            if pattern.search(line):
                problems.append(f"unexpected line matching /{pattern.pattern}/: {line}")
    return problems


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--iso", required=True)
    p.add_argument("--expect", required=True)
    p.add_argument("--smp", default="2")
    p.add_argument("--timeout", default="300")
    p.add_argument("--icount", action="store_true", help="TCG with -icount shift=0 (deterministic clock)")
    p.add_argument("--input", help="a line to type into the serial port (see qemu_run.py)")
    p.add_argument("--input-after", default="", help="type it once the output matches this")
    p.add_argument("extra", nargs="*")
    a = p.parse_args()
    status, ordered, absent, anywhere, counts = load_expectations(a.expect)
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "serial.log")
        cmd = [sys.executable, RUNNER, "--iso", a.iso, "--smp", a.smp, "--timeout", a.timeout,
               "--quiet", "--log", log] + (["--icount"] if a.icount else [])
        if a.input is not None:
            cmd += ["--input", a.input, "--input-after", a.input_after]
        cmd += ["--"] + a.extra if a.extra else []
        rc = subprocess.run(cmd).returncode
        with open(log, encoding="utf-8", errors="replace") as f:
            output = f.read().replace("\r", "")
    problems = check(output, status, rc, ordered, absent, anywhere, counts)
    sys.stdout.write(output)
    if problems:
        print("\nboot_test: FAILED", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print(f"\nboot_test: passed ({len(ordered) + len(anywhere) + len(counts)} expected lines, status {rc})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
