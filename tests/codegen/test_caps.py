"""The cap policy (caps.py) on a small system: every slot, type, rights, object and badge."""
import dataclasses
import os
import sys

import pytest

from conftest import REPO, SMALL, write_system

sys.path.insert(0, os.path.join(REPO, "codegen"))

from tessera_codegen import caps, model, system  # noqa: E402

SEND, RECV, GRANT, READ, WRITE, EXEC = 1, 2, 4, 8, 16, 32
ENDPOINT, NOTIFICATION, MEMORY, IRQ = 1, 2, 3, 4
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
