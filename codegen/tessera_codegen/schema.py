"""Shape checks shared by the system and interface validators: mappings, keys, names, ints."""
import difflib
import re

NAME_RE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")

# Names that would not compile as C++ identifiers or would clash with what generated code uses.
CPP_RESERVED = frozenset("""
alignas alignof and and_eq asm auto bitand bitor bool break case catch char char8_t char16_t
char32_t class compl concept const consteval constexpr constinit const_cast continue co_await
co_return co_yield decltype default delete do double dynamic_cast else enum explicit export
extern false float for friend goto if inline int long mutable namespace new noexcept not not_eq
nullptr operator or or_eq private protected public register reinterpret_cast requires return
short signed sizeof static static_assert static_cast struct switch template this thread_local
throw true try typedef typeid typename union unsigned using virtual void volatile wchar_t while
xor xor_eq final override import module assert errno std tessera main
""".split())


def kind_name(node):
    if node.kind == "map":
        return "a mapping"
    if node.kind == "seq":
        return "a list"
    v = node.value
    if v is None:
        return "empty"
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, int):
        return "an integer"
    if isinstance(v, float):
        return "a fractional number"
    if isinstance(v, str):
        return "a string"
    return type(v).__name__


def camel(name):
    """snake_case -> CamelCase (kv -> Kv, not_found -> NotFound)."""
    return "".join(p[:1].upper() + p[1:] for p in name.split("_"))


def check_map(diag, node, what, required=(), optional=()):
    """Reports keys outside both lists and missing `required` keys.

    True if `node` is a mapping with every required key (unknown keys are reported, but the
    rest of the mapping is still worth validating).
    """
    if node.kind != "map":
        diag.error(node, f"{what} must be a mapping, not {kind_name(node)}")
        return False
    ok = True
    allowed = list(required) + list(optional)
    for key, knode in node.keys.items():
        if key not in allowed:
            diag.error(knode, f"unknown key '{key}' in {what} (expected one of: {', '.join(allowed)})")
    for key in required:
        if key not in node.value:
            diag.error(node, f"missing required key '{key}' in {what}")
            ok = False
    return ok


def check_list(diag, node, what):
    if node.kind != "seq":
        diag.error(node, f"{what} must be a list, not {kind_name(node)}")
        return False
    return True


def check_name(diag, node, what, max_len=None):
    """A snake_case identifier usable as a C++ name; returns it or None."""
    if node.kind != "scalar" or not isinstance(node.value, str):
        hint = ""
        if node.kind == "scalar" and (isinstance(node.value, bool) or node.value is None):
            hint = " (YAML reads yes/no/on/off/true/false/null as values; quote the name)"
        diag.error(node, f"{what} must be a name, not {kind_name(node)}{hint}")
        return None
    name = node.value
    if not NAME_RE.match(name):
        diag.error(node, f"{what} '{name}' is not a valid name (lower case letters, digits and single "
                         "underscores, starting with a letter)")
        return None
    if name in CPP_RESERVED:
        diag.error(node, f"{what} '{name}' is reserved (a C++ keyword or a name generated code uses)")
        return None
    if max_len is not None and len(name) > max_len:
        diag.error(node, f"{what} '{name}' is longer than {max_len} characters")
        return None
    return name


def check_int(diag, node, what, lo, hi):
    if node.kind != "scalar" or isinstance(node.value, bool) or not isinstance(node.value, int):
        diag.error(node, f"{what} must be an integer, not {kind_name(node)}")
        return None
    if not lo <= node.value <= hi:
        diag.error(node, f"{what} {node.value} is out of range {lo}..{hi}")
        return None
    return node.value


def check_str(diag, node, what):
    if node.kind != "scalar" or not isinstance(node.value, str):
        diag.error(node, f"{what} must be a string, not {kind_name(node)}")
        return None
    return node.value


def check_bool(diag, node, what):
    if node.kind != "scalar" or not isinstance(node.value, bool):
        diag.error(node, f"{what} must be true or false, not {kind_name(node)}")
        return None
    return node.value


def name_list(diag, node, what, item_what):
    """A list of distinct names; returns [(name, node)] of the valid ones, or None."""
    if not check_list(diag, node, what):
        return None
    seen, out = {}, []
    for item in node.value:
        name = check_name(diag, item, item_what)
        if name is None:
            continue
        if name in seen:
            diag.error(item, f"duplicate {item_what} '{name}' (first at line {seen[name].line})")
            continue
        seen[name] = item
        out.append((name, item))
    return out


def did_you_mean(word, choices):
    """" (did you mean 'X'?)" for the closest of `choices` to a misspelt `word`, or ""."""
    close = difflib.get_close_matches(str(word), sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
