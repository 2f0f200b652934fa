"""Validation returns its diagnostics and builds nothing; only a good description gets a model."""
import os
import sys

import pytest

from conftest import CASES, REPO, SMALL, SUPERVISED, run_gen, write_system

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


def supervision_of(desc):
    return {c.name: (c.supervisor, c.restart, c.restart_limit, c.restart_backoff_ms, c.start_manual, c.builtin)
            for c in desc.components}


def test_supervision_defaults(no_model, tmp_path):
    # Nothing said: unsupervised, restart never, no limit, no backoff, started at boot.
    desc, problems = system.validate_system(write_system(tmp_path, SMALL))
    assert problems == []
    assert set(supervision_of(desc).values()) == {("", abi.RESTART_NEVER, 0, 0, False, False)}
    assert not any(c.supervised for c in desc.components)


def test_supervision_values_and_the_builtin_supervisor(no_model, tmp_path):
    desc, problems = system.validate_system(write_system(tmp_path, SUPERVISED))
    assert problems == []
    assert supervision_of(desc) == {
        "srv": ("supervisor", abi.RESTART_ON_FAILURE, 3, 10, False, False),
        "boss": ("", abi.RESTART_NEVER, 0, 0, False, False),
        "w1": ("boss", abi.RESTART_ALWAYS, 5, 0, False, False),   # restart_limit defaults to 5
        "w2": ("boss", abi.RESTART_NEVER, 5, 2000, True, False),  # supervised: its keys count
        "late": ("supervisor", abi.RESTART_NEVER, 5, 0, True, False),
        "free": ("", abi.RESTART_NEVER, 0, 0, False, False),
        "supervisor": ("", abi.RESTART_NEVER, 0, 0, False, True),
    }
    sup = desc.components[-1]
    # Appended last (the described components keep their indices), above those it supervises.
    assert (sup.index, sup.priority, sup.cpu, sup.affinity, sup.threads) == (6, 201, -1, (), 1)
    assert (sup.stack, sup.memory, sup.free_slots, sup.map_quota) == (16 * 1024, 64 * 1024, 8, 0)
    assert (sup.provides, sup.uses, sup.irq_lines, sup.ioports, sup.shutdown) == ((), (), (), (), False)
    assert sup.source == "components/supervisor"
    assert sup.source_abs == os.path.join(REPO, "components", "supervisor") and os.path.isdir(sup.source_abs)


def test_the_builtin_supervisor_only_when_needed(no_model, tmp_path):
    # Supervisors named for every supervised component: no built-in one.
    text = ("system: s\ncomponents:\n  boss: {source: src, priority: 1}\n"
            "  a: {source: src, priority: 3, supervisor: boss, restart: always}\n"
            "  b: {source: src, priority: 4, supervisor: boss, start: manual}\n")
    desc, problems = system.validate_system(write_system(tmp_path, text, interfaces=()))
    assert problems == []
    assert [c.name for c in desc.components] == ["boss", "a", "b"]
    # The default system and the fault test supervise nothing; the bench system's own
    # supervisor (the client) takes the built-in's place.
    for yaml in ["system.yaml", "tests/systems/faults/system.yaml", "tests/systems/bench/system.yaml"]:
        desc, problems = system.validate_system(os.path.join(REPO, yaml))
        assert problems == [] and not any(c.builtin for c in desc.components), yaml
        supervised = [c.name for c in desc.components if c.supervised]
        assert supervised == (["bench_phoenix"] if "bench" in yaml else []), yaml


def test_the_builtin_supervisors_priority_is_capped(no_model, tmp_path):
    text = ("system: s\ncomponents:\n  a: {source: src, priority: 255, restart: always}\n"
            "  b: {source: src, priority: 3, start: manual}\n")
    desc, problems = system.validate_system(write_system(tmp_path, text, interfaces=()))
    assert problems == []
    assert [(c.name, c.priority) for c in desc.components] == [("a", 255), ("b", 3), ("supervisor", 255)]


def test_the_builtin_supervisor_passes_the_wiring_checks(tmp_path):
    # It calls nobody, so a supervised client of a lower-priority server trips nothing new.
    text = ("system: s\ncpus: 2\ncomponents:\n  srv: {source: src, priority: 9, provides: [a], cpu: 1}\n"
            "  cli: {source: src, priority: 2, uses: [a], restart: on-failure}\n")
    r = run_gen("check", write_system(tmp_path, text))
    assert (r.code, r.err) == (0, "")


def test_two_control_caps_with_one_name_are_refused(tmp_path):
    # Components a_1 and a1 both make caps::kControlA1 in their supervisor's table; the built-in
    # supervisor's problem is reported where it was first asked for.
    text = ("system: s\ncomponents:\n  a_1: {source: src, priority: 1, restart: always}\n"
            "  a1: {source: src, priority: 1, restart: always}\n"
            "  boss: {source: src, priority: 1}\n  b_1: {source: src, priority: 1, supervisor: boss}\n"
            "  b1: {source: src, priority: 1, supervisor: boss}\n")
    path = write_system(tmp_path, text, interfaces=())
    r = run_gen("check", os.path.basename(path), cwd=str(tmp_path))
    assert r.code == 1
    assert r.err_lines == [
        "s.yaml:3:35: error: component 'supervisor' gets two caps named caps::kControlA1; rename one of the "
        "components it supervises",
        "s.yaml:5:9: error: component 'boss' gets two caps named caps::kControlB1; rename one of the components it "
        "supervises"]


def test_reserved_cap_names():
    assert caps.reserved_cap_name("fault_endpoint") == "kFaultEndpoint"
    assert caps.reserved_cap_name("control_server") == "kControlServer"
    assert caps.reserved_cap_name("control_b_1") == "kControlB1"
    # A component name starts with a letter: kControl<digit>... and kControls are no control cap.
    for free in ["control", "controls", "control_1", "fault", "endpoint_fault", "faults_endpoint"]:
        assert caps.reserved_cap_name(free) is None, free
