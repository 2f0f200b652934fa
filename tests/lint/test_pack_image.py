"""build-tools/pack_image.py: what of a component's ELF goes into system.img."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "build-tools"))
import pack_image  # noqa: E402


def elf(segments, tail=b"\xaa" * 300):
    """An ELF header, program headers for `segments` [(type, offset, filesz)], the file
    padded to cover them, then `tail` (standing in for debug sections and their headers)."""
    phoff = pack_image.ELF_HEADER.size
    end = max([phoff + len(segments) * pack_image.PROGRAM_HEADER.size] + [o + n for _, o, n in segments])
    header = pack_image.ELF_HEADER.pack(b"\x7fELF\x02\x01\x01" + bytes(9), 2, 62, 1, 0x400000, phoff, end, 0, 64,
                                        56, len(segments), 64, 7, 6)
    body = bytearray(header)
    for ptype, offset, filesz in segments:
        body += pack_image.PROGRAM_HEADER.pack(ptype, 5, offset, 0x400000, 0x400000, filesz, filesz, 4096)
    body += bytes(end - len(body))
    for i in range(len(body), end):
        body[i] = 0x11
    return bytes(body) + tail


def test_an_elf_keeps_its_headers_and_loadable_bytes_only():
    data = elf([(1, 4096, 100), (4, 0, 8), (1, 8192, 5)])
    out = pack_image.loadable(data)
    assert len(out) == 8192 + 5
    assert out[64:] == data[64:8197]
    fields = pack_image.ELF_HEADER.unpack_from(out)
    assert (fields[6], fields[11], fields[12], fields[13]) == (0, 64, 0, 0)  # no section headers
    assert fields[:6] == pack_image.ELF_HEADER.unpack_from(data)[:6]


def test_what_is_not_an_elf_the_kernel_reads_is_left_alone():
    assert pack_image.loadable(b"not an elf at all, but long enough to have a header..........") == \
        b"not an elf at all, but long enough to have a header.........."
    cut = elf([(1, 4096, 100)])[:200]  # a segment beyond the end: left for the kernel to refuse
    assert pack_image.loadable(cut) == cut
