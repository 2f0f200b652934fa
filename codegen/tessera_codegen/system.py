"""system.yaml: validate the description (every problem as FILE:LINE:COL), then build model.System.

Validation reads the YAML nodes (the wiring in wiring.py, the supervision keys and the
built-in supervisor in supervision.py) and yields a description.Description only when it found
no problem; build.py makes the model of that, with the cap tables caps.py decides.
"""
import os
import re

from . import caps, schema, supervision, wiring
from .build import build_system
from .description import DEFAULT_FREE_SLOTS, DEFAULT_MEMORY, DEFAULT_STACK, ComponentDecl, Description
from .errors import Diagnostics, Failed
from .abi import (ABI, CAP_COMPONENT, CAP_ENDPOINT, IPC_BUFFER_BASE, MAX_CAP_SLOTS, MAX_CPUS, MAX_FREE_SLOTS,
                  MAX_HEAP_PAGES, MAX_IRQ_LINES, MAX_IRQS, MAX_MAP_PAGES, MAX_PRIORITY, MAX_REGION_PAGES,
                  MAX_SIGNALLERS, MAX_STACK_PAGES)
from .abi import MAX_THREADS_PER_COMPONENT as MAX_THREADS
from .abi import PAGE_SIZE as PAGE
from .model import Notification, Region
from .yamlload import load

SIZE_RE = re.compile(r"^([0-9]+)\s*([KM]?)$")
COMPONENT_KEYS_REQUIRED = ["source", "priority"]
COMPONENT_KEYS_OPTIONAL = ["cpu", "affinity", "stack", "memory", "threads", "provides", "uses", "ioports", "on_exit",
                           "irqs", "map_quota", "free_slots"] + supervision.KEYS
# The limits are the kernel's (codegen/abi.yaml): a description within them gives a spec the
# kernel's boot check accepts. Sizes here are in bytes, as the description writes them.
MAX_IRQ_LINE = MAX_IRQ_LINES - 1
MAX_DEVICE_IRQS = MAX_IRQS
MAX_STACK = MAX_STACK_PAGES * PAGE
MAX_MEMORY = MAX_HEAP_PAGES * PAGE
MAX_REGION = MAX_REGION_PAGES * PAGE
MAX_MAP_QUOTA = MAX_MAP_PAGES * PAGE
RIGHTS = caps.MAP_RIGHTS  # the rights a region may be mapped with
MAX_NAME = ABI.record("Component").field("name").length - 1  # with the NUL
RESERVED_COMPONENTS = {"interfaces"}  # a folder of the generator output


def parse_size(diag, node, what, lo, hi):
    """An int of bytes or "16K" / "1M"; a multiple of a page in lo..hi."""
    v = node.value if node.kind == "scalar" else None
    if isinstance(v, bool) or not isinstance(v, (int, str)):
        diag.error(node, f"{what} must be a size (bytes, or a number with K or M), not {schema.kind_name(node)}")
        return None
    if isinstance(v, str):
        m = SIZE_RE.match(v.strip())
        if not m:
            diag.error(node, f"{what} '{v}' is not a size (bytes, or a number with K or M, e.g. 16K)")
            return None
        v = int(m.group(1)) * {"": 1, "K": 1024, "M": 1024 * 1024}[m.group(2)]
    if v % PAGE:
        diag.error(node, f"{what} {v} is not a multiple of {PAGE} bytes")
        return None
    if not lo <= v <= hi:
        diag.error(node, f"{what} {v} is out of range {lo}..{hi} bytes")
        return None
    return v


def _check_affinity(diag, b, cpus):
    """`affinity: [cpu, ...]`: a non-empty set of CPUs of the system; not together with `cpu`."""
    node = b["affinity"]
    if "cpu" in b:
        diag.error(node, "a component has either 'cpu' (a pin) or 'affinity' (a set), not both")
        return []
    if not schema.check_list(diag, node, "affinity"):
        return []
    if not node.value:
        diag.error(node, "affinity must name at least one CPU")
        return []
    chosen = []
    for item in node.value:
        n = schema.check_int(diag, item, "affinity cpu", -(2 ** 31), 2 ** 31)
        if n is None:
            continue
        if cpus is not None and not 0 <= n < cpus:
            diag.error(item, f"cpu {n} is out of range 0..{cpus - 1} (the system has cpus: {cpus})")
        elif n in chosen:
            diag.error(item, f"cpu {n} is named twice in affinity")
        else:
            chosen.append(n)
    return sorted(chosen)


def _check_ioports(diag, node, cname):
    out = []
    if not schema.check_list(diag, node, f"ioports of '{cname}'"):
        return out
    for item in node.value:
        if not schema.check_map(diag, item, "ioport range", ["base", "count"]):
            continue
        base = schema.check_int(diag, item.value["base"], "ioport base", 0, 0xFFFF)
        count = schema.check_int(diag, item.value["count"], "ioport count", 1, 0xFFFF)
        if base is None or count is None:
            continue
        if base + count > 0x10000:
            diag.error(item, f"ioport range {base:#x}+{count} goes past port 0xffff")
            continue
        out.append((base, count))
    return out


def load_system(path):
    """Validate a system description and build its model; `path` as given on the command line.
    Raises errors.Failed with every problem found."""
    desc, problems = validate_system(path)
    if problems:
        raise Failed(problems)
    return build_system(desc)


def validate_system(path):
    """(Description, []) for a good description, else (None, problems): nothing is built from
    a bad one."""
    diag = Diagnostics()
    try:
        return _validate(diag, path), []
    except Failed as e:
        return None, e.problems


class _Entry:
    """A component while the rest of the description is checked: its checked values (None
    where a key had a problem), the nodes of its IRQ lines, its node."""

    def __init__(self, fields, irq_nodes, body):
        self.fields, self.irq_nodes, self.body = fields, irq_nodes, body
        self.uses_node = body.value.get("uses")
        self.uses = []  # model.Use, once resolved

    @property
    def name(self):
        return self.fields["name"]

    @property
    def provides(self):
        return self.fields["provides"]


def _validate(diag, path):
    """The checks in order; each step that later ones build on stops at its problems."""
    root = load(path, problems=diag.problems)
    if not schema.check_map(diag, root, "system description", ["system", "components"],
                            ["cpus", "interface_dirs", "notifications", "memory"]):
        diag.raise_if_any()
    v = root.value
    name = schema.check_name(diag, v["system"], "system name")
    cpus = 1
    if "cpus" in v:
        cpus = schema.check_int(diag, v["cpus"], "cpus", 1, MAX_CPUS)
    base_dir = os.path.dirname(path)
    resolver = wiring.Resolver(diag, base_dir, _interface_dirs(diag, v, base_dir))
    cnode = v["components"]
    entries = _check_components(diag, cnode, base_dir, cpus, resolver)
    _check_shutdown(diag, entries)
    known_names = set(cnode.value) if cnode.kind == "map" else set()
    builtin, builtin_anchor = supervision.resolve(diag, entries, known_names)
    use_nodes = wiring.resolve_uses(diag, entries, known_names, resolver)
    wiring.check_interface_ids(diag, resolver)
    _check_irq_grants(diag, entries)
    by_name = {e.name: e for e in entries}
    notifications = _load_notifications(diag, v["notifications"], by_name, known_names) if "notifications" in v else []
    regions = _load_regions(diag, v["memory"], by_name, known_names) if "memory" in v else []
    diag.raise_if_any()
    components = tuple(_decl(e) for e in entries) + ((builtin,) if builtin else ())
    desc = Description(name=name, cpus=cpus, path=path, components=components,
                       interfaces=tuple(i for i, _ in resolver.order), notifications=tuple(notifications),
                       regions=tuple(regions))
    wiring.check_scheduling(diag, desc, use_nodes)
    diag.raise_if_any()
    # The built-in supervisor's problems are reported where it was asked for.
    bodies = dict({e.name: e.body for e in entries}, **({builtin.name: builtin_anchor} if builtin else {}))
    _check_caps(diag, desc, caps.plan(desc), bodies)
    diag.raise_if_any()
    return desc


def _decl(entry):
    f = entry.fields
    return ComponentDecl(uses=tuple(entry.uses), **{k: tuple(v) if isinstance(v, list) else v for k, v in f.items()})


def _interface_dirs(diag, v, base_dir):
    """`interface_dirs: [dir, ...]` relative to the description; default [interfaces]."""
    if "interface_dirs" not in v:
        return ["interfaces"]
    dnode = v["interface_dirs"]
    dirs = []
    if schema.check_list(diag, dnode, "interface_dirs"):
        for item in dnode.value:
            d = schema.check_str(diag, item, "interface directory")
            if d is None:
                continue
            if not os.path.isdir(os.path.join(base_dir, d)):
                diag.error(item, f"interface directory '{d}' does not exist")
                continue
            dirs.append(d)
    return dirs


def _check_components(diag, cnode, base_dir, cpus, resolver):
    """[_Entry] of every component whose name and shape are right (its values may still have
    problems, reported here)."""
    entries = []
    if not schema.check_map(diag, cnode, "components", optional=list(cnode.value) if cnode.kind == "map" else ()):
        return entries
    if not cnode.value:
        diag.error(cnode, "a system needs at least one component")
    for cname, body in cnode.value.items():
        knode = cnode.keys[cname]
        if schema.check_name(diag, knode, "component name", MAX_NAME) is None:
            continue
        if cname in RESERVED_COMPONENTS:
            diag.error(knode, f"component name '{cname}' is reserved (a folder of the generated output)")
            continue
        if not schema.check_map(diag, body, f"component '{cname}'", COMPONENT_KEYS_REQUIRED, COMPONENT_KEYS_OPTIONAL):
            continue
        fields, irq_nodes = _check_component(diag, cname, body.value, base_dir, cpus, resolver)
        fields.update(supervision.check_keys(diag, body))
        entries.append(_Entry(dict(fields, index=len(entries)), irq_nodes, body))
    return entries


def _check_component(diag, cname, b, base_dir, cpus, resolver):
    """The values of one component's keys, defaults filled in (None where one had a problem),
    and [(line, node)] of its IRQ lines."""
    source = schema.check_str(diag, b["source"], "source")
    source_abs = None
    if source is not None:
        source_abs = os.path.normpath(os.path.abspath(os.path.join(base_dir, source)))
        if not os.path.isdir(source_abs):
            diag.error(b["source"], f"source folder '{source}' does not exist")
    priority = schema.check_int(diag, b["priority"], "priority", 0, MAX_PRIORITY)
    cpu = -1
    if "cpu" in b:
        cpu = schema.check_int(diag, b["cpu"], "cpu", -(2 ** 31), 2 ** 31)
        if cpu is not None and cpus is not None and not 0 <= cpu < cpus:
            diag.error(b["cpu"], f"cpu {cpu} is out of range 0..{cpus - 1} (the system has cpus: {cpus})")
    affinity = _check_affinity(diag, b, cpus) if "affinity" in b else []
    stack = parse_size(diag, b["stack"], "stack", PAGE, MAX_STACK) if "stack" in b else DEFAULT_STACK
    memory = parse_size(diag, b["memory"], "memory", 0, MAX_MEMORY) if "memory" in b else DEFAULT_MEMORY
    threads = schema.check_int(diag, b["threads"], "threads", 1, MAX_THREADS) if "threads" in b else 1
    map_quota = parse_size(diag, b["map_quota"], "map_quota", 0, MAX_MAP_QUOTA) if "map_quota" in b else 0
    free_slots = DEFAULT_FREE_SLOTS
    if "free_slots" in b:
        free_slots = schema.check_int(diag, b["free_slots"], "free_slots", 0, MAX_FREE_SLOTS)
    irq_lines = _check_irqs(diag, b["irqs"], cname) if "irqs" in b else []
    provides = []
    if "provides" in b:
        for iname, inode in schema.name_list(diag, b["provides"], "provides", "interface") or []:
            ifc = resolver.get(iname, inode)
            if ifc is not None:
                provides.append(ifc)
    ioports = _check_ioports(diag, b["ioports"], cname) if "ioports" in b else []
    shutdown = False
    if "on_exit" in b:
        oe = schema.check_str(diag, b["on_exit"], "on_exit")
        if oe is not None and oe not in ("stop", "shutdown"):
            diag.error(b["on_exit"], f"on_exit must be 'stop' or 'shutdown', not '{oe}'")
        shutdown = oe == "shutdown"
    return dict(name=cname, source=source, source_abs=source_abs, priority=priority, cpu=cpu, affinity=affinity,
                stack=stack, memory=memory, threads=threads, map_quota=map_quota, free_slots=free_slots,
                irq_lines=[line for line, _ in irq_lines], provides=provides, ioports=ioports,
                shutdown=shutdown), irq_lines


def _check_shutdown(diag, entries):
    """on_exit: shutdown at most once."""
    first = None
    for e in entries:
        if e.fields["shutdown"]:
            if first is None:
                first = e
            else:
                diag.error(e.body.value["on_exit"], f"only one component may have on_exit: shutdown "
                                                    f"('{first.name}' already has it)")


def _check_irq_grants(diag, entries):
    """IRQ lines: each granted once in the whole system, and no more than the platform has."""
    irq_nodes = [(e, line, node) for e in entries for line, node in e.irq_nodes]
    line_owner = {}
    for comp, line, node in irq_nodes:
        if line in line_owner:
            diag.error(node, f"IRQ {line} is granted twice ('{line_owner[line]}' already has it)")
        else:
            line_owner[line] = comp.name
    if len(line_owner) > MAX_DEVICE_IRQS:
        diag.error(irq_nodes[MAX_DEVICE_IRQS][2], f"more than {MAX_DEVICE_IRQS} IRQ lines granted in all")


def _check_irqs(diag, node, cname):
    """`irqs: [line, ...]`: distinct interrupt lines 0..63 (ISA IRQs are 0..15)."""
    out = []
    if not schema.check_list(diag, node, f"irqs of '{cname}'"):
        return out
    for item in node.value:
        line = schema.check_int(diag, item, "IRQ line", 0, MAX_IRQ_LINE)
        if line is None:
            continue
        if line in [l for l, _ in out]:
            diag.error(item, f"IRQ {line} is named twice")
            continue
        out.append((line, item))
    return out


def _component_ref(diag, node, by_name, known_names, what):
    cname = schema.check_name(diag, node, what)
    if cname is None:
        return None
    if cname not in known_names:
        diag.error(node, f"unknown component '{cname}' in {what}")
        return None
    return cname if cname in by_name else None  # None: that component had its own problems


def _load_notifications(diag, node, by_name, known_names):
    """`notifications: {name: {wait: component, signal: [component, ...]}}`."""
    out = []
    if not schema.check_map(diag, node, "notifications", optional=list(node.value) if node.kind == "map" else ()):
        return out
    for nname, body in node.value.items():
        if schema.check_name(diag, node.keys[nname], "notification name") is None:
            continue
        if caps.reserved_cap_name(nname):
            diag.error(node.keys[nname], caps.reserved_message("notification", nname))
            continue
        if not schema.check_map(diag, body, f"notification '{nname}'", ["wait", "signal"]):
            continue
        waiter = _component_ref(diag, body.value["wait"], by_name, known_names, "wait")
        signallers = []
        items = schema.name_list(diag, body.value["signal"], "signal", "component")
        if items == []:
            diag.error(body.value["signal"], f"notification '{nname}' needs at least one signaller")
        for sname, snode in items or []:
            comp = _component_ref(diag, snode, by_name, known_names, "signal")
            if comp is None:
                continue
            if comp == waiter:
                diag.error(snode, f"component '{sname}' both waits on and signals notification '{nname}'")
                continue
            signallers.append(comp)
        if len(signallers) > MAX_SIGNALLERS:
            diag.error(body.value["signal"], f"more than {MAX_SIGNALLERS} signallers (one badge bit each)")
        if waiter is not None:
            out.append(Notification(nname, len(out), waiter, signallers))
    return out


def _load_regions(diag, node, by_name, known_names):
    """`memory: {name: {size: 8K, map: {component: r | rw | rx}, allow_write_execute: bool}}`.

    W^X holds per frame, not only per mapping: a region writable in one component and
    executable in another lets the first write code the second runs, so that needs
    `allow_write_execute: true`."""
    out = []
    if not schema.check_map(diag, node, "memory", optional=list(node.value) if node.kind == "map" else ()):
        return out
    for rname, body in node.value.items():
        if schema.check_name(diag, node.keys[rname], "region name") is None:
            continue
        if caps.reserved_cap_name(rname):
            diag.error(node.keys[rname], caps.reserved_message("region", rname))
            continue
        if not schema.check_map(diag, body, f"region '{rname}'", ["size", "map"], ["allow_write_execute"]):
            continue
        size = parse_size(diag, body.value["size"], "size", PAGE, MAX_REGION)
        mnode = body.value["map"]
        maps = []
        if schema.check_map(diag, mnode, f"map of region '{rname}'",
                            optional=list(mnode.value) if mnode.kind == "map" else ()):
            if not mnode.value:
                diag.error(mnode, f"region '{rname}' is mapped by no component")
            for cname, rnode in mnode.value.items():
                comp = _component_ref(diag, mnode.keys[cname], by_name, known_names, f"map of region '{rname}'")
                rights = schema.check_str(diag, rnode, "rights")
                if rights is not None and rights not in RIGHTS:
                    diag.error(rnode, f"rights '{rights}' must be r, rw or rx (never writable and executable)")
                    continue
                if comp is not None and rights is not None:
                    maps.append((comp, rights))
        _check_write_execute(diag, rname, body, mnode, maps)
        if size is not None:
            out.append(Region(rname, len(out), size, maps))
    return out


def _check_write_execute(diag, rname, body, mnode, maps):
    allowed = False
    if "allow_write_execute" in body.value:
        allowed = schema.check_bool(diag, body.value["allow_write_execute"], "allow_write_execute") is True
    writers = [c for c, rights in maps if "w" in rights]
    if allowed or not writers:
        return
    for comp, rights in maps:
        if "x" in rights:
            diag.error(mnode.value[comp],
                       f"region '{rname}' is executable in '{comp}' and writable in '{writers[0]}': "
                       f"one component could write code another runs (W^X holds per frame); "
                       f"say allow_write_execute: true if that is meant")


def _check_caps(diag, desc, plan, bodies):
    """What the cap policy made of a good description still has to fit: one C++ name per cap,
    the shared regions below the IPC buffers, the table within the kernel's limit."""
    for comp in desc.components:
        table, body = plan.tables[comp.name], bodies[comp.name]
        taken = {caps.ENDPOINT_CAP}
        for cap in table.caps:
            if cap.cap_name == caps.ENDPOINT_CAP and cap.type == CAP_ENDPOINT:
                continue
            if cap.cap_name in taken:
                what = "one of the components it supervises" if cap.type == CAP_COMPONENT else \
                    "the interface, notification or region"
                diag.error(body, f"component '{comp.name}' gets two caps named caps::{cap.cap_name}; rename {what}")
            taken.add(cap.cap_name)
        if table.shared_top > IPC_BUFFER_BASE:
            diag.error(body, f"the shared regions of '{comp.name}' do not fit its address space")
        if table.cap_slots > MAX_CAP_SLOTS:
            diag.error(body, f"component '{comp.name}' needs {table.cap_slots} cap slots "
                             f"({table.first_free} for its caps and free_slots: {comp.free_slots}), "
                             f"more than the kernel's {MAX_CAP_SLOTS}")
