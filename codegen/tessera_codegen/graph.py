"""system.dot: components as boxes, arrows from user to provider labelled with the interface."""


def dot_quote(text):
    """Names are identifiers; only quotes could break the syntax."""
    return '"' + text.replace('"', '\\"') + '"'


def graph_context(system):
    nodes = []
    for c in system.components:
        cpu = "any" if c.cpu < 0 else str(c.cpu)
        nodes.append({"id": dot_quote(c.name), "label": dot_quote(f"{c.name}\\npriority {c.priority}, cpu {cpu}")})
    edges = [{"src": dot_quote(c.name), "dst": dot_quote(u.provider.name), "label": dot_quote(u.interface.name)}
             for c in system.components for u in c.uses]
    return {"system": system, "nodes": nodes, "edges": edges, "name": dot_quote(system.name)}
