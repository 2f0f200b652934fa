"""system.yaml: validate the description, resolve interfaces and wiring into model.System."""
import os
import re

from . import schema
from .errors import Diagnostics, Failed
from .interfaces import load_interface
from .abi import (ABI, CAP_IRQ, CAP_MEMORY, CAP_NOTIFICATION, IPC_BUFFER_BASE, MAX_CAP_SLOTS, MAX_CPUS,
                  MAX_FREE_SLOTS, MAX_HEAP_PAGES, MAX_IRQ_LINES, MAX_IRQS, MAX_MAP_PAGES, MAX_PRIORITY,
                  MAX_REGION_PAGES, MAX_SIGNALLERS, MAX_STACK_PAGES, RIGHT_EXEC, RIGHT_GRANT, RIGHT_READ,
                  RIGHT_RECV, RIGHT_SEND, RIGHT_WRITE, SHARED_BASE)
from .abi import MAX_THREADS_PER_COMPONENT as MAX_THREADS
from .abi import PAGE_SIZE as PAGE
from .model import Cap, Component, Irq, Mapping, Notification, Region, System, Use
from .schema import camel
from .paths import banner_name
from .yamlload import load

SIZE_RE = re.compile(r"^([0-9]+)\s*([KM]?)$")
COMPONENT_KEYS_REQUIRED = ["source", "priority"]
COMPONENT_KEYS_OPTIONAL = ["cpu", "affinity", "stack", "memory", "threads", "provides", "uses", "ioports", "on_exit",
                           "irqs", "map_quota", "free_slots"]
# The limits are the kernel's (codegen/abi.yaml): a description within them gives a spec the
# kernel's boot check accepts. Sizes here are in bytes, as the description writes them.
MAX_IRQ_LINE = MAX_IRQ_LINES - 1
MAX_DEVICE_IRQS = MAX_IRQS
DEFAULT_FREE_SLOTS = 8
MAX_STACK = MAX_STACK_PAGES * PAGE
MAX_MEMORY = MAX_HEAP_PAGES * PAGE
MAX_REGION = MAX_REGION_PAGES * PAGE
MAX_MAP_QUOTA = MAX_MAP_PAGES * PAGE
RIGHTS = {"r": RIGHT_READ, "rw": RIGHT_READ | RIGHT_WRITE, "rx": RIGHT_READ | RIGHT_EXEC}
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


class _Resolver:
    """Finds interface NAME as <system dir>/<interface dir>/NAME.yaml, first match; loads once."""

    def __init__(self, diag, base_dir, dirs):
        self.diag, self.base_dir, self.dirs = diag, base_dir, dirs
        self.cache = {}
        self.order = []

    def get(self, name, node):
        if name not in self.cache:
            found = None
            for d in self.dirs:
                path = os.path.join(self.base_dir, d, name + ".yaml")
                if os.path.isfile(path):
                    found = path
                    break
            ifc = None
            if found is None:
                where = ", ".join(self.dirs) if self.dirs else "no interface_dirs"
                self.diag.error(node, f"unknown interface '{name}' (no {name}.yaml in {where})")
            else:
                try:
                    ifc = load_interface(found, name)
                    self.order.append((ifc, node))
                except Failed as e:
                    self.diag.extend(e.problems)
            self.cache[name] = ifc
        return self.cache[name]


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
    """Load and validate a system description; `path` as given on the command line."""
    diag = Diagnostics()
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
    dirs = ["interfaces"]
    if "interface_dirs" in v:
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
    resolver = _Resolver(diag, base_dir, dirs)

    cnode = v["components"]
    comps = []       # (Component, body node, raw uses node)
    irq_nodes = []   # (Component, line, node)
    if schema.check_map(diag, cnode, "components", optional=list(cnode.value) if cnode.kind == "map" else ()):
        if not cnode.value:
            diag.error(cnode, "a system needs at least one component")
        for cname, body in cnode.value.items():
            knode = cnode.keys[cname]
            if schema.check_name(diag, knode, "component name", MAX_NAME) is None:
                continue
            if cname in RESERVED_COMPONENTS:
                diag.error(knode, f"component name '{cname}' is reserved (a folder of the generated output)")
                continue
            what = f"component '{cname}'"
            if not schema.check_map(diag, body, what, COMPONENT_KEYS_REQUIRED, COMPONENT_KEYS_OPTIONAL):
                continue
            b = body.value
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
            stack = parse_size(diag, b["stack"], "stack", PAGE, MAX_STACK) if "stack" in b else 16 * 1024
            memory = parse_size(diag, b["memory"], "memory", 0, MAX_MEMORY) if "memory" in b else 64 * 1024
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
                        provides.append((ifc, inode))
            ioports = _check_ioports(diag, b["ioports"], cname) if "ioports" in b else []
            shutdown = False
            if "on_exit" in b:
                oe = schema.check_str(diag, b["on_exit"], "on_exit")
                if oe is not None and oe not in ("stop", "shutdown"):
                    diag.error(b["on_exit"], f"on_exit must be 'stop' or 'shutdown', not '{oe}'")
                shutdown = oe == "shutdown"
            comp = Component(name=cname, index=len(comps), source=source, source_abs=source_abs,
                             priority=priority, cpu=cpu, stack=stack, memory=memory,
                             provides=[i for i, _ in provides], ioports=ioports, shutdown=shutdown,
                             affinity=affinity, threads=threads if threads is not None else 1,
                             map_quota=map_quota or 0, free_slots=free_slots or 0,
                             irq_lines=[line for line, _ in irq_lines])
            comps.append((comp, body, b.get("uses")))
            irq_nodes.extend((comp, line, node) for line, node in irq_lines)

    # on_exit: shutdown at most once.
    first_shutdown = None
    for comp, body, _ in comps:
        if comp.shutdown:
            if first_shutdown is None:
                first_shutdown = comp
            else:
                diag.error(body.value["on_exit"], f"only one component may have on_exit: shutdown "
                                                  f"('{first_shutdown.name}' already has it)")

    # Who provides what.
    providers = {}
    by_name = {c.name: c for c, _, _ in comps}
    for comp, _, _ in comps:
        for ifc in comp.provides:
            providers.setdefault(ifc.name, []).append(comp)
    known_names = set(cnode.value) if cnode.kind == "map" else set()

    # Uses: resolve each entry to a provider and a cap slot.
    use_nodes = {}  # (user name, slot) -> node of the uses entry
    for comp, _, unode in comps:
        if unode is None:
            continue
        if not schema.check_list(diag, unode, f"uses of '{comp.name}'"):
            continue
        slot = 2 if comp.provides else 1
        seen = {}
        for entry in unode.value:
            from_node, allow = None, False
            if entry.kind == "map":
                if not schema.check_map(diag, entry, "uses entry", ["interface"], ["from", "allow_inversion"]):
                    continue
                inode = entry.value["interface"]
                from_node = entry.value.get("from")
                if "allow_inversion" in entry.value:
                    allow = schema.check_bool(diag, entry.value["allow_inversion"], "allow_inversion") or False
            else:
                inode = entry
            iname = schema.check_name(diag, inode, "interface")
            if iname is None:
                continue
            if iname in seen:
                diag.error(inode, f"duplicate use of interface '{iname}' (first at line {seen[iname].line})")
                continue
            seen[iname] = inode
            ifc = resolver.get(iname, inode)
            if ifc is None:
                continue
            if ifc in comp.provides:
                diag.error(inode, f"component '{comp.name}' uses interface '{iname}' that it provides itself")
                continue
            provider = None
            if from_node is not None:
                pname = schema.check_name(diag, from_node, "from")
                if pname is None:
                    continue
                if pname not in known_names:
                    diag.error(from_node, f"unknown component '{pname}' in from:")
                    continue
                provider = by_name.get(pname)
                if provider is None:
                    continue  # that component had its own problems
                if ifc not in provider.provides:
                    diag.error(from_node, f"component '{pname}' does not provide interface '{iname}'")
                    continue
                if provider is comp:
                    diag.error(from_node, f"component '{comp.name}' cannot use itself")
                    continue
            else:
                cands = providers.get(iname, [])
                if not cands:
                    diag.error(inode, f"no component provides interface '{iname}'")
                    continue
                if len(cands) > 1:
                    names = ", ".join(c.name for c in cands)
                    diag.error(inode, f"interface '{iname}' has several providers ({names}); "
                                      "say which with {interface: " + iname + ", from: COMPONENT}")
                    continue
                provider = cands[0]
            comp.uses.append(Use(ifc, provider, slot, allow))
            use_nodes[(comp.name, slot)] = entry
            slot += 1

    # Interface ids must be unique: a label names exactly one method of one interface.
    ids = {}
    for ifc, node in resolver.order:
        other = ids.get(ifc.id)
        if other is not None:
            diag.error(node, f"interface '{ifc.name}' has the same id {ifc.id:#06x} as interface "
                             f"'{other.name}'; rename one")
        else:
            ids[ifc.id] = ifc

    # IRQ lines: each granted once in the whole system.
    line_owner = {}
    for comp, line, node in irq_nodes:
        if line in line_owner:
            diag.error(node, f"IRQ {line} is granted twice ('{line_owner[line]}' already has it)")
        else:
            line_owner[line] = comp.name
    if len(line_owner) > MAX_DEVICE_IRQS:
        diag.error(irq_nodes[MAX_DEVICE_IRQS][2], f"more than {MAX_DEVICE_IRQS} IRQ lines granted in all")

    notifications = _load_notifications(diag, v["notifications"], by_name, known_names) if "notifications" in v else []
    regions = _load_regions(diag, v["memory"], by_name, known_names) if "memory" in v else []

    if not diag:
        _check_scheduling(diag, [c for c, _, _ in comps], use_nodes)
    diag.raise_if_any()

    components = [c for c, _, _ in comps]
    endpoint = 0
    for c in components:
        if c.provides:
            c.endpoint = endpoint
            endpoint += 1
        for u in c.uses:
            if c not in u.provider.clients:
                u.provider.clients.append(c)
    system = System(name=name, cpus=cpus, components=components, interfaces=[i for i, _ in resolver.order],
                    path=path, real_path=os.path.abspath(path), banner_source=banner_name(path),
                    notifications=notifications, regions=regions)
    _place_caps(diag, system, comps)
    for comp, body, _ in comps:
        if comp.cap_slots > MAX_CAP_SLOTS:
            diag.error(body, f"component '{comp.name}' needs {comp.cap_slots} cap slots "
                             f"({comp.next_slot} for its caps and free_slots: {comp.free_slots}), "
                             f"more than the kernel's {MAX_CAP_SLOTS}")
    diag.raise_if_any()
    return system


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
    return by_name.get(cname)  # None: that component had its own problems


def _load_notifications(diag, node, by_name, known_names):
    """`notifications: {name: {wait: component, signal: [component, ...]}}`."""
    out = []
    if not schema.check_map(diag, node, "notifications", optional=list(node.value) if node.kind == "map" else ()):
        return out
    for nname, body in node.value.items():
        if schema.check_name(diag, node.keys[nname], "notification name") is None:
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
            if comp is waiter:
                diag.error(snode, f"component '{sname}' both waits on and signals notification '{nname}'")
                continue
            signallers.append(comp)
        if len(signallers) > MAX_SIGNALLERS:
            diag.error(body.value["signal"], f"more than {MAX_SIGNALLERS} signallers (one badge bit each)")
        if waiter is not None:
            n = Notification(nname, len(out), waiter, signallers)
            waiter.waits_on.append(n)
            out.append(n)
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
    writers = [c.name for c, rights in maps if "w" in rights]
    if allowed or not writers:
        return
    for comp, rights in maps:
        if "x" in rights:
            diag.error(mnode.value[comp.name],
                       f"region '{rname}' is executable in '{comp.name}' and writable in '{writers[0]}': "
                       f"one component could write code another runs (W^X holds per frame); "
                       f"say allow_write_execute: true if that is meant")


def _place_caps(diag, system, comps):
    """Slots after the endpoint and the uses: notifications, shared regions, then IRQs.
    Also lays out each component's shared regions from layout::kSharedBase."""
    nodes = {c.name: body for c, body, _ in comps}
    taken = {c.name: {"kEndpoint"} | {u.cap_name for u in c.uses} for c in system.components}

    def add(comp, typ, rights, obj, badge, cap_name, doc):
        if cap_name in taken[comp.name]:
            diag.error(nodes[comp.name], f"component '{comp.name}' gets two caps named caps::{cap_name}; "
                                         "rename the interface, notification or region")
            return None
        taken[comp.name].add(cap_name)
        cap = Cap(comp.next_slot, typ, rights, obj, badge, cap_name, doc)
        comp.extra_caps.append(cap)
        return cap

    for n in system.notifications:
        add(n.waiter, CAP_NOTIFICATION, RIGHT_RECV | RIGHT_GRANT, n.index, 0, f"k{camel(n.name)}",
            f"Notification `{n.name}` (wait, poll)")
        for s in n.signallers:
            add(s, CAP_NOTIFICATION, RIGHT_SEND | RIGHT_GRANT, n.index, n.badge_of(s), f"k{camel(n.name)}",
                f"Notification `{n.name}` of `{n.waiter.name}` (signal; badge {n.badge_of(s):#x})")
    next_vaddr = {c.name: SHARED_BASE for c in system.components}
    for r in system.regions:
        for comp, rights in r.maps:
            words = {"r": "read", "rw": "read, write", "rx": "read, execute"}[rights]
            cap = add(comp, CAP_MEMORY, RIGHTS[rights] | RIGHT_GRANT, r.index, 0, f"k{camel(r.name)}",
                      f"Shared memory `{r.name}` ({words}), mapped at memory::k{camel(r.name)}Base")
            if cap is None:
                continue
            vaddr = next_vaddr[comp.name]
            next_vaddr[comp.name] = vaddr + r.size + PAGE  # an unmapped page between regions
            if next_vaddr[comp.name] > IPC_BUFFER_BASE:
                diag.error(nodes[comp.name], f"the shared regions of '{comp.name}' do not fit its address space")
            comp.mappings.append(Mapping(r, rights, vaddr, cap.slot))
    index = len(system.notifications)
    for comp in system.components:
        if not comp.irq_lines:
            continue
        add(comp, CAP_NOTIFICATION, RIGHT_RECV, index, 0, "kIrqs",
            "Notification of its interrupt lines: line n sets bit n (irqs::kLine<n>)")
        for line in comp.irq_lines:
            system.irqs.append(Irq(line, len(system.irqs), index, comp))
            add(comp, CAP_IRQ, 0, len(system.irqs) - 1, 0, f"kIrq{line}",
                f"Interrupt line {line}: acknowledge with sys::irq_ack once handled")
        index += 1
    system.notification_count = index


def _check_scheduling(diag, components, use_nodes):
    """Refuse uses that can deadlock (a cycle of calls) or invert priorities."""
    for c in components:
        for u in c.uses:
            if u.provider.priority < c.priority and not u.allow_inversion:
                diag.error(use_nodes[(c.name, u.slot)],
                           f"priority inversion: '{c.name}' (priority {c.priority}) uses '{u.interface.name}' "
                           f"from '{u.provider.name}' (priority {u.provider.priority}); give the server a "
                           "higher priority or set allow_inversion: true")
    # Depth-first search; an edge back to a component on the stack closes a cycle.
    state = {}
    stack = []

    def visit(c):
        state[c.name] = 1
        stack.append(c)
        for u in c.uses:
            p = u.provider
            if state.get(p.name) == 1:
                cycle = stack[stack.index(p):] + [p]
                diag.error(use_nodes[(c.name, u.slot)],
                           "uses form a cycle, the components could wait on each other forever: "
                           + " -> ".join(x.name for x in cycle))
            elif p.name not in state:
                visit(p)
        stack.pop()
        state[c.name] = 2

    for c in components:
        if c.name not in state:
            visit(c)
