"""system.spec: the binary boot spec, laid out as kernel/include/tessera/spec_format.h says."""
import struct

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


def affinity_mask(comp, cpus):
    """Bit n set when the component may run on CPU n."""
    if comp.cpu >= 0:
        return 1 << comp.cpu
    chosen = comp.affinity or range(cpus)
    return sum(1 << n for n in chosen)


def build(system):
    """The spec's bytes: header, then components, caps, I/O port ranges, regions, IRQs and
    mappings. Each component's caps are its table as caps.py laid it out."""
    comps, caps, ports, mappings = [], [], [], []
    for c in system.components:
        name = c.name.encode("ascii")
        assert len(name) < 32
        comps.append(COMPONENT.pack(name, c.priority, c.cpu, c.stack // PAGE, c.memory // PAGE, c.cap_slots,
                                    len(caps), len(c.caps), len(ports), len(c.ioports),
                                    FLAG_SHUTDOWN_ON_EXIT if c.shutdown else 0, affinity_mask(c, system.cpus),
                                    c.threads, c.map_quota // PAGE))
        caps.extend(CAP.pack(cap.slot, cap.type, cap.rights, cap.object, 0, cap.badge) for cap in c.caps)
        ports.extend(IOPORT.pack(base, count, 0) for base, count in c.ioports)
        mappings.extend(MAPPING.pack(c.index, m.slot, m.vaddr) for m in c.mappings)
    regions = [REGION.pack(r.size // PAGE, 0) for r in system.regions]
    irqs = [IRQ.pack(i.line, i.notification, i.bits, i.component, 0) for i in system.irqs]
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
