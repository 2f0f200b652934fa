"""codegen/abi.yaml: the generated headers, the Python struct formats and the C++ compiler agree
on every record's layout, and a bad ABI description is refused with FILE:LINE:COL."""
import os
import re
import shutil
import struct
import subprocess
import sys

import pytest

from conftest import REPO, run_gen

sys.path.insert(0, os.path.join(REPO, "codegen"))

from tessera_codegen import abi  # noqa: E402
from tessera_codegen.errors import Failed  # noqa: E402

CXX = shutil.which("g++")
HEADERS = ("tessera/abi.h", "tessera/spec_format.h")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("abi")
    r = run_gen("abi", "--out", str(out))
    assert (r.code, r.out, r.err) == (0, "", "")
    return out


def asserted_layouts(text):
    """{record: (size, {field: offset})} as the header's static_asserts state them."""
    sizes = {m.group(1): int(m.group(2)) for m in re.finditer(r"static_assert\(sizeof\((\w+)\) == (\d+)\);", text)}
    offsets = {}
    for m in re.finditer(r"static_assert\(offsetof\((\w+), (\w+)\) == (\d+)\);", text):
        offsets.setdefault(m.group(1), {})[m.group(2)] = int(m.group(3))
    return {name: (size, offsets.get(name, {})) for name, size in sizes.items()}


def test_headers_assert_the_layouts_of_the_struct_formats(generated):
    text = "".join((generated / h).read_text() for h in HEADERS)
    stated = asserted_layouts(text)
    assert set(stated) == set(abi.ABI.records)
    for name, record in abi.ABI.records.items():
        codes = [f.code for f in record.values]
        # Offsets as Python's struct module computes them from the formats the packer and the
        # spec writer use ("<": no implicit padding, so every byte is a declared field).
        py_offsets = {f.name: struct.calcsize("<" + "".join(codes[:i])) for i, f in enumerate(record.values)}
        assert stated[name] == (record.struct.size, py_offsets), name


@pytest.mark.skipif(CXX is None, reason="needs g++")
def test_the_compiler_agrees_with_the_static_asserts(generated, tmp_path):
    src = tmp_path / "use.cpp"
    src.write_text('#include "tessera/abi.h"\n#include "tessera/spec_format.h"\n')
    flags = ["-std=c++20", "-ffreestanding", "-fno-exceptions", "-fno-rtti", "-mgeneral-regs-only", "-Wall",
             "-Wextra", "-Wshadow", "-Wconversion", "-Werror", f"-I{generated}", "-fsyntax-only"]
    proc = subprocess.run([CXX, *flags, str(src)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    # The asserts bite: one offset moved by a byte does not compile.
    bad = tmp_path / "bad" / "tessera"
    shutil.copytree(generated / "tessera", bad)
    text = (bad / "spec_format.h").read_text()
    (bad / "spec_format.h").write_text(text.replace("offsetof(Component, affinity) == 72", "offsetof(Component, "
                                                                                            "affinity) == 73"))
    proc = subprocess.run([CXX, *flags[:-2], f"-I{bad.parent}", "-fsyntax-only", str(src)], capture_output=True,
                          text=True)
    assert proc.returncode != 0 and "static assertion failed" in proc.stderr


def test_headers_name_their_source_and_print_the_same(generated):
    r = run_gen("abi")
    assert r.code == 0 and r.err == ""
    texts = [(generated / h).read_text() for h in HEADERS]
    assert r.out == "\n".join(texts)
    for text in texts:
        assert text.startswith("// Generated from codegen/abi.yaml by codegen/tessera-gen.py. Do not edit.\n")
        assert REPO not in text


def test_values_kept():
    # The ABI is stable: these are the numbers shipped kernels and components use.
    assert (abi.MAX_CPUS, abi.MAX_THREADS_PER_COMPONENT, abi.MAX_IRQ_LINES, abi.MAX_CAP_SLOTS) == (64, 64, 64, 8192)
    assert (abi.SPEC_MAGIC, abi.SPEC_VERSION, abi.IMAGE_MAGIC) == (b"TESSPEC1", 5, b"TESSIMG1")
    # Supervision (spec version 5).
    assert (abi.STATUS_PEER_RESTARTED, abi.CAP_COMPONENT, abi.SYSCALL_COMPONENT_START, abi.SYSCALL_COMPONENT_RESTART) == (
        22, 5, 29, 31)
    assert (abi.RESTART_NEVER, abi.RESTART_ON_FAILURE, abi.RESTART_ALWAYS) == (0, 1, 2)
    assert (abi.FLAG_SHUTDOWN_ON_EXIT, abi.FLAG_START_MANUAL, abi.NO_SUPERVISOR) == (1, 2, 0xFFFF_FFFF)
    assert (abi.STATUS_INCOMPLETE, abi.SYSCALL_REGION_UNMAP, abi.CAP_IRQ, abi.RIGHT_ALL) == (21, 28, 4, 63)
    assert (abi.SHARED_BASE, abi.IPC_BUFFER_BASE) == (0x0000_0300_0000_0000, 0x0000_7FFF_F000_0000)


def refused(tmp_path, edit):
    """Problems of a copy of codegen/abi.yaml changed by `edit(text) -> text`."""
    with open(abi.SOURCE, encoding="utf-8") as f:
        text = edit(f.read())
    path = tmp_path / "abi.yaml"
    path.write_text(text)
    with pytest.raises(Failed) as e:
        abi.load_abi(str(path))
    return [str(p).split(": error: ", 1) for p in e.value.problems], text.splitlines()


def position(lines, needle):
    """1-based line and column of `needle` (which may span lines) in the file's lines."""
    text = "\n".join(lines)
    at = text.index(needle)
    line = text.count("\n", 0, at) + 1
    return line, at - (text.rfind("\n", 0, at) + 1) + 1


def test_a_field_without_its_alignment_is_refused(tmp_path):
    ports = ("        base: {type: u16, doc: first port}\n        count: {type: u16, doc: number of ports}\n"
             "        reserved: {type: u32}\n")
    swapped = ("        base: {type: u16, doc: first port}\n        reserved: {type: u32}\n"
               "        count: {type: u16, doc: number of ports}\n")
    problems, lines = refused(tmp_path, lambda t: t.replace(ports, swapped))
    line, col = position(lines, "reserved: {type: u32}\n        count")
    assert problems == [[f"abi.yaml:{line}:{col}", "field 'reserved' of IoPortRange would be at offset 2, not a "
                                                   "multiple of its alignment 4: declare padding (a reserved field) "
                                                   "before it"]]


def test_a_record_without_its_tail_padding_is_refused(tmp_path):
    problems, lines = refused(tmp_path, lambda t: t.replace(
        "        component: {type: u32, doc: the driver}\n        reserved: {type: u32}\n",
        "        component: {type: u32, doc: the driver}\n"))
    line, col = position(lines, "line: {type: u32, doc: \"ISA IRQ")
    assert problems == [[f"abi.yaml:{line}:{col}", "Irq would be 20 bytes, not a multiple of its alignment 8: "
                                                   "declare padding (a reserved field) at its end"]]


def test_renumbering_into_a_taken_value_is_refused(tmp_path):
    problems, lines = refused(tmp_path, lambda t: t.replace("kTimeout: {value: 15,", "kTimeout: {value: 14,"))
    line, col = position(lines, "kTimeout: {value: 14,")
    assert problems == [[f"abi.yaml:{line}:{col + len('kTimeout: {value: ')}",
                         "Status::kTimeout has the value 14 of Status::kSlotOccupied"]]


def test_an_unknown_array_size_is_refused(tmp_path):
    problems, lines = refused(tmp_path, lambda t: t.replace('"u64[kMaxMessageWords]"', '"u64[kMaxWords]"'))
    line, col = position(lines, '"u64[kMaxWords]"')
    assert problems == [[f"abi.yaml:{line}:{col}", "array size 'kMaxWords' is neither a number nor a constant "
                                                   "declared before"]]


def test_a_refused_abi_description_stops_the_generator_with_its_position(tmp_path):
    # A copy of the generator whose abi.yaml gives a record field a type that does not exist.
    shutil.copytree(os.path.join(REPO, "codegen"), tmp_path / "codegen")
    path = tmp_path / "codegen" / "abi.yaml"
    text = path.read_text().replace("        slot: {type: u32, doc: index in", "        slot: {type: u31, doc: index in")
    path.write_text(text)
    line, col = position(text.splitlines(), "u31")
    proc = subprocess.run([sys.executable, str(tmp_path / "codegen" / "tessera-gen.py"), "check", "system.yaml"],
                          cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.splitlines() == [f"codegen/abi.yaml:{line}:{col}: error: field type 'u31' is not a type of u8, u16, "
                                        "u32, u64, i8, i16, i32, i64, unsigned, char (char as char[N]), or an array "
                                        "TYPE[N]"]
