"""Supervision in a description: a component's `supervisor`, `restart`, `restart_limit`,
`restart_backoff` and `start` keys, who supervises whom, and the built-in supervisor.

A component is supervised when it names a `supervisor:`, has a `restart:` other than never,
or `start: manual`. One that names no supervisor gets the built-in one: a component named
`supervisor` (source components/supervisor of the repository) that the generator appends to
the description, so the described components keep their indices.
"""
import os
import re

from . import schema
from .abi import MAX_PRIORITY, RESTART_ALWAYS, RESTART_NEVER, RESTART_ON_FAILURE
from .description import DEFAULT_FREE_SLOTS, DEFAULT_MEMORY, DEFAULT_STACK, ComponentDecl
from .paths import REPO_ROOT

KEYS = ["supervisor", "restart", "restart_limit", "restart_backoff", "start"]
RESTART = {"never": RESTART_NEVER, "on-failure": RESTART_ON_FAILURE, "always": RESTART_ALWAYS}
START = {"auto": False, "manual": True}
DEFAULT_RESTART_LIMIT = 5
MAX_RESTART_LIMIT = 1000
MAX_BACKOFF_MS = 60 * 1000
DURATION_RE = re.compile(r"^([0-9]+)(ms|s)$")
DURATION_FORMS = "0, or a whole number with ms or s, e.g. 10ms or 2s"
BUILTIN = "supervisor"
BUILTIN_SOURCE = "components/supervisor"  # relative to the repository, not to the description


def check_keys(diag, body):
    """The supervision values of one component's keys (`body`: its mapping node), defaults
    filled in, None where a key had a problem. `supervisor` stays "" until resolve()."""
    b = body.value
    restart = _choice(diag, b["restart"], "restart", RESTART) if "restart" in b else RESTART_NEVER
    start_manual = _choice(diag, b["start"], "start", START) if "start" in b else False
    supervised = "supervisor" in b or restart != RESTART_NEVER or start_manual is not False
    limit = DEFAULT_RESTART_LIMIT if supervised else 0
    if "restart_limit" in b:
        limit = schema.check_int(diag, b["restart_limit"], "restart_limit", 0, MAX_RESTART_LIMIT)
    backoff = parse_duration(diag, b["restart_backoff"], "restart_backoff") if "restart_backoff" in b else 0
    if restart == RESTART_NEVER and "supervisor" not in b:
        # Nothing restarts it, so the keys would be silently ignored: say so instead.
        for key in ("restart_limit", "restart_backoff"):
            if key in b:
                diag.error(body.keys[key], f"{key} has no effect without restart: (say restart: on-failure "
                                        "or always, or name a supervisor:)")
    return dict(supervisor="", restart=restart, restart_limit=limit, restart_backoff_ms=backoff,
                start_manual=start_manual, builtin=False)


def _choice(diag, node, what, choices):
    """The value of `choices` that `node` names, or None."""
    text = schema.check_str(diag, node, what)
    if text is None:
        return None
    if text not in choices:
        diag.error(node, f"{what} '{text}' is not one of {', '.join(choices)}{schema.did_you_mean(text, choices)}")
        return None
    return choices[text]


def parse_duration(diag, node, what):
    """`0`, `250ms`, `2s`: milliseconds, at most MAX_BACKOFF_MS; None on a problem."""
    v = node.value if node.kind == "scalar" else None
    if isinstance(v, bool) or not isinstance(v, (int, str)):
        diag.error(node, f"{what} must be a duration ({DURATION_FORMS}), not {schema.kind_name(node)}")
        return None
    if isinstance(v, int):
        if v < 0:
            diag.error(node, f"{what} {v} is negative")
        elif v:
            diag.error(node, f"{what} {v} has no unit: write {v}ms or {v}s")
        return 0 if v == 0 else None
    m = DURATION_RE.match(v)
    if not m:
        if v.startswith("-") and DURATION_RE.match(v[1:]):
            diag.error(node, f"{what} '{v}' is negative")
        else:
            diag.error(node, f"{what} '{v}' is not a duration ({DURATION_FORMS})")
        return None
    ms = int(m.group(1)) * (1000 if m.group(2) == "s" else 1)
    if ms > MAX_BACKOFF_MS:
        diag.error(node, f"{what} '{v}' is longer than {MAX_BACKOFF_MS // 1000}s")
        return None
    return ms


def resolve(diag, entries, known_names):
    """Sets each component's supervisor: the one it names, or the built-in for a supervised
    one that names none. Returns (the built-in's ComponentDecl, the node of the first key that
    asked for it), or (None, None) when no component needs it."""
    by_name = {e.name: e for e in entries}
    named = {}  # component -> (its supervisor, the node naming it)
    for e in entries:
        node = e.body.value.get("supervisor")
        if node is None:
            continue
        sname = schema.check_name(diag, node, "supervisor")
        if sname is None:
            continue
        if sname == e.name:
            diag.error(node, f"component '{e.name}' cannot supervise itself")
        elif sname not in known_names and sname == BUILTIN:
            diag.error(node, f"'{BUILTIN}' is the built-in supervisor, not a component of this description: leave "
                             f"out supervisor: and '{e.name}' gets the built-in one")
        elif sname not in known_names:
            diag.error(node, f"unknown component '{sname}' in supervisor:"
                             f"{schema.did_you_mean(sname, known_names)}")
        elif sname in by_name:  # else that component had its own problems
            named[e.name] = (sname, node)
    _check_cycles(diag, entries, named)
    for name, (sname, _) in named.items():
        by_name[name].fields["supervisor"] = sname
    needers = [e for e in entries if "supervisor" not in e.body.value and _wants_supervision(e.fields)]
    if not needers:
        return None, None
    anchors = [_asking_key(e) for e in needers]
    if BUILTIN in known_names:
        for e, anchor in zip(needers, anchors):
            diag.error(anchor, f"component '{e.name}' needs the built-in supervisor, but the name '{BUILTIN}' is "
                               "taken by a component of this description; name its supervisor with "
                               "supervisor: NAME")
        return None, None
    for e in needers:
        e.fields["supervisor"] = BUILTIN
    return _builtin(len(entries), needers), anchors[0]


def _wants_supervision(fields):
    restart = fields["restart"]
    return (restart is not None and restart != RESTART_NEVER) or fields["start_manual"] is True


def _asking_key(entry):
    """The key that made a component supervised: `restart:` unless that says never, else `start:`."""
    keys = entry.body.keys
    return keys["restart"] if entry.fields["restart"] not in (None, RESTART_NEVER) else keys["start"]


def _check_cycles(diag, entries, named):
    """Supervisors form a forest: each component has at most one, so following them from any
    component ends at one without a supervisor, or goes round a cycle, reported once."""
    done = set()
    for e in entries:
        path, at = [], e.name
        while at in named and at not in done and at not in path:
            path.append(at)
            at = named[at][0]
        if at in path:
            cycle = path[path.index(at):]  # each supervised by the next, the last by the first
            order = {x.name: i for i, x in enumerate(entries)}
            first = min(cycle, key=order.get)
            i = cycle.index(first)
            chain = [cycle[(i - k) % len(cycle)] for k in range(len(cycle) + 1)]  # each supervises the next
            diag.error(named[first][1], "supervision forms a cycle: " + " supervises ".join(chain)
                                        + "; one of them must have no supervisor")
        done.update(path)


def _builtin(index, needers):
    """The built-in supervisor: one thread, any CPU, default sizes, above those it supervises."""
    priority = min(MAX_PRIORITY, max(e.fields["priority"] or 0 for e in needers) + 1)
    return ComponentDecl(name=BUILTIN, index=index, source=BUILTIN_SOURCE,
                         source_abs=os.path.normpath(os.path.join(REPO_ROOT, BUILTIN_SOURCE)), priority=priority,
                         cpu=-1, affinity=(), stack=DEFAULT_STACK, memory=DEFAULT_MEMORY, threads=1, map_quota=0,
                         free_slots=DEFAULT_FREE_SLOTS, irq_lines=(), provides=(), uses=(), ioports=(),
                         shutdown=False, supervisor="", restart=RESTART_NEVER, restart_limit=0,
                         restart_backoff_ms=0, start_manual=False, builtin=True)
