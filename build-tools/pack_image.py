#!/usr/bin/env python3
"""Packs system.img (the boot spec plus one ELF per component) and the bootable GRUB ISO.

system.img layout: codegen/abi.yaml (ImageHeader, ImageEntry[], blobs at kImageAlign
offsets), read through the generator's abi module. Which ELFs go in: the manifest the
generator writes next to system.spec, one component name a line (# starts a comment), in spec
order. Files are
rewritten only when their content changes.

With --objcopy, the kernel and component ELFs go in without their debug sections (the build
tree keeps them whole, for gdb): GRUB reads every byte of both files, a few instructions per
byte, and its multiboot2 loader also loads every section of the kernel that is not part of
the image.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "codegen"))
sys.dont_write_bytecode = True
try:
    from tessera_codegen import abi  # noqa: E402
except Exception as e:  # codegen/abi.yaml refused: its FILE:LINE:COL lines
    sys.stderr.write("".join(f"{p}\n" for p in getattr(e, "problems", [])) or f"pack_image: {e}\n")
    sys.exit(1)

HEADER = abi.ABI.record("ImageHeader").struct
ENTRY = abi.ABI.record("ImageEntry").struct
ALIGN = abi.IMAGE_ALIGN


def component_names(manifest):
    with open(manifest, encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip() and not line.startswith("#")]


def pack(spec, blobs):
    entries = [("system.spec", spec)] + blobs
    offset = HEADER.size + ENTRY.size * len(entries)
    table, body = [], bytearray()
    for name, data in entries:
        offset = (offset + ALIGN - 1) // ALIGN * ALIGN
        table.append((name, offset, len(data)))
        offset += len(data)
    out = bytearray(HEADER.pack(abi.IMAGE_MAGIC, len(entries), 0))
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


def without_debug(objcopy, path):
    """The ELF at path without its debug sections (objcopy --strip-debug), or as it is when
    objcopy is None."""
    if objcopy is None:
        with open(path, "rb") as f:
            return f.read()
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "stripped.elf")
        r = subprocess.run([objcopy, "--strip-debug", path, out], stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            sys.stderr.write(r.stderr)
            raise SystemExit(f"pack_image: {objcopy} --strip-debug {path} failed")
        with open(out, "rb") as f:
            return f.read()


def make_iso(iso, kernel, image, grub_cfg, objcopy):
    if not newer(iso, [kernel, image, grub_cfg]):
        return
    with tempfile.TemporaryDirectory() as root:
        os.makedirs(os.path.join(root, "boot", "grub"))
        with open(os.path.join(root, "boot", "kernel.elf"), "wb") as f:
            f.write(without_debug(objcopy, kernel))
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
    p.add_argument("--manifest", required=True, help="the generator's system.manifest: component names")
    p.add_argument("--elf-dir", required=True, help="folder holding <component>.elf")
    p.add_argument("--out", required=True, help="system.img to write")
    p.add_argument("--kernel")
    p.add_argument("--grub-cfg")
    p.add_argument("--iso")
    p.add_argument("--objcopy", help="leave the debug sections of the ELFs out, with this objcopy")
    a = p.parse_args()
    with open(a.spec, "rb") as f:
        spec = f.read()
    blobs = []
    for name in component_names(a.manifest):
        path = os.path.join(a.elf_dir, name + ".elf")
        if not os.path.exists(path):
            raise SystemExit(f"pack_image: {path} is missing: component {name} was not built")
        blobs.append((name, without_debug(a.objcopy, path)))
    write_if_changed(a.out, pack(spec, blobs))
    if a.iso:
        make_iso(a.iso, a.kernel, a.out, a.grub_cfg, a.objcopy)
    return 0


if __name__ == "__main__":
    sys.exit(main())
