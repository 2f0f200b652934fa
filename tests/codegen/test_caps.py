"""The cap policy (caps.py) on a small system: every slot, type, rights, object and badge."""
import dataclasses
import os
import sys

import pytest

from conftest import REPO, SMALL, SUPERVISED, write_system

sys.path.insert(0, os.path.join(REPO, "codegen"))

from tessera_codegen import caps, model, system  # noqa: E402

SEND, RECV, GRANT, READ, WRITE, EXEC = 1, 2, 4, 8, 16, 32
ENDPOINT, NOTIFICATION, MEMORY, IRQ, COMPONENT = 1, 2, 3, 4, 5
NO_SUPERVISOR = 0xFFFF_FFFF
SHARED = 0x0000_0300_0000_0000
PAGE = 4096

@pytest.fixture
def small(tmp_path):
    desc, problems = system.validate_system(write_system(tmp_path, SMALL))
    assert problems == []
    return desc, caps.plan(desc)


def table(plan, name):
    return [(c.slot, c.type, c.rights, c.object, c.badge, c.cap_name) for c in plan.tables[name].caps]


def test_provider_slots(small):
    _, plan = small
    # Its endpoint, then its signal cap (second signaller: bit 1), then the region it maps.
    assert table(plan, "srv") == [(1, ENDPOINT, RECV, 0, 0, "kEndpoint"),
                                  (2, NOTIFICATION, SEND | GRANT, 0, 2, "kBell"),
                                  (3, MEMORY, READ | GRANT, 0, 0, "kBuf")]
    assert (plan.tables["srv"].first_free, plan.tables["srv"].cap_slots) == (4, 4 + 8)
    assert plan.endpoints == {"srv": 0}


def test_client_slots_and_badges(small):
    _, plan = small
    # Uses in the order written, each badged with the client's spec index + 1 (cli is third).
    assert table(plan, "cli") == [(1, ENDPOINT, SEND | GRANT, 0, 3, "kB"), (2, ENDPOINT, SEND | GRANT, 0, 3, "kA"),
                                  (3, NOTIFICATION, RECV | GRANT, 0, 0, "kBell"),
                                  (4, MEMORY, READ | WRITE | GRANT, 0, 0, "kBuf"),
                                  (5, MEMORY, READ | EXEC | GRANT, 1, 0, "kCode")]
    assert plan.tables["srv"].clients == (model.Client("cli", 3),)
    assert plan.tables["cli"].signals == (model.Signal("bell", "drv", 1), model.Signal("bell", "srv", 2))


def test_driver_slots_and_irqs(small):
    _, plan = small
    # The driver's IRQ notification comes after the described one; an IRQ cap per line as written.
    assert table(plan, "drv") == [(1, NOTIFICATION, SEND | GRANT, 0, 1, "kBell"),
                                  (2, NOTIFICATION, RECV, 1, 0, "kIrqs"),
                                  (3, IRQ, 0, 0, 0, "kIrq9"), (4, IRQ, 0, 1, 0, "kIrq3")]
    assert (plan.tables["drv"].first_free, plan.tables["drv"].cap_slots) == (5, 5 + 2)
    assert plan.irqs == (model.Irq(9, 0, 1, 1, 9), model.Irq(3, 1, 1, 1, 3))
    assert [i.bits for i in plan.irqs] == [1 << 9, 1 << 3] and plan.tables["drv"].irqs == plan.irqs
    assert plan.notification_count == 2


def test_shared_regions_are_laid_out_a_guard_page_apart(small):
    _, plan = small
    cli = plan.tables["cli"]
    assert [(m.region.name, m.rights, m.vaddr, m.slot) for m in cli.mappings] == [
        ("buf", "rw", SHARED, 4), ("code", "rx", SHARED + 8 * 1024 + PAGE, 5)]
    assert cli.shared_top == SHARED + 8 * 1024 + PAGE + 4 * 1024 + PAGE
    assert [(m.region.name, m.slot) for m in plan.tables["srv"].mappings] == [("buf", 3)]


def test_each_cap_says_what_is_on_the_other_end(small):
    _, plan = small
    assert [c.peer for c in plan.tables["srv"].caps] == ["cli", "cli", "cli"]
    assert [c.peer for c in plan.tables["cli"].caps] == ["srv", "srv", "drv, srv", "srv", ""]
    assert [c.peer for c in plan.tables["drv"].caps] == ["cli", "IRQ lines 9, 3", "IRQ line 9", "IRQ line 3"]
    assert plan.tables["cli"].caps[0].doc == "Interface `b` of component `srv` (send, grant)"


def test_the_model_takes_the_plan_as_it_is(small, tmp_path):
    desc, plan = small
    built = system.load_system(desc.path)
    for comp in built.components:
        t = plan.tables[comp.name]
        assert (comp.caps, comp.first_free, comp.cap_slots, comp.mappings, comp.irqs) == (
            t.caps, t.first_free, t.cap_slots, t.mappings, t.irqs)
    assert built.irqs == plan.irqs and built.notification_count == plan.notification_count
    assert [c.endpoint for c in built.components] == [0, -1, -1]


def test_the_model_is_immutable(small):
    desc, _ = small
    built = system.load_system(desc.path)
    cli = built.components[2]
    with pytest.raises(dataclasses.FrozenInstanceError):
        cli.priority = 7
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.interfaces[0].methods[0].name = "x"
    assert isinstance(cli.uses, tuple) and isinstance(cli.caps, tuple)
    assert isinstance(built.interfaces[0].methods, tuple) and isinstance(built.interfaces[0].methods[0].inputs, tuple)


@pytest.fixture
def supervised(tmp_path):
    desc, problems = system.validate_system(write_system(tmp_path, SUPERVISED))
    assert problems == []
    return desc, caps.plan(desc)


def test_fault_endpoints_follow_the_providers(supervised):
    _, plan = supervised
    # Providers srv and boss have endpoints 0 and 1; the supervisors' fault endpoints come after,
    # in description order: boss, then the built-in supervisor (last).
    assert dict(plan.endpoints) == {"srv": 0, "boss": 1}
    assert dict(plan.fault_endpoints) == {"boss": 2, "supervisor": 3}
    assert plan.endpoint_count == 4
    assert [plan.tables[n].fault_endpoint for n in ("srv", "boss", "w1", "supervisor")] == [-1, 2, -1, 3]


def test_supervisor_slots(supervised):
    _, plan = supervised
    # boss: its endpoint and IRQ caps as before, then its fault endpoint (recv) and a control
    # cap per component it supervises (send; object: the component's spec index).
    assert table(plan, "boss") == [(1, ENDPOINT, RECV, 1, 0, "kEndpoint"), (2, NOTIFICATION, RECV, 0, 0, "kIrqs"),
                                   (3, IRQ, 0, 0, 0, "kIrq3"), (4, ENDPOINT, RECV, 2, 0, "kFaultEndpoint"),
                                   (5, COMPONENT, SEND, 2, 0, "kControlW1"), (6, COMPONENT, SEND, 3, 0, "kControlW2")]
    assert table(plan, "supervisor") == [(1, ENDPOINT, RECV, 3, 0, "kFaultEndpoint"),
                                         (2, COMPONENT, SEND, 0, 0, "kControlSrv"),
                                         (3, COMPONENT, SEND, 4, 0, "kControlLate")]
    assert (plan.tables["supervisor"].first_free, plan.tables["supervisor"].cap_slots) == (4, 4 + 8)
    assert [c.peer for c in plan.tables["supervisor"].caps] == ["srv, late", "srv", "late"]


def test_supervised_badges_and_endpoints(supervised):
    _, plan = supervised
    # A supervised component's reports go to its supervisor's fault endpoint, badged with the
    # supervisor's control slot for it; its own table has no supervision caps.
    got = {n: (plan.tables[n].supervisor_endpoint, plan.tables[n].report_badge)
           for n in ("srv", "boss", "w1", "w2", "late", "free", "supervisor")}
    assert got == {"srv": (3, 2), "boss": (NO_SUPERVISOR, 0), "w1": (2, 5), "w2": (2, 6), "late": (3, 3),
                   "free": (NO_SUPERVISOR, 0), "supervisor": (NO_SUPERVISOR, 0)}
    assert table(plan, "srv") == [(1, ENDPOINT, RECV, 0, 0, "kEndpoint")]
    assert table(plan, "w1") == [(1, ENDPOINT, SEND | GRANT, 0, 3, "kA")]


def test_supervision_tables(supervised):
    _, plan = supervised
    assert plan.tables["boss"].supervises == (
        model.Supervised("w1", 2, 5, "kControlW1", 2, 5, 0, False),
        model.Supervised("w2", 3, 6, "kControlW2", 0, 5, 2000, True))
    assert plan.tables["supervisor"].supervises == (
        model.Supervised("srv", 0, 2, "kControlSrv", 1, 3, 10, False),
        model.Supervised("late", 4, 3, "kControlLate", 0, 5, 0, True))
    assert [s.restart_cpp for s in plan.tables["boss"].supervises] == [
        "::tessera::RestartPolicy::kAlways", "::tessera::RestartPolicy::kNever"]
    assert all(plan.tables[n].supervises == () for n in ("srv", "w1", "w2", "late", "free"))


def test_no_supervision_no_supervision_caps(small):
    desc, plan = small
    assert dict(plan.fault_endpoints) == {} and plan.endpoint_count == len(plan.endpoints) == 1
    assert not any(c.type == COMPONENT or c.cap_name == "kFaultEndpoint"
                   for t in plan.tables.values() for c in t.caps)
    assert {(t.supervisor_endpoint, t.report_badge) for t in plan.tables.values()} == {(NO_SUPERVISOR, 0)}


def test_the_model_takes_the_supervision_plan(supervised):
    desc, plan = supervised
    built = system.load_system(desc.path)
    assert built.endpoint_count == 4
    assert [c.name for c in built.supervisors] == ["boss", "supervisor"]
    for comp in built.components:
        t = plan.tables[comp.name]
        assert (comp.fault_endpoint, comp.supervises, comp.supervisor_endpoint, comp.report_badge) == (
            t.fault_endpoint, t.supervises, t.supervisor_endpoint, t.report_badge)
