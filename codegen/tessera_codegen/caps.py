"""The cap policy: which caps each component gets, in which slot, with which rights and badge.

This module alone decides it. The validator checks the tables it yields against the kernel's
limits, the model builder hands them to the components, and the boot spec and the generated
headers print them as they are.

A component's table, from slot 1 (slot 0 is always empty, so a zero slot names no cap):
its own endpoint if it provides an interface, one endpoint cap per use in the order written,
then its notification caps (in the order of `notifications:`), its shared-memory caps (in the
order of `memory:`), and, for a driver, the notification of its IRQ lines and one IRQ cap per
line; for a supervisor, its fault endpoint and a control cap per component it supervises (in
description order). `free_slots` empty slots follow.

Endpoints are numbered: one per provider in description order, then one fault endpoint per
supervisor in description order (the built-in supervisor, when there is one, is last).

A supervisor's caps are named caps::kFaultEndpoint and caps::kControl<Component>. No
interface, notification or region may have a name whose cap would be called alike
(`fault_endpoint`, `control_<letter>...`: reserved_cap_name), so these never clash.
"""
import re
from dataclasses import dataclass, replace
from types import MappingProxyType

from .abi import (CAP_COMPONENT, CAP_ENDPOINT, CAP_IRQ, CAP_MEMORY, CAP_NOTIFICATION, NO_SUPERVISOR, RIGHT_EXEC,
                  RIGHT_GRANT, RIGHT_READ, RIGHT_RECV, RIGHT_SEND, RIGHT_WRITE, SHARED_BASE)
from .model import Cap, Client, Irq, Mapping, Signal, Supervised
from .schema import camel

FIRST_SLOT = 1
ENDPOINT_CAP = "kEndpoint"  # the name of a provider's own endpoint cap
FAULT_ENDPOINT_CAP = "kFaultEndpoint"  # a supervisor's fault endpoint
CONTROL_CAP_PREFIX = "kControl"  # + the supervised component's CamelCase name
_SUPERVISION_CAP_RE = re.compile(r"^(kFaultEndpoint|kControl[A-Z].*)$")
GUARD = 4096  # an unmapped page after each shared region, so an overrun faults
# Rights of a memory cap by the `map:` rights of its region; the cap may be passed on.
MAP_RIGHTS = {"r": RIGHT_READ, "rw": RIGHT_READ | RIGHT_WRITE, "rx": RIGHT_READ | RIGHT_EXEC}
MAP_WORDS = {"r": "read", "rw": "read, write", "rx": "read, execute"}


@dataclass(frozen=True)
class CapTable:
    """One component's table and what follows from it."""
    caps: tuple        # (Cap, ...) in slot order
    first_free: int    # the first slot after them
    cap_slots: int     # first_free + free_slots
    mappings: tuple    # (Mapping, ...) of its memory caps, from layout::kSharedBase
    shared_top: int    # the address after its last mapping and its guard page
    irqs: tuple        # (Irq, ...) of its lines
    clients: tuple     # (Client, ...) of its endpoint
    signals: tuple     # (Signal, ...) of the notifications it waits on
    fault_endpoint: int  # a supervisor's fault endpoint, else -1
    supervises: tuple  # (Supervised, ...) of a supervisor, in description order
    supervisor_endpoint: int  # the fault endpoint of its supervisor, or NO_SUPERVISOR
    report_badge: int  # the badge of its fault reports: its supervisor's control slot for it; 0 if none


@dataclass(frozen=True)
class Plan:
    """The whole system's objects and cap tables."""
    endpoints: MappingProxyType  # provider name -> endpoint index
    tables: MappingProxyType     # component name -> CapTable
    irqs: tuple                  # (Irq, ...)
    notification_count: int      # the description's, then one per driver
    fault_endpoints: MappingProxyType  # supervisor name -> endpoint index, after the providers'
    endpoint_count: int          # the providers' and the supervisors'


def client_badge(comp):
    """The badge of a component's calls: its spec index + 1, so that badge 0 means none."""
    return comp.index + 1


def signal_badge(notification, signaller):
    """One bit per signaller, by its position in `signal:`."""
    return 1 << notification.signallers.index(signaller)


def irq_bit(line):
    """Line n sets bit n of its driver's IRQ notification."""
    return line


def control_cap_name(component):
    """A supervisor's control cap of `component` (a name): kControl<Component>."""
    return CONTROL_CAP_PREFIX + camel(component)


def reserved_cap_name(name):
    """The cap name a supervisor's caps take that an interface, notification or region called
    `name` would get too (caps::k<Name>), or None when it is free."""
    cap = f"k{camel(name)}"
    return cap if _SUPERVISION_CAP_RE.match(cap) else None


def reserved_message(what, name):
    """The refusal of a `what` called `name` for which reserved_cap_name() is not None."""
    return (f"{what} name '{name}' is reserved: its cap caps::{reserved_cap_name(name)} would take the name of "
            f"a supervisor's cap (caps::{FAULT_ENDPOINT_CAP}, caps::{CONTROL_CAP_PREFIX}<Component>)")


class _Index:
    """Who uses whom and who supervises whom, found once: looking them up per component
    would make the plan quadratic in the number of components."""

    def __init__(self, desc):
        self.clients = {}     # provider name -> [users], in description order
        self.supervised = {}  # supervisor name -> [components], in description order
        for c in desc.components:
            for provider in dict.fromkeys(u.provider for u in c.uses):
                self.clients.setdefault(provider, []).append(c)
            if c.supervisor is not None:
                self.supervised.setdefault(c.supervisor, []).append(c)
        self.signals = {}  # waiter name -> [Signal]
        for n in desc.notifications:
            for s in n.signallers:
                self.signals.setdefault(n.waiter, []).append(Signal(n.name, s, signal_badge(n, s)))
        self.irqs = {}  # component index -> [Irq]


def plan(desc):
    """Every component's cap table: runs on a validated Description, cannot fail."""
    index = _Index(desc)
    endpoints = _endpoints(desc)
    fault_endpoints = _fault_endpoints(desc, len(endpoints), index)
    grants = {c.name: _endpoint_caps(c, desc, endpoints, index) for c in desc.components}
    _notification_caps(desc, grants)
    _region_caps(desc, grants)
    irqs, notification_count = _irq_caps(desc, grants)
    for irq in irqs:
        index.irqs.setdefault(irq.component, []).append(irq)
    _supervision_caps(desc, grants, fault_endpoints, index)
    tables = {c.name: _table(c, desc, grants[c.name], index, fault_endpoints) for c in desc.components}
    _supervision_tables(desc, tables, fault_endpoints, index)
    return Plan(MappingProxyType(endpoints), MappingProxyType(tables), tuple(irqs), notification_count,
                MappingProxyType(fault_endpoints), len(endpoints) + len(fault_endpoints))


def _endpoints(desc):
    """One endpoint per provider, numbered in description order; it serves all its interfaces."""
    providers = [c for c in desc.components if c.provides]
    return {c.name: i for i, c in enumerate(providers)}


def supervised_by(comp, index):
    """The components `comp` supervises, in description order."""
    return index.supervised.get(comp.name, [])


def _fault_endpoints(desc, first, index):
    """One fault endpoint per supervisor, numbered from `first` in description order."""
    supervisors = [c for c in desc.components if supervised_by(c, index)]
    return {c.name: first + i for i, c in enumerate(supervisors)}


def _cap(typ, rights, obj, badge, name, doc, peer):
    """A cap not yet placed: _table numbers the slots."""
    return Cap(0, typ, rights, obj, badge, name, doc, peer)


def _endpoint_caps(comp, desc, endpoints, index):
    """Its own endpoint (recv), then a send cap to the provider of each use."""
    out = []
    if comp.provides:
        names = ", ".join(i.name for i in comp.provides)
        clients = ", ".join(c.name for c in _clients(comp, index))
        out.append(_cap(CAP_ENDPOINT, RIGHT_RECV, endpoints[comp.name], 0, ENDPOINT_CAP,
                        f"Its own endpoint, with the recv right: requests for {names}", clients))
    for u in comp.uses:
        out.append(_cap(CAP_ENDPOINT, RIGHT_SEND | RIGHT_GRANT, endpoints[u.provider], client_badge(comp),
                        u.cap_name, f"Interface `{u.interface.name}` of component `{u.provider}` (send, grant)",
                        u.provider))
    return out


def _notification_caps(desc, grants):
    """The waiter may wait and poll; each signaller signals with its own badge bit."""
    for n in desc.notifications:
        name = f"k{camel(n.name)}"
        grants[n.waiter].append(_cap(CAP_NOTIFICATION, RIGHT_RECV | RIGHT_GRANT, n.index, 0, name,
                                     f"Notification `{n.name}` (wait, poll)", ", ".join(n.signallers)))
        for s in n.signallers:
            badge = signal_badge(n, s)
            grants[s].append(_cap(CAP_NOTIFICATION, RIGHT_SEND | RIGHT_GRANT, n.index, badge, name,
                                  f"Notification `{n.name}` of `{n.waiter}` (signal; badge {badge:#x})", n.waiter))


def _region_caps(desc, grants):
    """A memory cap per component that maps the region, with the rights it maps it with."""
    for r in desc.regions:
        mappers = [name for name, _ in r.maps]
        for comp, rights in r.maps:
            others = ", ".join(m for m in mappers if m != comp)
            grants[comp].append(_cap(CAP_MEMORY, MAP_RIGHTS[rights] | RIGHT_GRANT, r.index, 0, f"k{camel(r.name)}",
                                     f"Shared memory `{r.name}` ({MAP_WORDS[rights]}), mapped at "
                                     f"memory::k{camel(r.name)}Base", others))


def _irq_caps(desc, grants):
    """Each driver gets a notification of its own (after the described ones) that its lines
    set bits in, and an IRQ cap per line to acknowledge it."""
    irqs = []
    notification = len(desc.notifications)
    for comp in desc.components:
        if not comp.irq_lines:
            continue
        lines = ", ".join(str(line) for line in comp.irq_lines)
        grants[comp.name].append(_cap(CAP_NOTIFICATION, RIGHT_RECV, notification, 0, "kIrqs",
                                      "Notification of its interrupt lines: line n sets bit n (irqs::kLine<n>)",
                                      f"IRQ lines {lines}"))
        for line in comp.irq_lines:
            irqs.append(Irq(line, len(irqs), notification, comp.index, irq_bit(line)))
            grants[comp.name].append(_cap(CAP_IRQ, 0, len(irqs) - 1, 0, f"kIrq{line}",
                                          f"Interrupt line {line}: acknowledge with sys::irq_ack once handled",
                                          f"IRQ line {line}"))
        notification += 1
    return irqs, notification


def _supervision_caps(desc, grants, fault_endpoints, index):
    """A supervisor receives its components' fault reports on its fault endpoint and may start,
    stop and restart each of them through a component cap (the send right; no badge)."""
    for comp in desc.components:
        if comp.name not in fault_endpoints:
            continue
        names = [c.name for c in supervised_by(comp, index)]
        grants[comp.name].append(_cap(CAP_ENDPOINT, RIGHT_RECV, fault_endpoints[comp.name], 0, FAULT_ENDPOINT_CAP,
                                      "Its fault endpoint, with the recv right: fault reports of the components "
                                      "it supervises", ", ".join(names)))
        for c in supervised_by(comp, index):
            grants[comp.name].append(_cap(CAP_COMPONENT, RIGHT_SEND, c.index, 0, control_cap_name(c.name),
                                          f"Control of component `{c.name}` (start, stop, restart); the badge of "
                                          "its fault reports", c.name))


def _supervision_tables(desc, tables, fault_endpoints, index):
    """What the placed control caps decide: each supervisor's table of the components it
    supervises, and each supervised component's report endpoint and badge."""
    for comp in desc.components:
        if comp.name not in fault_endpoints:
            continue
        slots = {cap.object: cap.slot for cap in tables[comp.name].caps if cap.type == CAP_COMPONENT}
        supervises = tuple(Supervised(c.name, c.index, slots[c.index], control_cap_name(c.name), c.restart,
                                      c.restart_limit, c.restart_backoff_ms, c.start_manual)
                           for c in supervised_by(comp, index))
        tables[comp.name] = replace(tables[comp.name], supervises=supervises)
        for s in supervises:
            tables[s.name] = replace(tables[s.name], supervisor_endpoint=fault_endpoints[comp.name],
                                     report_badge=s.control_slot)


def _clients(comp, index):
    """The components that use an interface of `comp`, in description order."""
    return index.clients.get(comp.name, [])


def _table(comp, desc, grants, index, fault_endpoints):
    caps = tuple(replace(c, slot=FIRST_SLOT + i) for i, c in enumerate(grants))
    first_free = FIRST_SLOT + len(caps)
    mappings, shared_top = _mappings(comp, desc, caps)
    clients = tuple(Client(c.name, client_badge(c)) for c in _clients(comp, index))
    signals = tuple(index.signals.get(comp.name, []))
    own_irqs = tuple(index.irqs.get(comp.index, []))
    return CapTable(caps, first_free, first_free + comp.free_slots, mappings, shared_top, own_irqs, clients,
                    signals, fault_endpoints.get(comp.name, -1), (), NO_SUPERVISOR, 0)


def _mappings(comp, desc, caps):
    """Its memory caps' regions, one after another from layout::kSharedBase, a guard page apart."""
    out = []
    vaddr = SHARED_BASE
    for cap in caps:
        if cap.type != CAP_MEMORY:
            continue
        region = desc.regions[cap.object]
        out.append(Mapping(region, dict(region.maps)[comp.name], vaddr, cap.slot))
        vaddr += region.size + GUARD
    return tuple(out), vaddr
