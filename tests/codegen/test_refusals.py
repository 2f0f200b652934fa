"""Every refusal, with its exact FILE:LINE:COL: error: line.

Each cases/*.yaml ends with `# expect:` comments: the exact stderr of `check` run in cases/
(`# expect: ok` for descriptions that must pass).
"""
import glob
import os

import pytest

from conftest import CASES, run_gen

CASE_FILES = sorted(os.path.basename(p) for p in glob.glob(os.path.join(CASES, "*.yaml")))


def expectations(name):
    with open(os.path.join(CASES, name), encoding="utf-8") as f:
        return [line[len("# expect: "):].rstrip("\n") for line in f if line.startswith("# expect: ")]


def test_there_are_cases():
    assert len(CASE_FILES) >= 20


@pytest.mark.parametrize("name", CASE_FILES)
def test_case(name):
    expected = expectations(name)
    assert expected, f"{name} has no '# expect:' lines"
    r = run_gen("check", name, cwd=CASES)
    if expected == ["ok"]:
        assert (r.code, r.out, r.err) == (0, "", "")
    else:
        assert r.code == 1
        assert r.out == ""
        assert r.err_lines == expected


@pytest.mark.parametrize("name", [n for n in CASE_FILES if expectations(n) != ["ok"]])
def test_gen_refuses_and_writes_nothing(name, tmp_path):
    r = run_gen("gen", name, "--out", str(tmp_path / "out"), cwd=CASES)
    assert r.code == 1
    assert not (tmp_path / "out").exists()


def test_file_name_is_reported_as_given(tmp_path):
    r = run_gen("check", os.path.join("tests", "codegen", "cases", "uses_itself.yaml"))
    assert r.code == 1
    assert r.err_lines == ["tests/codegen/cases/uses_itself.yaml:7:12: error: component 'a' uses interface "
                           "'svc' that it provides itself"]


def test_interface_path_is_joined_from_system_dir():
    r = run_gen("check", os.path.join("tests", "codegen", "cases", "bad_interface_files.yaml"))
    assert r.code == 1
    assert r.err_lines[0].startswith("tests/codegen/cases/interfaces/misnamed.yaml:1:12: error: ")


def test_every_problem_is_one_line_in_the_format():
    r = run_gen("check", "wrong_types.yaml", cwd=CASES)
    assert len(r.err_lines) == 9
    for line in r.err_lines:
        file, lineno, col, rest = line.split(":", 3)
        assert file == "wrong_types.yaml" and int(lineno) >= 1 and int(col) >= 1
        assert rest.startswith(" error: ")


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_interfaces_command_refuses_an_id_collision(tmp_path):
    a = write(tmp_path / "coll152.yaml", "interface: coll152\nmethods:\n  m: {}\n")
    b = write(tmp_path / "coll237.yaml", "interface: coll237\nmethods:\n  m: {}\n")
    r = run_gen("interfaces", str(a), str(b), "--out", str(tmp_path / "out"))
    assert r.code == 1
    assert r.err_lines == [f"{b}:1:1: error: interface 'coll237' has the same id 0x4c29 as interface 'coll152' "
                           f"({a}); rename one"]


def test_interfaces_command_reports_interface_errors(tmp_path):
    r = run_gen("interfaces", os.path.join("tests", "codegen", "cases", "interfaces", "no_methods.yaml"),
                "--out", str(tmp_path))
    assert r.code == 1
    assert r.err_lines == [
        "tests/codegen/cases/interfaces/no_methods.yaml:2:6: error: doc must be a string, not an integer",
        "tests/codegen/cases/interfaces/no_methods.yaml:3:10: error: an interface needs at least one method",
    ]


@pytest.mark.parametrize("text,expected", [
    ("", "1:1: error: file is empty"),
    ("- a\n- b\n", "1:1: error: system description must be a mapping, not a list"),
    ("system: x\ncomponents: {}\n", "2:13: error: a system needs at least one component"),
    ("system: x\n---\nsystem: y\n", "2:1: error: YAML syntax error: but found another document "
                                    "(expected a single document in the stream)"),
    ("system: x\ncomponents:\n  a: {source: ., priority: 1, uses: [7]}\n",
     "3:38: error: interface must be a name, not an integer"),
    ("system: x\ncomponents:\n  a: {source: ., priority: 1, uses: [{from: b}]}\n",
     "3:38: error: missing required key 'interface' in uses entry"),
    ("system: x\ncomponents:\n  a: {source: ., priority: 1, uses: [{interface: s, allow_inversion: 1}]}\n",
     "3:50: error: unknown interface 's' (no s.yaml in interfaces)\n"
     "3:70: error: allow_inversion must be true or false, not an integer"),
    ("system: x\ncomponents:\n  a: {source: ., priority: 1, ioports: [{base: 1}]}\n",
     "3:41: error: missing required key 'count' in ioport range"),
    ("system: x\ncomponents:\n  a: {source: ., priority: 1, stack: 16G}\n",
     "3:38: error: stack '16G' is not a size (bytes, or a number with K or M, e.g. 16K)"),
    ("system: x\ncomponents:\n  a: {source: ., priority: 1, memory: true}\n",
     "3:39: error: memory must be a size (bytes, or a number with K or M), not a boolean"),
    ("system: x\ncpus: 65\ncomponents:\n  a: {source: ., priority: 1}\n", "2:7: error: cpus 65 is out of range 1..64"),
    ("system: x\ncomponents:\n  a: {source: ., priority: 1}\n  b: {source: ., priority: 1}\n"
     "  c: {source: ., priority: 1, uses: [{interface: s, from: c}]}\n",
     "5:50: error: unknown interface 's' (no s.yaml in interfaces)"),
])
def test_small_refusals(tmp_path, text, expected):
    write(tmp_path / "s.yaml", text)
    r = run_gen("check", "s.yaml", cwd=tmp_path)
    assert r.code == 1
    assert r.err_lines == ["s.yaml:" + line for line in expected.split("\n")]


def test_invalid_utf8(tmp_path):
    (tmp_path / "s.yaml").write_bytes(b"system: x\ncomponents:\n  a: \xff\n")
    r = run_gen("check", "s.yaml", cwd=tmp_path)
    assert r.code == 1
    assert r.err_lines == ["s.yaml:3:1: error: file is not valid UTF-8"]


def test_missing_file(tmp_path):
    r = run_gen("check", "nope.yaml", cwd=tmp_path)
    assert r.code == 1
    assert r.err_lines == ["nope.yaml:1:1: error: cannot read file: No such file or directory"]
