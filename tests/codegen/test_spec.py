"""system.spec decodes to the records codegen/abi.yaml describes (tessera/spec_format.h)."""
import os
import sys

import pytest

from conftest import REPO, SUPERVISED, run_gen, write_system

sys.path.insert(0, os.path.join(REPO, "codegen"))

from tessera_codegen import abi  # noqa: E402

RECORD = {name: abi.ABI.record(name) for name in ("Header", "Component", "Cap", "IoPortRange", "Region", "Irq",
                                                   "Mapping")}
SEND, RECV, GRANT, READ, WRITE, EXEC = 1, 2, 4, 8, 16, 32
ENDPOINT, NOTIFICATION, MEMORY, IRQ_CAP, COMPONENT = 1, 2, 3, 4, 5
NO_SUPERVISOR = 0xFFFF_FFFF
SHUTDOWN, MANUAL = 1, 2  # flags
NEVER, ON_FAILURE, ALWAYS = 0, 1, 2
FREE = 8  # empty slots every component gets unless it says free_slots


def table(data, h, name, count, offset):
    r = RECORD[name]
    return [r.unpack(data, h[offset] + r.size * i) for i in range(h[count])]


def decode(data):
    h = RECORD["Header"].unpack(data)
    assert h["magic"] == b"TESSPEC1" and h["version"] == 5 and h["total_size"] == len(data)
    # The records as the kernel reads them: these sizes are asserted in spec_format.h too.
    assert [RECORD[n].size for n in RECORD] == [80, 112, 24, 8, 8, 24, 16]
    # Tables follow the header back to back, in this order.
    at = 80
    for name, count, offset in [("Component", "component_count", "components_offset"),
                                ("Cap", "cap_count", "caps_offset"), ("IoPortRange", "ioport_count", "ioports_offset"),
                                ("Region", "region_count", "regions_offset"), ("Irq", "irq_count", "irqs_offset"),
                                ("Mapping", "mapping_count", "mappings_offset")]:
        assert h[offset] == at
        at += RECORD[name].size * h[count]
    assert h["total_size"] == at
    comps = []
    for c in table(data, h, "Component", "component_count", "components_offset"):
        assert c["name"].endswith(b"\0")
        c["name"] = c["name"].rstrip(b"\0").decode()
        c["threads"] = c.pop("thread_quota")
        comps.append(c)
    caps = [tuple(c.values()) for c in table(data, h, "Cap", "cap_count", "caps_offset")]
    ports = [tuple(p.values()) for p in table(data, h, "IoPortRange", "ioport_count", "ioports_offset")]
    regions = [r["pages"] for r in table(data, h, "Region", "region_count", "regions_offset")]
    irqs = [tuple(i.values()) for i in table(data, h, "Irq", "irq_count", "irqs_offset")]
    mappings = [tuple(m.values()) for m in table(data, h, "Mapping", "mapping_count", "mappings_offset")]
    return {"cpus": h["cpus"], "endpoints": h["endpoint_count"], "notifications": h["notification_count"],
            "components": comps, "caps": caps, "ports": ports, "regions": regions, "irqs": irqs,
            "mappings": mappings}


def spec_of(yaml, tmp_path):
    r = run_gen("gen", yaml, "--out", str(tmp_path))
    assert r.code == 0, r.err
    return decode((tmp_path / "system.spec").read_bytes())


def caps_of(spec, name):
    c = next(c for c in spec["components"] if c["name"] == name)
    return [(slot, typ, rights, obj, badge) for slot, typ, rights, obj, _res, badge in
            spec["caps"][c["cap_first"]:c["cap_first"] + c["cap_count"]]]


def test_default_system(tmp_path):
    s = spec_of("system.yaml", tmp_path)
    assert s["cpus"] == 2 and s["endpoints"] == 2
    assert [c["name"] for c in s["components"]] == ["console", "kv", "app"]
    console, kv, app = s["components"]
    assert (console["priority"], console["cpu"], console["stack_pages"], console["heap_pages"]) == (200, 0, 4, 16)
    assert (kv["priority"], app["priority"]) == (150, 100)
    # Granted caps, then FREE empty slots.
    assert (console["cap_slots"], kv["cap_slots"], app["cap_slots"]) == (5 + FREE, 4 + FREE, 4 + FREE)
    # console: its endpoint, the `input` signal (badge bit 0), its IRQ notification and line 4.
    assert caps_of(s, "console") == [(1, ENDPOINT, RECV, 0, 0), (2, NOTIFICATION, SEND | GRANT, 0, 1),
                                     (3, NOTIFICATION, RECV, 1, 0), (4, IRQ_CAP, 0, 0, 0)]
    assert caps_of(s, "kv") == [(1, ENDPOINT, RECV, 1, 0), (2, ENDPOINT, SEND | GRANT, 0, 2),
                                (3, MEMORY, READ | WRITE | GRANT, 0, 0)]
    assert caps_of(s, "app") == [(1, ENDPOINT, SEND | GRANT, 1, 3), (2, ENDPOINT, SEND | GRANT, 0, 3),
                                 (3, NOTIFICATION, RECV | GRANT, 0, 0)]
    assert s["notifications"] == 2
    assert s["irqs"] == [(4, 1, 1 << 4, 0, 0)]  # line 4 -> notification 1, bit 4, driver console
    assert s["regions"] == [1]
    shared = 0x0000_0300_0000_0000
    assert s["mappings"] == [(1, 3, shared)]  # kv's; the app maps the region at run time
    assert [c["map_pages"] for c in s["components"]] == [0, 0, 4]
    assert [c["flags"] for c in s["components"]] == [0, 0, 1]
    assert [c["affinity"] for c in s["components"]] == [0b1, 0b10, 0b1]  # kv on CPU 1, the others on 0
    assert [c["threads"] for c in s["components"]] == [2, 1, 1]
    assert s["ports"] == [(0x3F8, 8, 0)]
    assert (console["ioport_first"], console["ioport_count"]) == (0, 1)
    assert (kv["ioport_count"], app["ioport_count"]) == (0, 0)
    assert [c["cap_first"] for c in s["components"]] == [0, 4, 7]
    # Nobody is supervised: no supervisor's endpoint, no policy, no badge, no limit.
    assert {supervision(c) for c in s["components"]} == {(NO_SUPERVISOR, NEVER, 0, 0)}
    assert {c["reserved"] for c in s["components"]} == {0}


def test_bench_system(tmp_path):
    s = spec_of("tests/systems/bench/system.yaml", tmp_path)
    # ping, pong, and the client's fault endpoint: it supervises bench_phoenix. bench_waiter
    # provides nothing, so a restart (which looks through every endpoint) costs what it did.
    assert s["cpus"] == 2 and s["endpoints"] == 3 and s["notifications"] == 3
    server, remote, client, phoenix, waiter = s["components"]
    assert client["heap_pages"] == 256 and client["flags"] == 1 and client["cpu"] == 0
    assert (server["cpu"], remote["cpu"], client["threads"], waiter["cpu"]) == (0, 1, 2, 0)
    assert caps_of(s, "bench_server") == [(1, 1, RECV, 0, 0)]
    assert caps_of(s, "bench_remote") == [(1, 1, RECV, 1, 0)]
    assert caps_of(s, "bench_client")[:2] == [(1, 1, SEND | GRANT, 0, 3), (2, 1, SEND | GRANT, 1, 3)]
    # Signal `ring`, wait on `ring_back`, signal `quiet`; then what a supervisor holds.
    assert caps_of(s, "bench_client")[2:5] == [(3, NOTIFICATION, SEND | GRANT, 0, 1),
                                               (4, NOTIFICATION, RECV | GRANT, 1, 0),
                                               (5, NOTIFICATION, SEND | GRANT, 2, 1)]
    assert caps_of(s, "bench_client")[5:] == [(6, ENDPOINT, RECV, 2, 0), (7, COMPONENT, SEND, 3, 0)]
    assert caps_of(s, "bench_waiter") == [(1, NOTIFICATION, RECV | GRANT, 0, 0), (2, NOTIFICATION, SEND | GRANT, 1, 1),
                                          (3, NOTIFICATION, RECV | GRANT, 2, 0)]
    assert (phoenix["flags"], phoenix["supervisor_endpoint"], phoenix["report_badge"]) == (MANUAL, 2, 7)
    assert (phoenix["restart"], phoenix["restart_limit"]) == (ON_FAILURE, 1000)
    assert s["ports"] == []


def test_bench_transfer_system(tmp_path):
    s = spec_of("tests/systems/bench_transfer/system.yaml", tmp_path)
    assert s["cpus"] == 2 and s["endpoints"] == 2 and s["notifications"] == 0
    echo, sink, client = s["components"]
    assert (echo["cpu"], sink["cpu"], client["cpu"], client["flags"]) == (0, 0, 0, SHUTDOWN)
    assert caps_of(s, "bench_echo") == [(1, 1, RECV, 0, 0)]
    # The sink takes each call's cap into its first free slot.
    assert caps_of(s, "bench_cap_sink") == [(1, 1, RECV, 1, 0)] and sink["cap_slots"] == 2 + FREE
    # Send and grant: its calls may carry caps, and the cap to the sink may be one of them.
    assert caps_of(s, "bench_transfer") == [(1, 1, SEND | GRANT, 0, 3), (2, 1, SEND | GRANT, 1, 3)]


def test_faults_system(tmp_path):
    s = spec_of("tests/systems/faults/system.yaml", tmp_path)
    names = [c["name"] for c in s["components"]]
    assert names == ["echo", "crasher", "porter", "checker"]
    crasher = s["components"][1]
    assert crasher["cap_slots"] == 1 + FREE and crasher["cap_count"] == 0
    assert caps_of(s, "checker") == [(1, 1, SEND | GRANT, 0, 4)]
    assert s["components"][3]["cap_slots"] == 2 + FREE


def test_sizes_cpu_and_ports(tmp_path):
    (tmp_path / "interfaces").mkdir()
    (tmp_path / "interfaces" / "a.yaml").write_text("interface: a\nmethods:\n  m: {}\n")
    (tmp_path / "interfaces" / "b.yaml").write_text("interface: b\nmethods:\n  m: {}\n")
    (tmp_path / "s.yaml").write_text("""system: sizes
cpus: 4
components:
  x:
    source: .
    priority: 9
    stack: 8192
    memory: 1M
    provides: [a, b]
    ioports: [{base: 0x60, count: 1}, {base: 0xfff0, count: 16}]
  y:
    source: .
    priority: 0
    cpu: 3
    stack: 65536
    memory: 0
    uses: [b, a]
    ioports: [{base: 0x70, count: 2}]
    allow: []
""".replace("    allow: []\n", ""))
    r = run_gen("gen", "s.yaml", "--out", "out", cwd=str(tmp_path))
    assert r.code == 0, r.err
    s = decode((tmp_path / "out" / "system.spec").read_bytes())
    x, y = s["components"]
    assert (x["stack_pages"], x["heap_pages"], x["cpu"]) == (2, 256, -1)
    assert (y["stack_pages"], y["heap_pages"], y["cpu"]) == (16, 0, 3)
    assert s["endpoints"] == 1
    # One endpoint serves both interfaces of x; y's caps both name it.
    assert caps_of(s, "y") == [(1, 1, SEND | GRANT, 0, 2), (2, 1, SEND | GRANT, 0, 2)]
    assert s["ports"] == [(0x60, 1, 0), (0xFFF0, 16, 0), (0x70, 2, 0)]
    assert (y["ioport_first"], y["ioport_count"]) == (2, 1)


@pytest.mark.parametrize("yaml", ["system.yaml", "tests/systems/bench/system.yaml"])
def test_spec_is_stable(yaml, tmp_path):
    a = spec_of(yaml, tmp_path / "a")
    b = spec_of(yaml, tmp_path / "b")
    assert a == b
    assert (tmp_path / "a" / "system.spec").read_bytes() == (tmp_path / "b" / "system.spec").read_bytes()


def test_affinity_masks(tmp_path):
    (tmp_path / "src").mkdir()
    yaml = tmp_path / "aff.yaml"
    yaml.write_text("system: aff\ncpus: 4\ncomponents:\n"
                    "  pinned: {source: src, priority: 1, cpu: 2}\n"
                    "  some: {source: src, priority: 1, affinity: [3, 1]}\n"
                    "  any: {source: src, priority: 1}\n")
    s = spec_of(str(yaml), tmp_path / "out")
    assert [(c["cpu"], c["affinity"]) for c in s["components"]] == [(2, 0b0100), (-1, 0b1010), (-1, 0b1111)]


def test_grants_layout(tmp_path):
    (tmp_path / "src").mkdir()
    yaml = tmp_path / "g.yaml"
    yaml.write_text("system: g\ncpus: 1\ncomponents:\n"
                    "  drv: {source: src, priority: 5, irqs: [3, 1], map_quota: 8K, free_slots: 2}\n"
                    "  one: {source: src, priority: 5}\n"
                    "  two: {source: src, priority: 5}\n"
                    "notifications:\n"
                    "  bell: {wait: drv, signal: [one, two]}\n"
                    "memory:\n"
                    "  big: {size: 8K, map: {one: rw, two: r}}\n"
                    "  small: {size: 4K, map: {one: rx}}\n")
    s = spec_of(str(yaml), tmp_path / "out")
    drv, one, two = s["components"]
    # drv: bell (wait), its IRQ notification, then one IRQ cap per line in the order written.
    assert caps_of(s, "drv") == [(1, NOTIFICATION, RECV | GRANT, 0, 0), (2, NOTIFICATION, RECV, 1, 0),
                                 (3, IRQ_CAP, 0, 0, 0), (4, IRQ_CAP, 0, 1, 0)]
    assert (drv["cap_slots"], drv["map_pages"]) == (5 + 2, 2)
    # Each signaller has its own badge bit.
    assert caps_of(s, "one")[0] == (1, NOTIFICATION, SEND | GRANT, 0, 1)
    assert caps_of(s, "two")[0] == (1, NOTIFICATION, SEND | GRANT, 0, 2)
    assert s["irqs"] == [(3, 1, 1 << 3, 0, 0), (1, 1, 1 << 1, 0, 0)]
    assert s["regions"] == [2, 1]
    # one maps big then small, an unmapped page apart; two maps only big.
    shared = 0x0000_0300_0000_0000
    assert caps_of(s, "one")[1:] == [(2, MEMORY, READ | WRITE | GRANT, 0, 0), (3, MEMORY, READ | EXEC | GRANT, 1, 0)]
    assert s["mappings"] == [(1, 2, shared), (1, 3, shared + 3 * 4096), (2, 2, shared)]
    assert s["notifications"] == 2


def supervision(c):
    return c["supervisor_endpoint"], c["restart"], c["report_badge"], c["restart_limit"]


def test_supervision_fields(tmp_path):
    s = spec_of(write_system(tmp_path, SUPERVISED), tmp_path / "out")
    names = [c["name"] for c in s["components"]]
    assert names == ["srv", "boss", "w1", "w2", "late", "free", "supervisor"]
    # Two provider endpoints, then the fault endpoints of boss (2) and the built-in supervisor (3).
    assert s["endpoints"] == 4
    got = {c["name"]: supervision(c) for c in s["components"]}
    assert got == {"srv": (3, ON_FAILURE, 2, 3), "boss": (NO_SUPERVISOR, NEVER, 0, 0), "w1": (2, ALWAYS, 5, 5),
                   "w2": (2, NEVER, 6, 5), "late": (3, NEVER, 3, 5), "free": (NO_SUPERVISOR, NEVER, 0, 0),
                   "supervisor": (NO_SUPERVISOR, NEVER, 0, 0)}
    assert [c["flags"] for c in s["components"]] == [0, 0, 0, MANUAL, MANUAL, 0, 0]
    sup = s["components"][6]
    assert (sup["priority"], sup["cpu"], sup["affinity"], sup["threads"]) == (201, -1, 0b11, 1)
    assert (sup["stack_pages"], sup["heap_pages"], sup["cap_slots"]) == (4, 16, 4 + FREE)
    assert caps_of(s, "supervisor") == [(1, ENDPOINT, RECV, 3, 0), (2, COMPONENT, SEND, 0, 0),
                                        (3, COMPONENT, SEND, 4, 0)]
    assert caps_of(s, "boss")[3:] == [(4, ENDPOINT, RECV, 2, 0), (5, COMPONENT, SEND, 2, 0),
                                      (6, COMPONENT, SEND, 3, 0)]


def test_start_manual_keeps_shutdown(tmp_path):
    text = "system: s\ncomponents:\n  a: {source: src, priority: 1, start: manual, on_exit: shutdown}\n"
    s = spec_of(write_system(tmp_path, text, interfaces=()), tmp_path / "out")
    assert s["components"][0]["flags"] == SHUTDOWN | MANUAL


def check_supervision_as_the_kernel_does(s):
    """What the kernel refuses at boot, never in a spec the generator wrote: a supervisor
    endpoint out of range, a restart policy above kAlways; and what makes the reports arrive:
    the endpoint is one whose recv cap the supervisor holds, the badge that cap's control slot."""
    comps = s["components"]
    for i, c in enumerate(comps):
        assert c["restart"] <= ALWAYS and c["reserved"] == 0
        if c["supervisor_endpoint"] == NO_SUPERVISOR:
            assert (c["restart"], c["report_badge"], c["restart_limit"], c["flags"] & MANUAL) == (NEVER, 0, 0, 0)
            continue
        assert c["supervisor_endpoint"] < s["endpoints"]
        holders = [o for o in comps if any(cap[1:] == (ENDPOINT, RECV, c["supervisor_endpoint"], 0)
                                           for cap in caps_of(s, o["name"]))]
        assert len(holders) == 1
        assert (c["report_badge"], COMPONENT, SEND, i, 0) in caps_of(s, holders[0]["name"])


@pytest.mark.parametrize("yaml", ["system.yaml", "tests/systems/restart/system.yaml",
                                  "tests/systems/faults/system.yaml"])
def test_supervision_fields_pass_the_kernels_checks(yaml, tmp_path):
    check_supervision_as_the_kernel_does(spec_of(yaml, tmp_path))


def test_supervision_fields_of_a_mixed_system_pass_the_kernels_checks(tmp_path):
    check_supervision_as_the_kernel_does(spec_of(write_system(tmp_path, SUPERVISED), tmp_path / "out"))


def test_restart_system(tmp_path):
    s = spec_of("tests/systems/restart/system.yaml", tmp_path)
    assert [c["name"] for c in s["components"]] == ["server", "client", "supervisor"]
    server, client, sup = s["components"]
    # server provides endpoint 0; the built-in supervisor's fault endpoint is 1.
    assert s["endpoints"] == 2
    assert supervision(server) == (1, ON_FAILURE, 2, 3)
    assert supervision(client) == (NO_SUPERVISOR, NEVER, 0, 0)
    assert (sup["priority"], sup["cpu"], sup["affinity"]) == (151, -1, 0b1)
    assert caps_of(s, "supervisor") == [(1, ENDPOINT, RECV, 1, 0), (2, COMPONENT, SEND, 0, 0)]
    assert [c["flags"] for c in s["components"]] == [0, SHUTDOWN, 0]
