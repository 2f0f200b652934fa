"""system.spec: the binary boot spec, laid out as kernel/include/tessera/spec_format.h says."""
import struct

MAGIC = b"TESSPEC1"
VERSION = 3
FLAG_SHUTDOWN_ON_EXIT = 1
CAP_ENDPOINT = 1
RIGHT_SEND, RIGHT_RECV, RIGHT_GRANT = 1, 2, 4
PAGE = 4096

HEADER = struct.Struct("<8s10I")
COMPONENT = struct.Struct("<32sIiIIIIIIIIQII")
CAP = struct.Struct("<IHHIIQ")
IOPORT = struct.Struct("<HHI")
assert HEADER.size == 48 and COMPONENT.size == 88 and CAP.size == 24 and IOPORT.size == 8


def caps_of(comp):
    """[(slot, type, rights, object, badge)] of one component, in slot order."""
    caps = []
    if comp.provides:
        caps.append((1, CAP_ENDPOINT, RIGHT_RECV, comp.endpoint, 0))
    for u in comp.uses:
        caps.append((u.slot, CAP_ENDPOINT, RIGHT_SEND | RIGHT_GRANT, u.provider.endpoint, comp.index + 1))
    return caps


def affinity_mask(comp, cpus):
    """Bit n set when the component may run on CPU n."""
    if comp.cpu >= 0:
        return 1 << comp.cpu
    chosen = comp.affinity or range(cpus)
    return sum(1 << n for n in chosen)


def build(system):
    """The spec's bytes: header, then components, caps and I/O port ranges."""
    comps, caps, ports = [], [], []
    for c in system.components:
        own_caps = caps_of(c)
        name = c.name.encode("ascii")
        assert len(name) < 32
        comps.append(COMPONENT.pack(name, c.priority, c.cpu, c.stack // PAGE, c.memory // PAGE, c.cap_slots,
                                    len(caps), len(own_caps), len(ports), len(c.ioports),
                                    FLAG_SHUTDOWN_ON_EXIT if c.shutdown else 0, affinity_mask(c, system.cpus),
                                    c.threads, 0))
        caps.extend(CAP.pack(slot, typ, rights, obj, 0, badge) for slot, typ, rights, obj, badge in own_caps)
        ports.extend(IOPORT.pack(base, count, 0)
                     for base, count in c.ioports)
    comp_off = HEADER.size
    caps_off = comp_off + COMPONENT.size * len(comps)
    ports_off = caps_off + CAP.size * len(caps)
    total = ports_off + IOPORT.size * len(ports)
    header = HEADER.pack(MAGIC, VERSION, total, system.cpus, len(comps), system.endpoint_count, len(caps),
                         len(ports), comp_off, caps_off, ports_off)
    return b"".join([header] + comps + caps + ports)
