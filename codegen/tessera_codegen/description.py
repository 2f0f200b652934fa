"""A validated system description: what system.yaml says, checked, with nothing yet decided.

Validation (system.py) yields a Description only when it found no problem; the cap policy
(caps.py) and the model builder (build.py) read it and cannot fail. Components, notifications
and regions name each other by name, so every object here is built whole in one go.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class ComponentDecl:
    """One entry of `components:`, every key resolved to its value or its default."""
    name: str
    index: int         # position in the description: its number in the boot spec
    source: str        # as written
    source_abs: str
    priority: int
    cpu: int           # -1 = any
    affinity: tuple    # CPUs it may run on, sorted; () = all (or its pin)
    stack: int         # bytes
    memory: int        # bytes
    threads: int       # most threads at once, counting the first
    map_quota: int     # bytes of map quota
    free_slots: int    # empty slots for caps received or made at run time
    irq_lines: tuple   # interrupt lines granted, as written
    provides: tuple    # (Interface, ...)
    uses: tuple        # (model.Use, ...), in the order written
    ioports: tuple     # ((base, count), ...)
    shutdown: bool     # on_exit: shutdown


@dataclass(frozen=True)
class Description:
    name: str
    cpus: int
    path: str           # as given on the command line
    components: tuple   # (ComponentDecl, ...) in description order
    interfaces: tuple   # every interface the system names, in first-mention order
    notifications: tuple  # (model.Notification, ...)
    regions: tuple      # (model.Region, ...)
