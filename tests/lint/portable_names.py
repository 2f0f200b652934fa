#!/usr/bin/env python3
"""Portable kernel files name no x86 register: the register behind each ABI role is the
platform's business (platform/x86_64/include/arch/). Checks kernel/*.cpp and kernel/*.h
(not kernel/include/, whose ABI header may document its registers). Exits 1 with
FILE:LINE:COL for every register name found, in code or in comments alike."""
import pathlib
import re
import sys

REGISTERS = (
    [f"r{n}{s}" for n in range(8, 16) for s in ("", "d", "w", "b")]
    + [p + r for r in ("ax", "bx", "cx", "dx", "si", "di", "bp", "sp") for p in ("r", "e")]
    + ["rip", "eip", "rflags", "eflags", "cr0", "cr2", "cr3", "cr4", "cr8", "xcr0"]
    + ["cs", "ds", "es", "fs", "gs", "ss", "fs_base", "gs_base"]
    + [f"xmm{n}" for n in range(16)] + [f"dr{n}" for n in range(8)]
)
# A name is a register when it stands alone or between underscores (kernel_rsp, fs_base).
PATTERN = re.compile(r"(?<![A-Za-z0-9])(" + "|".join(sorted(REGISTERS, key=len, reverse=True)) + r")(?![A-Za-z0-9])",
                     re.IGNORECASE)


def offences(root):
    for path in sorted(list(root.glob("kernel/*.cpp")) + list(root.glob("kernel/*.h"))):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for m in PATTERN.finditer(line):
                yield f"{path.relative_to(root)}:{number}:{m.start() + 1}: error: names the x86 register '{m.group(1)}'"


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    found = list(offences(root))
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
