#!/usr/bin/env python3
"""Packs system.img (the boot spec plus one ELF per component) and the bootable GRUB ISO.

system.img layout: kernel/include/tessera/spec_format.h (ImageHeader, ImageEntry[], blobs
at 4 KiB-aligned offsets). Files are rewritten only when their content changes.
"""
import argparse
import os
import shutil
import struct
import subprocess
import sys
import tempfile

HEADER = struct.Struct("<8sII")
ENTRY = struct.Struct("<48sQQ")
# The leading fields of spec_format.h's Header that this tool reads (version 4).
SPEC_HEADER = struct.Struct("<8s18I")
SPEC_VERSION = 4
SPEC_COMPONENT_NAME = 32
ALIGN = 4096


def component_names(spec):
    fields = SPEC_HEADER.unpack_from(spec)
    magic, version, count, comp_off, caps_off = fields[0], fields[1], fields[4], fields[12], fields[13]
    if magic != b"TESSPEC1" or version != SPEC_VERSION:
        raise SystemExit(f"pack_image: not a version {SPEC_VERSION} Tessera boot spec")
    names = []
    # Components are the records between their offset and the caps'; the names lead them.
    record = (caps_off - comp_off) // count if count else 0
    for i in range(count):
        raw = spec[comp_off + i * record:][:SPEC_COMPONENT_NAME]
        names.append(raw.split(b"\0", 1)[0].decode())
    return names


def pack(spec, blobs):
    entries = [("system.spec", spec)] + blobs
    offset = HEADER.size + ENTRY.size * len(entries)
    table, body = [], bytearray()
    for name, data in entries:
        offset = (offset + ALIGN - 1) // ALIGN * ALIGN
        table.append((name, offset, len(data)))
        offset += len(data)
    out = bytearray(HEADER.pack(b"TESSIMG1", len(entries), 0))
    for name, off, size in table:
        out += ENTRY.pack(name.encode(), off, size)
    for (name, off, size), (_, data) in zip(table, entries):
        out += bytes(off - len(out))
        out += data
    return bytes(out)


def write_if_changed(path, data):
    try:
        with open(path, "rb") as f:
            if f.read() == data:
                return False
    except OSError:
        pass
    with open(path, "wb") as f:
        f.write(data)
    return True


def newer(target, sources):
    if not os.path.exists(target):
        return True
    t = os.path.getmtime(target)
    return any(os.path.getmtime(s) > t for s in sources)


def make_iso(iso, kernel, image, grub_cfg):
    if not newer(iso, [kernel, image, grub_cfg]):
        return
    with tempfile.TemporaryDirectory() as root:
        os.makedirs(os.path.join(root, "boot", "grub"))
        shutil.copy(kernel, os.path.join(root, "boot", "kernel.elf"))
        shutil.copy(image, os.path.join(root, "boot", "system.img"))
        shutil.copy(grub_cfg, os.path.join(root, "boot", "grub", "grub.cfg"))
        tmp = iso + ".tmp"
        r = subprocess.run(["grub-mkrescue", "-o", tmp, root], stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            sys.stderr.write(r.stderr)
            raise SystemExit("pack_image: grub-mkrescue failed (packages grub-pc-bin, grub-common, xorriso, mtools)")
        os.replace(tmp, iso)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--spec", required=True)
    p.add_argument("--elf-dir", required=True, help="folder holding <component>.elf")
    p.add_argument("--out", required=True, help="system.img to write")
    p.add_argument("--kernel")
    p.add_argument("--grub-cfg")
    p.add_argument("--iso")
    a = p.parse_args()
    with open(a.spec, "rb") as f:
        spec = f.read()
    blobs = []
    for name in component_names(spec):
        path = os.path.join(a.elf_dir, name + ".elf")
        if not os.path.exists(path):
            raise SystemExit(f"pack_image: {path} is missing: component {name} was not built")
        with open(path, "rb") as f:
            blobs.append((name, f.read()))
    write_if_changed(a.out, pack(spec, blobs))
    if a.iso:
        make_iso(a.iso, a.kernel, a.out, a.grub_cfg)
    return 0


if __name__ == "__main__":
    sys.exit(main())
