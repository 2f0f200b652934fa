"""The model the emitters read: interfaces, components, caps. No YAML nodes past here.

Every object is immutable once built (frozen, sequences as tuples): emitters only read it.
"""
from dataclasses import dataclass

from .abi import ABI
from .description import ComponentDecl
from .schema import camel

MAX_BYTES = 1000  # string[N] / bytes[N]: 1 + 125 words, within one message
CAP_TYPES = {"endpoint": "EndpointCap", "notification": "NotificationCap", "memory": "MemoryCap"}

# RestartPolicy value -> its C++ enumerator (kNever, kOnFailure, kAlways), from codegen/abi.yaml.
RESTART_NAMES = {v.value: v.name for item in ABI.headers[0].items if item.name == "RestartPolicy" for v in item.values}

UNSIGNED = {"u8": 8, "u16": 16, "u32": 32, "u64": 64}
SIGNED = {"i8": 8, "i16": 16, "i32": 32, "i64": 64}


def _as_tuples(obj, *names):
    """Frozen means frozen: list fields, as interfaces.py builds them, become tuples."""
    for name in names:
        object.__setattr__(obj, name, tuple(getattr(obj, name)))


@dataclass(frozen=True)
class Type:
    kind: str          # "unsigned" | "signed" | "bool" | "enum" | "string" | "bytes" | "struct" | "cap"
    bits: int = 64     # for integers
    size: int = 0      # N of string[N] / bytes[N]
    enum: str = ""     # enum name for kind == "enum"
    enum_count: int = 0
    name: str = ""     # struct name (kind "struct") or cap type (kind "cap": endpoint, notification, memory)
    words: int = 0     # message words of a struct
    struct_caps: int = 0  # always 0: structs hold no caps

    @property
    def cpp(self):
        if self.kind == "unsigned":
            return f"uint{self.bits}_t"
        if self.kind == "signed":
            return f"int{self.bits}_t"
        if self.kind == "bool":
            return "bool"
        if self.kind == "enum":
            return camel(self.enum)
        if self.kind == "struct":
            return camel(self.name)
        if self.kind == "cap":
            return f"::tessera::{CAP_TYPES[self.name]}"
        return f"Bytes<{self.size}>"

    @property
    def param_cpp(self):
        """How a value of this type is passed as a parameter."""
        return f"const {self.cpp}&" if self.is_bytes or self.kind == "struct" else self.cpp

    @property
    def is_bytes(self):
        return self.kind in ("string", "bytes")

    @property
    def is_cap(self):
        return self.kind == "cap"

    @property
    def registers(self):
        """Message words (the first six travel in registers, the rest in the IPC buffer)."""
        if self.is_bytes:
            return 1 + (self.size + 7) // 8
        if self.kind == "struct":
            return self.words
        if self.is_cap:
            return 0
        return 1

    @property
    def caps(self):
        return 1 if self.is_cap else 0

    @property
    def spelling(self):
        if self.is_bytes:
            return f"{self.kind}[{self.size}]"
        if self.kind == "enum":
            return self.enum
        if self.kind in ("struct", "cap"):
            return self.name
        if self.kind == "bool":
            return "bool"
        return ("u" if self.kind == "unsigned" else "i") + str(self.bits)


@dataclass(frozen=True)
class Field:
    name: str
    type: Type
    mr: int = 0  # first message word
    cap: int = 0  # position among the message's caps (cap types only)

    @property
    def cpp_name(self):
        return self.name


@dataclass(frozen=True)
class Enum:
    name: str
    values: tuple

    def __post_init__(self):
        _as_tuples(self, "values")

    @property
    def cpp_name(self):
        return camel(self.name)

    def constants(self):
        return [(f"k{camel(v)}", i) for i, v in enumerate(self.values)]


@dataclass(frozen=True)
class Method:
    name: str
    index: int
    label: int
    inputs: tuple
    outputs: tuple
    errors: tuple  # ((name, number), ...)
    doc: str = ""

    def __post_init__(self):
        _as_tuples(self, "inputs", "outputs", "errors")

    @property
    def cpp_label(self):
        return f"kLabel{camel(self.name)}"

    @property
    def in_registers(self):
        return sum(f.type.registers for f in self.inputs)

    @property
    def out_registers(self):
        return sum(f.type.registers for f in self.outputs)

    @property
    def in_caps(self):
        return sum(f.type.caps for f in self.inputs)

    @property
    def out_caps(self):
        return sum(f.type.caps for f in self.outputs)

    @property
    def cap_outputs(self):
        return [f for f in self.outputs if f.type.is_cap]

    @property
    def result_struct(self):
        return f"{camel(self.name)}Result"

    @property
    def value_type(self):
        """The T of Outcome<T, Error>, or 'void'."""
        if not self.outputs:
            return "void"
        if len(self.outputs) == 1:
            return self.outputs[0].type.cpp
        return self.result_struct

    @property
    def outcome(self):
        return f"Outcome<{self.value_type}, Error>"


@dataclass(frozen=True)
class Struct:
    name: str
    fields: tuple  # (Field, ...), mr relative to the struct's first word
    doc: str = ""

    def __post_init__(self):
        _as_tuples(self, "fields")

    @property
    def cpp_name(self):
        return camel(self.name)

    @property
    def words(self):
        return sum(f.type.registers for f in self.fields)


@dataclass(frozen=True)
class Interface:
    name: str
    doc: str
    id: int
    enums: tuple
    errors: tuple  # names; number = position + 1
    methods: tuple
    path: str          # as found, for messages
    real_path: str     # absolute, for depfiles
    banner_source: str  # relative name for the generated banner
    structs: tuple = ()  # (Struct, ...), each after the structs it uses

    def __post_init__(self):
        _as_tuples(self, "enums", "errors", "methods", "structs")

    @property
    def cpp_name(self):
        return camel(self.name)

    @property
    def has_caps(self):
        return any(m.in_caps or m.out_caps for m in self.methods)

    @property
    def max_in_caps(self):
        return max([m.in_caps for m in self.methods] or [0])

    @property
    def max_in_words(self):
        return max([m.in_registers for m in self.methods] or [0])

    @property
    def max_out_words(self):
        return max([m.out_registers for m in self.methods] or [0])

    @property
    def max_out_caps(self):
        return max([m.out_caps for m in self.methods] or [0])

    def error_constants(self):
        return [(f"k{camel(e)}", i + 1) for i, e in enumerate(self.errors)]


@dataclass(frozen=True)
class Use:
    interface: Interface
    provider: str  # the component that provides it
    allow_inversion: bool = False

    @property
    def cap_name(self):
        return f"k{camel(self.interface.name)}"


@dataclass(frozen=True)
class Cap:
    """One granted cap of a component's table, as caps.py placed it."""
    slot: int
    type: int
    rights: int
    object: int     # index of the endpoint, notification, region or IRQ (by type)
    badge: int
    cap_name: str   # the C++ constant in namespace caps
    doc: str        # what it is for, one line
    peer: str       # who or what is on the other end: components, a device


@dataclass(frozen=True)
class Notification:
    name: str
    index: int
    waiter: str        # component name
    signallers: tuple  # component names, in the order written

    def __post_init__(self):
        _as_tuples(self, "signallers")


@dataclass(frozen=True)
class Region:
    name: str
    index: int
    size: int
    maps: tuple  # ((component name, rights "r" | "rw" | "rx"), ...)

    def __post_init__(self):
        _as_tuples(self, "maps")


@dataclass(frozen=True)
class Mapping:
    """Region `region` in a component at `vaddr`, owned by the memory cap in `slot`."""
    region: Region
    rights: str
    vaddr: int
    slot: int

    @property
    def const_prefix(self):
        return f"k{camel(self.region.name)}"


@dataclass(frozen=True)
class Irq:
    line: int
    index: int
    notification: int  # index of the driver's IRQ notification
    component: int     # index of the driver
    bit: int           # the bit the line sets in that notification

    @property
    def bits(self):
        return 1 << self.bit


@dataclass(frozen=True)
class Client:
    """A component that calls one of a provider's interfaces, and the badge its calls bring."""
    name: str
    badge: int


@dataclass(frozen=True)
class Signal:
    """A signaller of a notification, and the badge bits its signal sets for the waiter."""
    notification: str
    signaller: str
    badge: int


@dataclass(frozen=True)
class Supervised:
    """A component a supervisor supervises, as its generated table (tessera::SupervisedComponent) says."""
    name: str
    index: int          # its index in the boot spec
    control_slot: int   # the supervisor's component cap for it; also its fault reports' badge
    cap_name: str       # that slot's C++ constant in namespace caps
    restart: int        # abi.RESTART_*
    restart_limit: int
    backoff_ms: int
    manual_start: bool

    @property
    def restart_cpp(self):
        return restart_cpp(self.restart)


def restart_cpp(value):
    """The C++ spelling of a RestartPolicy value: ::tessera::RestartPolicy::kOnFailure."""
    return f"::tessera::RestartPolicy::{RESTART_NAMES[value]}"


@dataclass(frozen=True)
class Component(ComponentDecl):
    """A described component and what the cap policy gave it."""
    endpoint: int      # index of its endpoint, -1 unless it provides an interface
    caps: tuple        # (Cap, ...) in slot order: every cap the boot spec places for it
    first_free: int    # the first slot after them
    cap_slots: int     # its table: the granted caps, then `free_slots` empty slots
    mappings: tuple    # (Mapping, ...): shared regions mapped before it starts
    irqs: tuple        # (Irq, ...) of its lines, in the order written
    clients: tuple     # (Client, ...) when it provides an interface
    signals: tuple     # (Signal, ...) of the notifications it waits on
    fault_endpoint: int  # a supervisor's fault endpoint index, else -1
    supervises: tuple  # (Supervised, ...) when it is a supervisor
    supervisor_endpoint: int  # its supervisor's fault endpoint, or abi.NO_SUPERVISOR
    report_badge: int  # the badge its fault reports arrive with (0 when unsupervised)

    @property
    def restart_cpp(self):
        return restart_cpp(self.restart)


@dataclass(frozen=True)
class System:
    name: str
    cpus: int
    components: tuple
    interfaces: tuple   # every interface the system names, in first-mention order
    path: str           # as given
    real_path: str
    banner_source: str
    notifications: tuple  # (Notification, ...) of the description
    notification_count: int  # those, then one per component with IRQ lines
    regions: tuple      # (Region, ...)
    irqs: tuple         # (Irq, ...)
    endpoint_count: int  # one per provider, then one fault endpoint per supervisor

    @property
    def supervisors(self):
        """The components that supervise others, in description order."""
        return tuple(c for c in self.components if c.supervises)
