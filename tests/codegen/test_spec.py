"""system.spec decodes to the records spec_format.h describes."""
import struct

import pytest

from conftest import run_gen

HEADER = struct.Struct("<8s18I")
COMPONENT = struct.Struct("<32sIiIIIIIIIIQII")
CAP = struct.Struct("<IHHIIQ")
IOPORT = struct.Struct("<HHI")
REGION = struct.Struct("<II")
IRQ = struct.Struct("<IIQII")
MAPPING = struct.Struct("<IIQ")
SEND, RECV, GRANT, READ, WRITE, EXEC = 1, 2, 4, 8, 16, 32
ENDPOINT, NOTIFICATION, MEMORY, IRQ_CAP = 1, 2, 3, 4
FREE = 8  # empty slots every component gets unless it says free_slots


def decode(data):
    h = HEADER.unpack_from(data, 0)
    (magic, version, total, cpus, ncomp, nendp, nnotif, nregion, nirq, ncaps, nports, nmaps,
     comp_off, caps_off, ports_off, regions_off, irqs_off, maps_off, _reserved) = h
    assert magic == b"TESSPEC1" and version == 4 and total == len(data)
    # Tables follow the header back to back, in this order.
    assert comp_off == 80 and caps_off == comp_off + 88 * ncomp and ports_off == caps_off + 24 * ncaps
    assert regions_off == ports_off + 8 * nports and irqs_off == regions_off + 8 * nregion
    assert maps_off == irqs_off + 24 * nirq and total == maps_off + 16 * nmaps
    comps = []
    for i in range(ncomp):
        f = COMPONENT.unpack_from(data, comp_off + 88 * i)
        comps.append({"name": f[0].rstrip(b"\0").decode(), "priority": f[1], "cpu": f[2], "stack_pages": f[3],
                      "heap_pages": f[4], "cap_slots": f[5], "cap_first": f[6], "cap_count": f[7],
                      "ioport_first": f[8], "ioport_count": f[9], "flags": f[10],
                      "affinity": f[11], "threads": f[12], "map_pages": f[13]})
        assert f[0].endswith(b"\0")
    caps = [CAP.unpack_from(data, caps_off + 24 * i) for i in range(ncaps)]
    ports = [IOPORT.unpack_from(data, ports_off + 8 * i) for i in range(nports)]
    regions = [REGION.unpack_from(data, regions_off + 8 * i)[0] for i in range(nregion)]
    irqs = [IRQ.unpack_from(data, irqs_off + 24 * i) for i in range(nirq)]
    mappings = [MAPPING.unpack_from(data, maps_off + 16 * i) for i in range(nmaps)]
    return {"cpus": cpus, "endpoints": nendp, "notifications": nnotif, "components": comps, "caps": caps,
            "ports": ports, "regions": regions, "irqs": irqs, "mappings": mappings}


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


def test_bench_system(tmp_path):
    s = spec_of("tests/systems/bench/system.yaml", tmp_path)
    assert s["cpus"] == 2 and s["endpoints"] == 2
    server, remote, client = s["components"]
    assert client["heap_pages"] == 256 and client["flags"] == 1 and client["cpu"] == 0
    assert (server["cpu"], remote["cpu"], client["threads"]) == (0, 1, 2)
    assert caps_of(s, "bench_server") == [(1, 1, RECV, 0, 0)]
    assert caps_of(s, "bench_remote") == [(1, 1, RECV, 1, 0)]
    assert caps_of(s, "bench_client") == [(1, 1, SEND | GRANT, 0, 3), (2, 1, SEND | GRANT, 1, 3)]
    assert s["ports"] == []


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
