#!/usr/bin/env python3
"""Packs system.img (the boot spec plus one ELF per component) and the bootable GRUB ISO.

system.img layout: codegen/abi.yaml (ImageHeader, ImageEntry[], blobs at kImageAlign
offsets), read through the generator's abi module. Which ELFs go in: the manifest the
generator writes next to system.spec, one component name a line (# starts a comment), in spec
order. Each ELF goes in as the kernel reads it: its header, program headers and loadable
bytes, without section headers, symbols and debug information (which are most of a small
component's file). Files are rewritten only when their content changes.

With --objcopy, the kernel goes into the ISO without its debug sections (the build tree keeps
it whole, for gdb): GRUB reads every byte of the file, a few instructions per byte, and its
multiboot2 loader also loads every section of the kernel that is not part of the image.
"""
import argparse
import os
import shutil
import struct
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


ELF_HEADER = struct.Struct("<16sHHIQQQIHHHHHH")  # Elf64_Ehdr
PROGRAM_HEADER = struct.Struct("<IIQQQQQQ")     # Elf64_Phdr
PT_LOAD = 1


def loadable(elf):
    """`elf` cut after the last byte the kernel reads (elf.cpp: the headers and each PT_LOAD
    segment's file bytes), with no section header table. Anything that is not a 64-bit ELF
    is left as it is, for the kernel to refuse."""
    if len(elf) < ELF_HEADER.size or elf[:4] != b"\x7fELF" or elf[4] != 2:
        return elf
    fields = list(ELF_HEADER.unpack_from(elf))
    phoff, phentsize, phnum = fields[5], fields[9], fields[10]
    if phentsize != PROGRAM_HEADER.size or phoff + phnum * phentsize > len(elf):
        return elf
    end = phoff + phnum * phentsize
    for i in range(phnum):
        ptype, _, offset, _, _, filesz, _, _ = PROGRAM_HEADER.unpack_from(elf, phoff + i * phentsize)
        if ptype == PT_LOAD:
            end = max(end, offset + filesz)
    if end > len(elf):
        return elf
    fields[6], fields[12], fields[13] = 0, 0, 0  # e_shoff, e_shnum, e_shstrndx
    return ELF_HEADER.pack(*fields) + elf[ELF_HEADER.size:end]


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
        with open(path, "rb") as f:
            blobs.append((name, loadable(f.read())))
    write_if_changed(a.out, pack(spec, blobs))
    if a.iso:
        make_iso(a.iso, a.kernel, a.out, a.grub_cfg, a.objcopy)
    return 0


if __name__ == "__main__":
    sys.exit(main())
