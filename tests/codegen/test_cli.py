"""The command line itself: usage errors, missing modules, internal errors; never a traceback."""
import os
import sys

from conftest import REPO, run_gen

sys.path.insert(0, os.path.join(REPO, "codegen"))


def test_no_command_is_a_usage_error():
    r = run_gen()
    assert r.code == 2
    assert r.err_lines[0].startswith("tessera-gen: error: ")


def test_unknown_command_and_missing_out():
    assert run_gen("frobnicate").code == 2
    r = run_gen("gen", "system.yaml")
    assert r.code == 2 and "--out" in r.err


def test_help():
    r = run_gen("--help")
    assert r.code == 0 and "check" in r.out and "interfaces" in r.out


def test_missing_module_names_the_debian_package(tmp_path):
    (tmp_path / "jinja2.py").write_text("raise ImportError('pretend jinja2 is not installed')\n")
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    r = run_gen("check", "system.yaml", env=env)
    assert r.code == 2
    assert len(r.err_lines) == 1 and "python3-jinja2" in r.err


def test_internal_error_is_one_line(monkeypatch, capsys):
    from tessera_codegen import cli

    def boom(path):
        raise KeyError("bug")

    monkeypatch.setattr(cli, "load_system", boom)
    assert cli.main(["check", "system.yaml"]) == 2
    err = capsys.readouterr().err
    assert err == "tessera-gen: internal error: KeyError: 'bug'\n"


def test_unwritable_output_is_an_error_not_a_traceback(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = run_gen("gen", "system.yaml", "--out", str(blocker / "sub"))
    assert r.code == 1
    assert r.err_lines[0].startswith("tessera-gen: error: ")
