"""codegen/abi.yaml, checked: the model the ABI headers are rendered from, and the numbers and
`struct` formats the Python side (spec writer, image packer, tests) takes from it.

Importing this module loads the file once; `ABI` is the model, and every named number is
also a module attribute in Python spelling (kMaxCpus -> MAX_CPUS, rights::kSend ->
RIGHT_SEND, layout::kSharedBase -> SHARED_BASE, kSpecMagic -> SPEC_MAGIC as bytes).
"""
import os
import re
import struct
from dataclasses import dataclass, field

from . import schema
from .errors import Diagnostics
from .paths import GENERATOR_DIR, banner_name
from .yamlload import load

SOURCE = os.path.join(GENERATOR_DIR, "abi.yaml")

# Type name -> (C++ spelling, bytes, struct code). A record is little-endian and packed by
# its own declared layout, so `struct` codes are used with "<" (no implicit padding).
SCALARS = {
    "u8": ("uint8_t", 1, "B"), "u16": ("uint16_t", 2, "H"), "u32": ("uint32_t", 4, "I"),
    "u64": ("uint64_t", 8, "Q"), "i8": ("int8_t", 1, "b"), "i16": ("int16_t", 2, "h"),
    "i32": ("int32_t", 4, "i"), "i64": ("int64_t", 8, "q"), "unsigned": ("unsigned", 4, "I"),
    "char": ("char", 1, "s"),
}
FIELD_TYPE_RE = re.compile(r"^([a-z0-9]+)(?:\[([A-Za-z0-9_]+)\])?$")
CPP_CONST_RE = re.compile(r"^k[A-Z][A-Za-z0-9]*$")
KINDS = ("enum", "bits", "constant", "namespace", "magic", "word", "record", "note")


def python_name(cpp_name, prefix=""):
    """kMaxThreadsPerComponent -> MAX_THREADS_PER_COMPONENT (with `prefix` in front)."""
    return prefix + re.sub(r"(?<!^)(?=[A-Z])", "_", cpp_name[1:]).upper()


@dataclass
class Value:
    name: str
    value: int
    doc: str = ""
    inputs: dict = field(default_factory=dict)   # system calls: register -> what it holds
    outputs: dict = field(default_factory=dict)

    @property
    def call_doc(self):
        """A system call's one-line comment: its argument registers, what it does, what it returns."""
        text = self.doc
        if self.inputs:
            text = ", ".join(f"{r} = {w}" for r, w in self.inputs.items()) + (": " + text if text else "")
        if self.outputs:
            text += "; out " + ", ".join(f"{r} = {w}" for r, w in self.outputs.items())
        return text


@dataclass
class Field:
    name: str
    type: str        # scalar type name
    count: object    # None, an int, or the name of a constant (as written)
    length: int      # elements (1 for a scalar)
    offset: int
    doc: str = ""

    @property
    def size(self):
        return SCALARS[self.type][1] * self.length

    @property
    def cpp(self):
        base = SCALARS[self.type][0]
        return f"{base} {self.name}" + ("" if self.count is None else f"[{self.count}]")

    @property
    def code(self):
        code = SCALARS[self.type][2]
        if self.type == "char":
            return f"{self.length}s"
        return code if self.count is None else f"{self.length}{code}"


@dataclass
class Item:
    kind: str
    name: str
    doc: str = ""
    type: str = ""          # C++ spelling of the value type
    value: object = None    # constant: int; magic: str
    values: list = field(default_factory=list)  # [Value] / [Field] for records / word fields
    count: str = ""         # enum: name of a trailing count value
    all: str = ""           # bits: name of the union of all bits
    size: int = 0           # record: bytes
    struct: object = None   # record: struct.Struct

    def field(self, name):
        return next(f for f in self.values if f.name == name)

    def unpack(self, data, offset=0):
        """A record at `offset` of `data`, as {field name: value} (arrays as tuples)."""
        flat = list(self.struct.unpack_from(data, offset))
        out = {}
        for f in self.values:
            if f.count is None or f.type == "char":
                out[f.name] = flat.pop(0)
            else:
                out[f.name], flat = tuple(flat[:f.length]), flat[f.length:]
        return out


@dataclass
class Header:
    key: str
    path: str        # include path, e.g. tessera/abi.h
    namespace: str
    doc: str
    includes: list
    items: list
    asserts: list    # [(C++ expression, why)]


@dataclass
class Abi:
    source: str      # banner name of the file
    real_path: str
    headers: list
    constants: dict  # C++ name (qualified within the ABI: layout::kPageSize) -> int
    python: dict     # Python name -> int or bytes
    records: dict    # name -> Item

    def record(self, name):
        return self.records[name]


class _Loader:
    def __init__(self, path):
        self.diag = Diagnostics()
        self.path = path
        self.constants, self.python, self.records = {}, {}, {}
        self.names = {}  # C++ name of an item -> node, across headers

    def _python(self, node, name, value):
        if name in self.python:
            self.diag.error(node, f"two values have the Python name {name}")
        self.python[name] = value

    def _doc(self, body):
        if "doc" not in body:
            return ""
        return " ".join((schema.check_str(self.diag, body["doc"], "doc") or "").split())

    def _int(self, node, what, lo=0, hi=2 ** 64 - 1):
        return schema.check_int(self.diag, node, what, lo, hi)

    def _cpp_name(self, node, what):
        name = node.value
        if not isinstance(name, str) or not CPP_CONST_RE.match(name):
            self.diag.error(node, f"{what} '{name}' must be a C++ constant name (kName)")
            return None
        return name

    def _values(self, node, what, keys, required):
        """The entries of a `values:` mapping: [(name, key node, body mapping)]."""
        out = []
        if not schema.check_map(self.diag, node, what, optional=list(node.value) if node.kind == "map" else ()):
            return out
        for name, vnode in node.value.items():
            if self._cpp_name(node.keys[name], f"name in {what}") is None:
                continue
            if schema.check_map(self.diag, vnode, f"'{name}' of {what}", required, keys):
                out.append((name, node.keys[name], vnode.value))
        return out

    def _prefix(self, b):
        """The Python spelling's prefix of a group's values (`python: RIGHT_`)."""
        return (schema.check_str(self.diag, b["python"], "python") or "") if "python" in b else ""

    def _registers(self, v, key):
        """A system call's `in:` or `out:`: {register: what it holds}, in the order written."""
        if key not in v or not schema.check_map(self.diag, v[key], key, optional=list(v[key].value or ())):
            return {}
        return {r: schema.check_str(self.diag, w, f"what {r} holds") or "" for r, w in v[key].value.items()}

    def enum(self, name, node, b):
        t = self._type(b, node)
        item = Item("enum", name, self._doc(b), SCALARS[t][0])
        seen = {}
        for vname, knode, v in self._values(b["values"], f"enum {name}", ["doc", "in", "out"], ["value"]):
            value = self._int(v["value"], f"{name}::{vname}", 0, 2 ** (SCALARS[t][1] * 8) - 1)
            if value is None:
                continue
            if value in seen:
                self.diag.error(v["value"], f"{name}::{vname} has the value {value} of {name}::{seen[value]}")
            seen[value] = vname
            item.values.append(Value(vname, value, self._doc(v), self._registers(v, "in"), self._registers(v, "out")))
            self._python(knode, python_name(vname, self._prefix(b)), value)
        if "count" in b:
            item.count = self._cpp_name(b["count"], "count") or ""
            if sorted(seen) != list(range(len(seen))):
                self.diag.error(b["count"], f"enum {name} has a count, so its values must be 0..n-1")
        return item

    def _type(self, b, node):
        t = b["type"].value if "type" in b else None
        if t not in SCALARS or t == "char":
            names = ", ".join(n for n in SCALARS if n != "char")
            self.diag.error(b.get("type", node), f"type '{t}' is not one of {names}")
            return "u64"
        return t

    def bits(self, name, node, b):
        t = self._type(b, node)
        item = Item("bits", name, self._doc(b), SCALARS[t][0])
        prefix = self._prefix(b)
        union, used = 0, {}
        width = SCALARS[t][1] * 8
        for vname, knode, v in self._values(b["values"], f"bits {name}", ["doc"], ["bit"]):
            bit = self._int(v["bit"], f"bit of {name}::{vname}", 0, width - 1)
            if bit is None:
                continue
            if bit in used:
                self.diag.error(v["bit"], f"{name}::{vname} uses bit {bit} of {name}::{used[bit]}")
            used[bit] = vname
            union |= 1 << bit
            item.values.append(Value(vname, bit, self._doc(v)))
            self.constants[f"{name}::{vname}"] = 1 << bit
            self._python(knode, python_name(vname, prefix), 1 << bit)
        if "all" in b:
            item.all = self._cpp_name(b["all"], "all") or ""
            self.constants[f"{name}::{item.all}"] = union
            self._python(b["all"], python_name(item.all, prefix), union)
        return item

    def constant(self, name, node, b, qualified=None, prefix=""):
        t = self._type(b, node)
        value = self._int(b["value"], name, -(2 ** 63), 2 ** (SCALARS[t][1] * 8) - 1)
        if value is None:
            return None
        self.constants[qualified or name] = value
        self._python(node, python_name(name, prefix), value)
        return Item("constant", name, self._doc(b), SCALARS[t][0], value)

    def namespace(self, name, node, b):
        item = Item("namespace", name, self._doc(b), SCALARS[self._type(b, node)][0])
        for vname, knode, v in self._values(b["values"], f"namespace {name}", ["doc"], ["value"]):
            value = self._int(v["value"], f"{name}::{vname}")
            if value is not None:
                item.values.append(Value(vname, value, self._doc(v)))
                self.constants[f"{name}::{vname}"] = value
                self._python(knode, python_name(vname, self._prefix(b)), value)
        return item

    def magic(self, name, node, b):
        text = schema.check_str(self.diag, b["value"], "magic")
        if text is None or len(text) != 8 or not text.isascii():
            self.diag.error(b["value"], "a magic is 8 ASCII characters")
            return None
        self._python(node, python_name(name), text.encode("ascii"))
        return Item("magic", name, self._doc(b), "char", text)

    def word(self, name, node, b):
        item = Item("word", name, self._doc(b), "uint64_t")
        taken = 0
        for fname, knode, f in self._fields_of_word(b["fields"], name):
            bit, width = self._int(f["bit"], "bit", 0, 63), self._int(f["width"], "width", 1, 64)
            if bit is None or width is None:
                continue
            mask = ((1 << width) - 1) << bit
            if bit + width > 64 or taken & mask:
                self.diag.error(f["bit"], f"field '{fname}' of word {name} overlaps another or passes bit 63")
            taken |= mask
            default = self._int(f["default"], "default") if "default" in f else None
            item.values.append(Value(fname, (bit, width, default), self._doc(f)))
        return item

    def _fields_of_word(self, node, name):
        out = []
        if schema.check_map(self.diag, node, f"fields of word {name}", optional=list(node.value or ())):
            for fname, f in node.value.items():
                if schema.check_name(self.diag, node.keys[fname], "field name") is None:
                    continue
                if schema.check_map(self.diag, f, f"field '{fname}'", ["bit", "width"], ["doc", "default"]):
                    out.append((fname, node.keys[fname], f.value))
        return out

    def record(self, name, node, b):
        item = Item("record", name, self._doc(b))
        fnode = b["fields"]
        if not schema.check_map(self.diag, fnode, f"fields of {name}", optional=list(fnode.value or ())):
            return None
        offset, align = 0, 1
        broken = False  # after a refused field, offsets mean nothing: no follow-on problems
        for fname, f in fnode.value.items():
            knode = fnode.keys[fname]
            if schema.check_name(self.diag, knode, "field name") is None or \
                    not schema.check_map(self.diag, f, f"field '{fname}' of {name}", ["type"], ["doc"]):
                broken = True
                continue
            spelled = schema.check_str(self.diag, f.value["type"], "field type") or ""
            m = FIELD_TYPE_RE.match(spelled)
            if not m or m.group(1) not in SCALARS or (m.group(1) == "char" and m.group(2) is None):
                self.diag.error(f.value["type"], f"field type '{spelled}' is not a type of {', '.join(SCALARS)} "
                                                 "(char as char[N]), or an array TYPE[N]")
                broken = True
                continue
            base, count = m.group(1), m.group(2)
            length = 1
            if count is not None:
                if count.isdigit():
                    count = length = int(count)
                elif count in self.constants:
                    length = self.constants[count]
                else:
                    self.diag.error(f.value["type"], f"array size '{count}' is neither a number nor a constant "
                                                     "declared before")
                    broken = True
                    continue
            size = SCALARS[base][1]
            if offset % size and not broken:
                self.diag.error(knode, f"field '{fname}' of {name} would be at offset {offset}, not a multiple of "
                                       f"its alignment {size}: declare padding (a reserved field) before it")
            align = max(align, size)
            item.values.append(Field(fname, base, count, length, offset, self._doc(f.value)))
            offset += size * length
        if offset % align and not broken:
            self.diag.error(fnode, f"{name} would be {offset} bytes, not a multiple of its alignment {align}: "
                                   "declare padding (a reserved field) at its end")
        item.size = offset
        item.struct = struct.Struct("<" + "".join(f.code for f in item.values))
        self.records[name] = item
        return item

    def header(self, key, node):
        b = node.value
        doc = self._doc(b)
        path = schema.check_str(self.diag, b["header"], "header") or ""
        ns = schema.check_str(self.diag, b["namespace"], "namespace") or ""
        includes = [schema.check_str(self.diag, n, "include") for n in b["includes"].value] \
            if "includes" in b and schema.check_list(self.diag, b["includes"], "includes") else []
        items = []
        inode = b["items"]
        if schema.check_map(self.diag, inode, f"items of {key}", optional=list(inode.value or ())):
            for name, body in inode.value.items():
                knode = inode.keys[name]
                if name in self.names:
                    self.diag.error(knode, f"'{name}' is declared twice (first at line {self.names[name].line})")
                    continue
                self.names[name] = knode
                if not schema.check_map(self.diag, body, f"item '{name}'", ["kind"],
                                        ["doc", "type", "value", "values", "fields", "python", "count", "all"]):
                    continue
                kind = body.value["kind"].value
                if kind not in KINDS:
                    self.diag.error(body.value["kind"], f"kind '{kind}' is not one of {', '.join(KINDS)}")
                    continue
                needs = {"enum": ["type", "values"], "bits": ["type", "values"], "constant": ["type", "value"],
                         "namespace": ["type", "values"], "magic": ["value"], "word": ["fields"],
                         "record": ["fields"], "note": ["doc"]}[kind]
                missing = [k for k in needs if k not in body.value]
                if missing:
                    self.diag.error(body, f"a {kind} needs '{missing[0]}'")
                    continue
                if kind in ("constant", "magic") and self._cpp_name(knode, kind) is None:
                    continue
                if kind == "note":
                    item = Item("note", name, self._doc(body.value))
                else:
                    item = getattr(self, kind)(name, knode, body.value)
                if item is not None:
                    items.append(item)
        asserts = []
        if "asserts" in b and schema.check_list(self.diag, b["asserts"], "asserts"):
            for n in b["asserts"].value:
                if schema.check_map(self.diag, n, "assert", ["check"], ["why"]):
                    check = " ".join((schema.check_str(self.diag, n.value["check"], "check") or "").split())
                    why = schema.check_str(self.diag, n.value["why"], "why") if "why" in n.value else ""
                    asserts.append((check, " ".join((why or "").split())))
        return Header(key, path, ns, doc, includes, items, asserts)

    def run(self):
        root = load(self.path, display=banner_name(self.path))
        headers = []
        if schema.check_map(self.diag, root, "ABI description", optional=list(root.value or ())):
            for key, node in root.value.items():
                if schema.check_map(self.diag, node, f"header '{key}'", ["header", "namespace", "items"],
                                    ["doc", "includes", "asserts"]):
                    headers.append(self.header(key, node))
        self.diag.raise_if_any()
        return Abi(banner_name(self.path), os.path.abspath(self.path), headers, self.constants, self.python,
                   self.records)


def load_abi(path=SOURCE):
    """The checked model of an ABI description; raises Failed with FILE:LINE:COL problems."""
    return _Loader(path).run()


ABI = load_abi()
globals().update(ABI.python)
