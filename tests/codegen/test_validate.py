"""Validation returns its diagnostics and builds nothing; only a good description gets a model."""
import os
import sys

import pytest

from conftest import CASES, REPO, SMALL, run_gen, write_system

sys.path.insert(0, os.path.join(REPO, "codegen"))

from tessera_codegen import abi, build, caps, model, system  # noqa: E402
from tessera_codegen.description import Description  # noqa: E402


@pytest.fixture
def no_model(monkeypatch):
    """Fails a test that gets as far as building the model."""
    def refuse(desc):
        raise AssertionError("the model was built")
    monkeypatch.setattr(system, "build_system", refuse)
    monkeypatch.setattr(build, "build_system", refuse)


def test_problems_come_back_as_values(no_model):
    desc, problems = system.validate_system(os.path.join(CASES, "priority_inversion.yaml"))
    assert desc is None
    with open(os.path.join(CASES, "priority_inversion.yaml"), encoding="utf-8") as f:
        expected = [line[len("# expect: "):].rstrip("\n") for line in f if line.startswith("# expect: ")]
    assert [str(p).replace(CASES + os.sep, "") for p in problems] == expected


def test_an_unreadable_file_is_a_problem_too(no_model, tmp_path):
    desc, problems = system.validate_system(str(tmp_path / "nope.yaml"))
    assert desc is None
    assert [str(p) for p in problems] == [f"{tmp_path / 'nope.yaml'}:1:1: error: cannot read file: No such file "
                                          "or directory"]


def test_a_good_description_is_described_not_built(no_model, tmp_path):
    desc, problems = system.validate_system(write_system(tmp_path, SMALL))
    assert problems == []
    assert isinstance(desc, Description)
    assert [c.name for c in desc.components] == ["srv", "drv", "cli"]
    assert not any(isinstance(c, model.Component) for c in desc.components)
    assert [(u.interface.name, u.provider) for u in desc.components[2].uses] == [("b", "srv"), ("a", "srv")]


def test_two_caps_with_one_name_are_refused(tmp_path):
    # kv's notification and its region would both be caps::kStats.
    path = write_system(tmp_path, "system: clash\ncomponents:\n"
                                  "  kv: {source: src, priority: 1}\n  app: {source: src, priority: 1}\n"
                                  "notifications:\n  stats: {wait: kv, signal: [app]}\n"
                                  "memory:\n  stats: {size: 4K, map: {kv: rw}}\n", interfaces=())
    r = run_gen("check", os.path.basename(path), cwd=str(tmp_path))
    assert r.code == 1
    assert r.err_lines == ["s.yaml:3:7: error: component 'kv' gets two caps named caps::kStats; rename the "
                           "interface, notification or region"]


def test_two_uses_with_one_cap_name_are_refused(tmp_path):
    # Interfaces a_1 and a1 both make caps::kA1.
    path = write_system(tmp_path, "system: clash\ncomponents:\n"
                                  "  srv: {source: src, priority: 2, provides: [a_1, a1]}\n"
                                  "  cli: {source: src, priority: 1, uses: [a_1, a1]}\n", interfaces=("a_1", "a1"))
    r = run_gen("check", os.path.basename(path), cwd=str(tmp_path))
    assert r.code == 1
    assert r.err_lines == ["s.yaml:4:8: error: component 'cli' gets two caps named caps::kA1; rename the "
                           "interface, notification or region"]


def test_shared_regions_beyond_the_address_space_are_refused(tmp_path):
    # No description within the size limits gets there; a hand-made one shows the check works.
    desc, _ = system.validate_system(write_system(tmp_path, SMALL))
    huge = model.Region("huge", 2, abi.IPC_BUFFER_BASE - abi.SHARED_BASE, (("srv", "r"),))
    desc = Description(desc.name, desc.cpus, desc.path, desc.components, desc.interfaces, desc.notifications,
                       desc.regions + (huge,))
    problems = []

    class Diag:
        def error(self, node, message):
            problems.append((node, message))

    system._check_caps(Diag(), desc, caps.plan(desc), {c.name: c.name for c in desc.components})
    assert problems == [("srv", "the shared regions of 'srv' do not fit its address space")]
