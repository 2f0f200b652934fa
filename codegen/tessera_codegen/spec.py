"""system.spec: the binary boot spec, laid out as codegen/abi.yaml says (tessera/spec_format.h)."""
from .abi import ABI, FLAG_SHUTDOWN_ON_EXIT, FLAG_START_MANUAL
from .abi import PAGE_SIZE as PAGE
from .abi import SPEC_MAGIC as MAGIC
from .abi import SPEC_VERSION as VERSION

# The records' struct formats, computed from the field types codegen/abi.yaml declares.
HEADER = ABI.record("Header").struct
COMPONENT = ABI.record("Component").struct
CAP = ABI.record("Cap").struct
IOPORT = ABI.record("IoPortRange").struct
REGION = ABI.record("Region").struct
IRQ = ABI.record("Irq").struct
MAPPING = ABI.record("Mapping").struct
NAME_SIZE = ABI.record("Component").field("name").length


def affinity_mask(comp, cpus):
    """Bit n set when the component may run on CPU n."""
    if comp.cpu >= 0:
        return 1 << comp.cpu
    chosen = comp.affinity or range(cpus)
    return sum(1 << n for n in chosen)


def flags(comp):
    """kFlagShutdownOnExit for `on_exit: shutdown`, kFlagStartManual for `start: manual`."""
    return (FLAG_SHUTDOWN_ON_EXIT if comp.shutdown else 0) | (FLAG_START_MANUAL if comp.start_manual else 0)


def build(system):
    """The spec's bytes: header, then components, caps, I/O port ranges, regions, IRQs and
    mappings. Each component's caps are its table as caps.py laid it out, and so are its
    supervisor's fault endpoint and the badge of its reports."""
    comps, caps, ports, mappings = [], [], [], []
    for c in system.components:
        name = c.name.encode("ascii")
        assert len(name) < NAME_SIZE
        comps.append(COMPONENT.pack(name, c.priority, c.cpu, c.stack // PAGE, c.memory // PAGE, c.cap_slots,
                                    len(caps), len(c.caps), len(ports), len(c.ioports), flags(c),
                                    affinity_mask(c, system.cpus), c.threads, c.map_quota // PAGE,
                                    c.supervisor_endpoint, c.restart, c.report_badge, c.restart_limit, 0))
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
