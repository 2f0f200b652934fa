"""A validated system description: what system.yaml says, checked, with nothing yet decided.

Validation (system.py, with wiring.py and supervision.py) yields a Description only when it
found no problem, the built-in supervisor added when some component needs it; the cap policy
(caps.py) and the model builder (build.py) read it and cannot fail. Components, notifications
and regions name each other by name, so every object here is built whole in one go.
"""
from dataclasses import dataclass

# What a component gets when its description does not say (the built-in supervisor too).
DEFAULT_STACK = 16 * 1024
DEFAULT_MEMORY = 64 * 1024
DEFAULT_FREE_SLOTS = 8


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
    # Supervision (supervision.py): a component is supervised when `supervisor` is not "".
    supervisor: str    # its supervisor's name: `supervisor:`, or the built-in's; "" = none
    restart: int       # abi.RESTART_* (`restart:`)
    restart_limit: int  # restarts its policy allows; 0 when unsupervised
    restart_backoff_ms: int  # the supervisor's wait before the first restart
    start_manual: bool  # `start: manual`: loaded at boot, run when its supervisor starts it
    builtin: bool      # the built-in supervisor, which the generator adds

    @property
    def supervised(self):
        return bool(self.supervisor)


@dataclass(frozen=True)
class Description:
    name: str
    cpus: int
    path: str           # as given on the command line
    components: tuple   # (ComponentDecl, ...) in description order
    interfaces: tuple   # every interface the system names, in first-mention order
    notifications: tuple  # (model.Notification, ...)
    regions: tuple      # (model.Region, ...)
