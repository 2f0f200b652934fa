"""system.dot: components as boxes, arrows from user to provider labelled with the interface;
dashed arrows from signaller to waiter for notifications; dashed arrows with an empty head,
labelled "supervises", from a supervisor to each component it supervises; shared regions as
folders joined to the components that map them."""

# Attributes of an edge after its label, by kind.
EDGE_STYLES = {"use": "", "signal": ", style=dashed", "supervise": ", style=dashed, arrowhead=empty"}


def dot_quote(text):
    """Names are identifiers; only quotes could break the syntax."""
    return '"' + text.replace('"', '\\"') + '"'


def graph_context(system):
    nodes = []
    for c in system.components:
        cpu = "any" if c.cpu < 0 else str(c.cpu)
        extra = f"\\nirqs {', '.join(str(l) for l in c.irq_lines)}" if c.irq_lines else ""
        extra += "\\nbuilt-in" if c.builtin else ""
        nodes.append({"id": dot_quote(c.name),
                      "label": dot_quote(f"{c.name}\\npriority {c.priority}, cpu {cpu}{extra}")})
    edges = [{"src": dot_quote(c.name), "dst": dot_quote(u.provider), "label": dot_quote(u.interface.name),
              "attrs": EDGE_STYLES["use"]}
             for c in system.components for u in c.uses]
    edges += [{"src": dot_quote(s), "dst": dot_quote(n.waiter), "label": dot_quote(n.name),
               "attrs": EDGE_STYLES["signal"]}
              for n in system.notifications for s in n.signallers]
    edges += [{"src": dot_quote(c.name), "dst": dot_quote(s.name), "label": dot_quote("supervises"),
               "attrs": EDGE_STYLES["supervise"]}
              for c in system.supervisors for s in c.supervises]
    regions = [{"id": dot_quote("memory " + r.name), "label": dot_quote(f"{r.name}\\n{r.size // 1024}K")}
               for r in system.regions]
    maps = [{"src": dot_quote("memory " + r.name), "dst": dot_quote(comp), "label": dot_quote(rights)}
            for r in system.regions for comp, rights in r.maps]
    return {"system": system, "nodes": nodes, "edges": edges, "regions": regions, "maps": maps,
            "name": dot_quote(system.name)}
