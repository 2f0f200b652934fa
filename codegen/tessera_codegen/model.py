"""The validated model the emitters read: interfaces, components, caps. No YAML nodes past here."""
from dataclasses import dataclass, field

from .schema import camel

MAX_BYTES = 1000  # string[N] / bytes[N]: 1 + 125 words, within one message
CAP_TYPES = {"endpoint": "EndpointCap", "notification": "NotificationCap", "memory": "MemoryCap"}

UNSIGNED = {"u8": 8, "u16": 16, "u32": 32, "u64": 64}
SIGNED = {"i8": 8, "i16": 16, "i32": 32, "i64": 64}


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


@dataclass
class Field:
    name: str
    type: Type
    mr: int = 0  # first message word
    cap: int = 0  # position among the message's caps (cap types only)

    @property
    def cpp_name(self):
        return self.name


@dataclass
class Enum:
    name: str
    values: list

    @property
    def cpp_name(self):
        return camel(self.name)

    def constants(self):
        return [(f"k{camel(v)}", i) for i, v in enumerate(self.values)]


@dataclass
class Method:
    name: str
    index: int
    label: int
    inputs: list
    outputs: list
    errors: list  # [(name, number)]
    doc: str = ""

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


@dataclass
class Struct:
    name: str
    fields: list  # [Field], mr relative to the struct's first word
    doc: str = ""

    @property
    def cpp_name(self):
        return camel(self.name)

    @property
    def words(self):
        return sum(f.type.registers for f in self.fields)


@dataclass
class Interface:
    name: str
    doc: str
    id: int
    enums: list
    errors: list  # names; number = position + 1
    methods: list
    path: str          # as found, for messages
    real_path: str     # absolute, for depfiles
    banner_source: str  # relative name for the generated banner
    structs: list = field(default_factory=list)  # [Struct], each after the structs it uses

    @property
    def cpp_name(self):
        return camel(self.name)

    @property
    def has_caps(self):
        return any(m.in_caps or m.out_caps for m in self.methods)

    @property
    def max_in_caps(self):
        return max([m.in_caps for m in self.methods] or [0])

    def error_constants(self):
        return [(f"k{camel(e)}", i + 1) for i, e in enumerate(self.errors)]


@dataclass
class Use:
    interface: Interface
    provider: "Component"
    slot: int
    allow_inversion: bool = False

    @property
    def cap_name(self):
        return f"k{camel(self.interface.name)}"


@dataclass
class Cap:
    """A cap the description grants a component beyond its endpoint and its uses."""
    slot: int
    type: int
    rights: int
    object: int
    badge: int
    cap_name: str   # the C++ constant in namespace caps
    doc: str


@dataclass
class Notification:
    name: str
    index: int
    waiter: "Component"
    signallers: list  # [Component]; signaller i's cap has badge 1 << i

    def badge_of(self, comp):
        return 1 << self.signallers.index(comp)


@dataclass
class Region:
    name: str
    index: int
    size: int
    maps: list  # [(Component, rights string "r" | "rw" | "rx")]


@dataclass
class Mapping:
    """Region `region` in a component at `vaddr`, owned by the memory cap in `slot`."""
    region: Region
    rights: str
    vaddr: int
    slot: int

    @property
    def const_prefix(self):
        return f"k{camel(self.region.name)}"


@dataclass
class Irq:
    line: int
    index: int
    notification: int  # index of the driver's IRQ notification
    component: "Component"


@dataclass
class Component:
    name: str
    index: int
    source: str        # as written
    source_abs: str
    priority: int
    cpu: int           # -1 = any
    stack: int
    memory: int
    provides: list     # [Interface]
    uses: list = field(default_factory=list)  # [Use]
    ioports: list = field(default_factory=list)  # [(base, count)]
    shutdown: bool = False
    affinity: list = field(default_factory=list)  # CPUs it may run on; [] = all (or its pin)
    threads: int = 1    # most threads at once, counting the first
    endpoint: int = -1  # index of its endpoint, providers only
    map_quota: int = 0  # bytes of map quota
    irq_lines: list = field(default_factory=list)  # interrupt lines granted, as written
    extra_caps: list = field(default_factory=list)  # [Cap]: notifications, memory, IRQs
    mappings: list = field(default_factory=list)  # [Mapping]
    clients: list = field(default_factory=list)   # [Component] using one of its interfaces
    waits_on: list = field(default_factory=list)  # [Notification] it waits on

    @property
    def next_slot(self):
        """The first slot after every cap placed so far (slot 0 is always empty)."""
        top = 0
        if self.provides:
            top = 1
        if self.uses:
            top = max(top, max(u.slot for u in self.uses))
        if self.extra_caps:
            top = max(top, max(c.slot for c in self.extra_caps))
        return top + 1

    @property
    def cap_slots(self):
        """Its table: the granted caps and `free_slots` empty slots after them."""
        return self.next_slot + self.free_slots

    free_slots: int = 0  # empty slots for caps received or made at run time

    @property
    def free_slot_first(self):
        return self.next_slot


@dataclass
class System:
    name: str
    cpus: int
    components: list
    interfaces: list   # every interface the system names, in first-mention order
    path: str          # as given
    real_path: str
    banner_source: str

    notifications: list = field(default_factory=list)  # [Notification], then IRQ notifications
    notification_count: int = 0
    regions: list = field(default_factory=list)  # [Region]
    irqs: list = field(default_factory=list)     # [Irq]

    @property
    def endpoint_count(self):
        return sum(1 for c in self.components if c.provides)
