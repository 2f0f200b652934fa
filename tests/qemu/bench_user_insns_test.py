#!/usr/bin/env python3
"""The user-mode instructions of the bench's same-CPU window, two ways: counted from the
disassembly of the built ELFs (build-tools/bench_user_insns.py, what `tessera bench`
subtracts) and single-stepped in QEMU (build-tools/bench_step.py). They must agree, for the
client and for the server, and be more than nothing; and the counting script must refuse an
ELF without the window's labels rather than count something else.
"""
import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = os.path.join(HERE, "..", "..", "build-tools")


def run(*args):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True)


def fields(line):
    return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line)}


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--iso", required=True, help="the bench system's ISO")
    p.add_argument("--elf-dir", required=True, help="the folder of its component ELFs")
    a = p.parse_args()
    client = os.path.join(a.elf_dir, "bench_client.elf")
    server = os.path.join(a.elf_dir, "bench_server.elf")
    problems = []

    counted = run(os.path.join(TOOLS, "bench_user_insns.py"), "--client", client, "--server", server)
    print(counted.stdout + counted.stderr, end="")
    if counted.returncode != 0:
        print("FAIL: the disassembly count failed")
        return 1
    static = fields(counted.stdout)
    if not (static.get("client", 0) > 0 and static.get("server", 0) > 0
            and static.get("user_insns") == static["client"] + static["server"]):
        problems.append(f"the disassembly count is not a sum of two positive counts: {counted.stdout.strip()}")

    stepped = run(os.path.join(TOOLS, "bench_step.py"), "--iso", a.iso, "--elf", client, "--icount")
    print(stepped.stdout + stepped.stderr, end="")
    if stepped.returncode != 0:
        problems.append("single-stepping the window in QEMU failed")
    else:
        dynamic = fields(stepped.stdout)
        if (dynamic.get("own"), dynamic.get("other")) != (static.get("client"), static.get("server")):
            problems.append(f"the disassembly says client={static.get('client')} server={static.get('server')}, "
                            f"QEMU ran own={dynamic.get('own')} other={dynamic.get('other')}")

    # The server's ELF has no window labels: the script must say so and fail.
    unlabelled = run(os.path.join(TOOLS, "bench_user_insns.py"), "--client", server, "--server", server)
    if unlabelled.returncode == 0 or "markers are missing" not in unlabelled.stderr:
        problems.append(f"an ELF without the labels was counted: {unlabelled.stdout.strip()}{unlabelled.stderr.strip()}")

    for problem in problems:
        print(f"FAIL: {problem}")
    if not problems:
        print("PASS")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
