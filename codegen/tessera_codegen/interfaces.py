"""Interface files (interfaces/NAME.yaml): validate into model.Interface."""
import os
import re

from . import caps, schema
from .errors import Diagnostics
from .abi import MAX_MESSAGE_CAPS, MAX_MESSAGE_WORDS
from .model import (CAP_TYPES, MAX_BYTES, SIGNED, UNSIGNED, Enum, Field,
                    Interface, Method, Struct, Type)
from .paths import banner_name
from .yamlload import load

BYTES_RE = re.compile(r"^(string|bytes)\[([0-9]+)\]$")
# Generated names inside an interface's namespace that user-chosen type names must not take.
FIXED_TYPES = {"Error", "Client", "Server", "Outcome", "Bytes", "Message", "Status", "EndpointCap",
               "NotificationCap", "MemoryCap"}


def interface_id(name):
    """FNV-1a 32-bit of the name, xor-folded to 16 bits; 0 becomes 1."""
    h = 0x811C9DC5
    for b in name.encode("utf-8"):
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    folded = (h >> 16) ^ (h & 0xFFFF)
    return folded or 1


def _parse_type(diag, node, enums, what, structs=None, caps_allowed=True):
    text = schema.check_str(diag, node, what)
    if text is None:
        return None
    text = text.strip()
    structs = structs or {}
    if text in UNSIGNED:
        return Type("unsigned", bits=UNSIGNED[text])
    if text in SIGNED:
        return Type("signed", bits=SIGNED[text])
    if text == "bool":
        return Type("bool")
    m = BYTES_RE.match(text)
    if m:
        n = int(m.group(2))
        if not 1 <= n <= MAX_BYTES:
            diag.error(node, f"{what}: size of {m.group(1)}[{n}] is out of range 1..{MAX_BYTES}")
            return None
        return Type(m.group(1), size=n)
    if text in enums:
        return Type("enum", bits=32, enum=text, enum_count=len(enums[text].values))
    if text in structs:
        return Type("struct", name=text, words=structs[text].words)
    if text in CAP_TYPES:
        if not caps_allowed:
            diag.error(node, f"{what}: a struct cannot hold a capability ('{text}'); pass it as a parameter")
            return None
        return Type("cap", name=text)
    diag.error(node, f"{what}: unknown type '{text}' (expected u8, u16, u32, u64, i8, i16, i32, i64, bool, "
                     "string[N], bytes[N], endpoint, notification, memory, or an enum or struct of this interface)")
    return None


def _fields(diag, node, enums, what, structs=None, caps_allowed=True):
    if not schema.check_map(diag, node, what, optional=list(node.value) if node.kind == "map" else ()):
        return None
    out, mr, cap = [], 0, 0
    for name, vnode in node.value.items():
        knode = node.keys[name]
        if schema.check_name(diag, knode, "parameter name") is None:
            continue
        t = _parse_type(diag, vnode, enums, f"type of '{name}'", structs, caps_allowed)
        if t is None:
            continue
        out.append(Field(name, t, mr, cap))
        mr += t.registers
        cap += t.caps
    return out


def _structs(diag, node, enums):
    """`structs: {name: {field: type, ...}}`, each using only structs declared before it."""
    structs = {}
    if not schema.check_map(diag, node, "structs", optional=list(node.value) if node.kind == "map" else ()):
        return structs
    for sname, body in node.value.items():
        knode = node.keys[sname]
        if schema.check_name(diag, knode, "struct name") is None:
            continue
        if schema.camel(sname) in FIXED_TYPES or sname in enums:
            diag.error(knode, f"struct name '{sname}' clashes with another type ({schema.camel(sname)})")
            continue
        fields = _fields(diag, body, enums, f"fields of struct '{sname}'", structs, caps_allowed=False)
        if fields is None:
            continue
        if not fields and body.kind == "map" and not body.value:
            diag.error(body, f"struct '{sname}' has no fields")
            continue
        st = Struct(sname, fields)
        if st.words > MAX_MESSAGE_WORDS:
            diag.error(knode, f"struct '{sname}' needs {st.words} message words, at most {MAX_MESSAGE_WORDS} fit")
            continue
        structs[sname] = st
    return structs


def _unique_cpp(diag, items, what):
    """items: [(cpp name, node, source name)]: refuse two names that generate the same C++ name."""
    seen = {}
    for cpp, node, name in items:
        if cpp in seen:
            diag.error(node, f"{what} '{name}' gives the same C++ name {cpp} as '{seen[cpp]}'")
        else:
            seen[cpp] = name


def load_interface(path, expected_name=None):
    """Load and validate one interface file; `path` is as found. Raises errors.Failed."""
    diag = Diagnostics()
    root = load(path, problems=diag.problems)
    if not schema.check_map(diag, root, "interface file", ["interface", "methods"], ["doc", "enums", "errors", "structs"]):
        diag.raise_if_any()
    v = root.value
    base = os.path.splitext(os.path.basename(path))[0]
    name = schema.check_name(diag, v["interface"], "interface name")
    if name is not None and name != (expected_name or base):
        diag.error(v["interface"], f"interface name '{name}' does not match its file name '{base}.yaml'")
    if name == "endpoint":
        diag.error(v["interface"], "interface name 'endpoint' is reserved (caps::kEndpoint)")
    elif name is not None and caps.reserved_cap_name(name):
        diag.error(v["interface"], caps.reserved_message("interface", name))
    doc = ""
    if "doc" in v:
        doc = schema.check_str(diag, v["doc"], "doc") or ""

    enums = {}
    if "enums" in v:
        en = v["enums"]
        if schema.check_map(diag, en, "enums", optional=list(en.value) if en.kind == "map" else ()):
            type_names = []
            for ename, vals in en.value.items():
                if schema.check_name(diag, en.keys[ename], "enum name") is None:
                    continue
                items = schema.name_list(diag, vals, f"values of enum '{ename}'", "enum value")
                if items is None:
                    continue
                if not vals.value:
                    diag.error(vals, f"enum '{ename}' has no values")
                    continue
                _unique_cpp(diag, [(f"k{schema.camel(n)}", nd, n) for n, nd in items], "enum value")
                enums[ename] = Enum(ename, [n for n, _ in items])
                type_names.append((schema.camel(ename), en.keys[ename], ename))
                if schema.camel(ename) in FIXED_TYPES:
                    diag.error(en.keys[ename], f"enum name '{ename}' clashes with the generated type "
                                               f"{schema.camel(ename)}")
            _unique_cpp(diag, type_names, "enum")

    structs = _structs(diag, v["structs"], enums) if "structs" in v else {}

    errors = []
    error_nodes = {}
    if "errors" in v:
        items = schema.name_list(diag, v["errors"], "errors", "error")
        if items is not None:
            if len(items) > 0xFFFF:
                diag.error(v["errors"], "more than 65535 errors")
            _unique_cpp(diag, [(f"k{schema.camel(n)}", nd, n) for n, nd in items], "error")
            errors = [n for n, _ in items]
            error_nodes = dict(items)

    methods = []
    mnode = v["methods"]
    iid = interface_id(name) if name else 1
    if schema.check_map(diag, mnode, "methods", optional=list(mnode.value) if mnode.kind == "map" else ()):
        if not mnode.value:
            diag.error(mnode, "an interface needs at least one method")
        if len(mnode.value) > 0xFFFF:
            diag.error(mnode, "more than 65535 methods")
        cpp_names = []
        for index, (mname, body) in enumerate(mnode.value.items()):
            knode = mnode.keys[mname]
            if schema.check_name(diag, knode, "method name") is None:
                continue
            result = f"{schema.camel(mname)}Result"
            cpp_names.append((result, knode, mname))
            if body.kind == "scalar" and body.value is None:
                body_map = {}
            elif schema.check_map(diag, body, f"method '{mname}'", optional=["in", "out", "errors", "doc"]):
                body_map = body.value
            else:
                continue
            inputs = _fields(diag, body_map["in"], enums, f"inputs of '{mname}'", structs) if "in" in body_map else []
            outputs = (_fields(diag, body_map["out"], enums, f"outputs of '{mname}'", structs)
                       if "out" in body_map else [])
            mdoc = ""
            if "doc" in body_map:
                mdoc = schema.check_str(diag, body_map["doc"], "doc") or ""
            merrs = []
            if "errors" in body_map:
                items = schema.name_list(diag, body_map["errors"], f"errors of '{mname}'", "error")
                for ename, enode in items or []:
                    if ename not in error_nodes:
                        diag.error(enode, f"method '{mname}' names error '{ename}' that the interface "
                                          "does not declare in 'errors'")
                    else:
                        merrs.append((ename, errors.index(ename) + 1))
            if inputs is None or outputs is None:
                continue
            m = Method(mname, index, (iid << 16) | (index + 1), inputs, outputs, merrs, mdoc)
            for what, n in (("inputs", m.in_registers), ("outputs", m.out_registers)):
                if n > MAX_MESSAGE_WORDS:
                    diag.error(knode, f"method '{mname}' {what} need {n} message words, at most "
                                      f"{MAX_MESSAGE_WORDS} fit in one message")
            for what, n in (("inputs", m.in_caps), ("outputs", m.out_caps)):
                if n > MAX_MESSAGE_CAPS:
                    diag.error(knode, f"method '{mname}' {what} carry {n} capabilities, at most "
                                      f"{MAX_MESSAGE_CAPS} fit in one message")
            methods.append(m)
        clash = [(cpp, nd, n) for cpp, nd, n in cpp_names
                 if cpp in FIXED_TYPES or cpp in {e.cpp_name for e in enums.values()}
                 or cpp in {st.cpp_name for st in structs.values()}]
        for cpp, nd, n in clash:
            diag.error(nd, f"method '{n}' generates the type {cpp}, which is already taken")
    diag.raise_if_any()
    return Interface(name=name, doc=doc, id=iid, enums=list(enums.values()), errors=errors, methods=methods,
                     path=path, real_path=os.path.abspath(path), banner_source=banner_name(path),
                     structs=list(structs.values()))
