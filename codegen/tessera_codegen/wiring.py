"""Wiring: the interface files a description names, who provides and who uses each, and the
refusals of uses that could deadlock or invert priorities."""
import os

from . import schema
from .errors import Failed
from .interfaces import load_interface
from .model import Use


class Resolver:
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


def resolve_uses(diag, entries, known_names, resolver):
    """Resolves each `uses:` entry to its provider; {(user, interface name): node} of those."""
    providers = {}
    by_name = {e.name: e for e in entries}
    for e in entries:
        for ifc in e.provides:
            providers.setdefault(ifc.name, []).append(e)
    use_nodes = {}
    for e in entries:
        if e.uses_node is None or not schema.check_list(diag, e.uses_node, f"uses of '{e.name}'"):
            continue
        seen = {}
        for entry in e.uses_node.value:
            use = _resolve_use(diag, e, entry, seen, by_name, providers, known_names, resolver)
            if use is not None:
                e.uses.append(use)
                use_nodes[(e.name, use.interface.name)] = entry
    return use_nodes


def _resolve_use(diag, comp, entry, seen, by_name, providers, known_names, resolver):
    """One `uses:` entry (a name, or {interface, from, allow_inversion}) as a model.Use, or None."""
    from_node, allow = None, False
    if entry.kind == "map":
        if not schema.check_map(diag, entry, "uses entry", ["interface"], ["from", "allow_inversion"]):
            return None
        inode = entry.value["interface"]
        from_node = entry.value.get("from")
        if "allow_inversion" in entry.value:
            allow = schema.check_bool(diag, entry.value["allow_inversion"], "allow_inversion") or False
    else:
        inode = entry
    iname = schema.check_name(diag, inode, "interface")
    if iname is None:
        return None
    if iname in seen:
        diag.error(inode, f"duplicate use of interface '{iname}' (first at line {seen[iname].line})")
        return None
    seen[iname] = inode
    ifc = resolver.get(iname, inode)
    if ifc is None:
        return None
    if ifc in comp.provides:
        diag.error(inode, f"component '{comp.name}' uses interface '{iname}' that it provides itself")
        return None
    if from_node is not None:
        provider = _named_provider(diag, comp, ifc, from_node, by_name, known_names)
    else:
        provider = _only_provider(diag, ifc, inode, providers)
    return None if provider is None else Use(ifc, provider.name, allow)


def _named_provider(diag, comp, ifc, from_node, by_name, known_names):
    """The component `from:` names, if it provides `ifc`."""
    pname = schema.check_name(diag, from_node, "from")
    if pname is None:
        return None
    if pname not in known_names:
        diag.error(from_node, f"unknown component '{pname}' in from:")
        return None
    provider = by_name.get(pname)
    if provider is None:
        return None  # that component had its own problems
    if ifc not in provider.provides:
        diag.error(from_node, f"component '{pname}' does not provide interface '{ifc.name}'")
        return None
    if provider is comp:
        diag.error(from_node, f"component '{comp.name}' cannot use itself")
        return None
    return provider


def _only_provider(diag, ifc, inode, providers):
    """The one component that provides `ifc`; several need a `from:`."""
    cands = providers.get(ifc.name, [])
    if not cands:
        diag.error(inode, f"no component provides interface '{ifc.name}'")
        return None
    if len(cands) > 1:
        names = ", ".join(c.name for c in cands)
        diag.error(inode, f"interface '{ifc.name}' has several providers ({names}); "
                          "say which with {interface: " + ifc.name + ", from: COMPONENT}")
        return None
    return cands[0]


def check_interface_ids(diag, resolver):
    """Interface ids must be unique: a label names exactly one method of one interface."""
    ids = {}
    for ifc, node in resolver.order:
        other = ids.get(ifc.id)
        if other is not None:
            diag.error(node, f"interface '{ifc.name}' has the same id {ifc.id:#06x} as interface "
                             f"'{other.name}'; rename one")
        else:
            ids[ifc.id] = ifc


def check_scheduling(diag, desc, use_nodes):
    """Refuse uses that can deadlock (a cycle of calls) or invert priorities."""
    by_name = {c.name: c for c in desc.components}
    for c in desc.components:
        for u in c.uses:
            p = by_name[u.provider]
            if p.priority < c.priority and not u.allow_inversion:
                diag.error(use_nodes[(c.name, u.interface.name)],
                           f"priority inversion: '{c.name}' (priority {c.priority}) uses '{u.interface.name}' "
                           f"from '{p.name}' (priority {p.priority}); give the server a "
                           "higher priority or set allow_inversion: true")
    # Depth-first search; an edge back to a component on the path closes a cycle. Iterative,
    # with an explicit path, so a chain of uses as long as the description is fine.
    state = {}  # name -> 1 while on the path, 2 when done
    for root in desc.components:
        if root.name in state:
            continue
        state[root.name] = 1
        path = [root]
        pending = [iter(root.uses)]
        on_path = {root.name: 0}  # name -> its position in path
        while pending:
            c = path[-1]
            u = next(pending[-1], None)
            if u is None:
                pending.pop()
                path.pop()
                del on_path[c.name]
                state[c.name] = 2
                continue
            p = by_name[u.provider]
            if state.get(p.name) == 1:
                cycle = path[on_path[p.name]:] + [p]
                diag.error(use_nodes[(c.name, u.interface.name)],
                           "uses form a cycle, the components could wait on each other forever: "
                           + " -> ".join(x.name for x in cycle))
            elif p.name not in state:
                state[p.name] = 1
                on_path[p.name] = len(path)
                path.append(p)
                pending.append(iter(p.uses))
