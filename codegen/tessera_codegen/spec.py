"""system.spec: the binary boot spec, laid out as kernel/include/tessera/spec_format.h says."""
import struct

from .model import CAP_ENDPOINT, RIGHT_GRANT, RIGHT_RECV, RIGHT_SEND

MAGIC = b"TESSPEC1"
VERSION = 4
FLAG_SHUTDOWN_ON_EXIT = 1
PAGE = 4096

HEADER = struct.Struct("<8s18I")
COMPONENT = struct.Struct("<32sIiIIIIIIIIQII")
CAP = struct.Struct("<IHHIIQ")
IOPORT = struct.Struct("<HHI")
REGION = struct.Struct("<II")
IRQ = struct.Struct("<IIQII")
MAPPING = struct.Struct("<IIQ")
assert HEADER.size == 80 and COMPONENT.size == 88 and CAP.size == 24 and IOPORT.size == 8
assert REGION.size == 8 and IRQ.size == 24 and MAPPING.size == 16


def caps_of(comp):
    """[(slot, type, rights, object, badge)] of one component, in slot order."""
    caps = []
    if comp.provides:
        caps.append((1, CAP_ENDPOINT, RIGHT_RECV, comp.endpoint, 0))
    for u in comp.uses:
        caps.append((u.slot, CAP_ENDPOINT, RIGHT_SEND | RIGHT_GRANT, u.provider.endpoint, comp.index + 1))
    for c in comp.extra_caps:
        caps.append((c.slot, c.type, c.rights, c.object, c.badge))
    return caps


def affinity_mask(comp, cpus):
    """Bit n set when the component may run on CPU n."""
    if comp.cpu >= 0:
        return 1 << comp.cpu
    chosen = comp.affinity or range(cpus)
    return sum(1 << n for n in chosen)


def build(system):
    """The spec's bytes: header, then components, caps, I/O port ranges, regions, IRQs and
    mappings."""
    comps, caps, ports, mappings = [], [], [], []
    for c in system.components:
        own_caps = caps_of(c)
        name = c.name.encode("ascii")
        assert len(name) < 32
        comps.append(COMPONENT.pack(name, c.priority, c.cpu, c.stack // PAGE, c.memory // PAGE, c.cap_slots,
                                    len(caps), len(own_caps), len(ports), len(c.ioports),
                                    FLAG_SHUTDOWN_ON_EXIT if c.shutdown else 0, affinity_mask(c, system.cpus),
                                    c.threads, c.map_quota // PAGE))
        caps.extend(CAP.pack(slot, typ, rights, obj, 0, badge) for slot, typ, rights, obj, badge in own_caps)
        ports.extend(IOPORT.pack(base, count, 0) for base, count in c.ioports)
        mappings.extend(MAPPING.pack(c.index, m.slot, m.vaddr) for m in c.mappings)
    regions = [REGION.pack(r.size // PAGE, 0) for r in system.regions]
    irqs = [IRQ.pack(i.line, i.notification, 1 << i.line, i.component.index, 0) for i in system.irqs]
    tables = [comps, caps, ports, regions, irqs, mappings]
    sizes = [COMPONENT.size, CAP.size, IOPORT.size, REGION.size, IRQ.size, MAPPING.size]
    offsets = []
    at = HEADER.size
    for records, size in zip(tables, sizes):
        offsets.append(at)
        at += size * len(records)
    header = HEADER.pack(MAGIC, VERSION, at, system.cpus, len(comps), system.endpoint_count,
                         system.notification_count, len(regions), len(irqs), len(caps), len(ports), len(mappings),
                         *offsets, 0)
    return b"".join([header] + [r for records in tables for r in records])
