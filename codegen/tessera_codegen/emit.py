"""Render the templates and write the artefacts: only files whose content changed are written."""
import os
import textwrap

import jinja2

from . import caps, spec
from .abi import ABI
from .graph import graph_context
from .schema import camel
from .paths import GENERATOR_DIR, GENERATOR_NAME

_env = None


def env():
    global _env
    if _env is None:
        _env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(os.path.join(GENERATOR_DIR, "templates")),
            undefined=jinja2.StrictUndefined, keep_trailing_newline=True, trim_blocks=True,
            lstrip_blocks=True, autoescape=False)
        _env.globals["generator"] = GENERATOR_NAME
        _env.globals["first_slot"] = caps.FIRST_SLOT
        _env.filters["camel"] = camel
        _env.filters["rstrip"] = lambda s: str(s).rstrip()
        _env.filters["comment"] = comment_text
        _env.filters["hex"] = lambda v, width=4: f"0x{v:0{width}x}"
        _env.filters["wrap"] = wrap_comment
        _env.filters["cpp_number"] = cpp_number
    return _env


def comment_text(text):
    """Free text made safe for one `//` line: one line, no trailing backslash (a continuation)."""
    return " ".join(str(text).split()).rstrip("\\ ")


def wrap_comment(text, prefix, width=100):
    """Free text as comment lines of at most `width` columns, each starting with `prefix`."""
    lines = textwrap.wrap(" ".join(str(text).split()), width - len(prefix), break_long_words=False,
                          break_on_hyphens=False)
    return "\n".join((prefix + line).rstrip("\\ ") for line in lines or [""])


def cpp_number(v):
    """Small numbers in decimal; addresses in hex, 16 digits grouped by four."""
    if v < 0x10000:
        return str(v)
    digits = f"{v:016x}"
    return "0x" + "'".join(digits[i:i + 4] for i in range(0, 16, 4))


def render(template, **ctx):
    return env().get_template(template).render(**ctx)


def write_if_changed(path, data):
    """Write `data` (str or bytes) unless the file already holds exactly that."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        with open(path, "rb") as f:
            if f.read() == data:
                return False
    except OSError:
        pass
    d = os.path.dirname(path)
    if d:
        os.makedirs(d, exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
    return True


def interface_header(ifc):
    return render("interface.h.j2", ifc=ifc)


def abi_headers(abi=ABI):
    """{include path: text} of the headers codegen/abi.yaml describes."""
    return {h.path: render("abi_header.h.j2", abi=abi, header=h) for h in abi.headers}


def emit_abi(out, abi=ABI):
    for path, text in abi_headers(abi).items():
        write_if_changed(os.path.join(out, path), text)


def emit_interfaces(interfaces, out):
    for ifc in interfaces:
        write_if_changed(os.path.join(out, "interfaces", ifc.name + ".h"), interface_header(ifc))


def graph_text(system):
    return render("system.dot.j2", **graph_context(system))


def emit_system(system, out):
    emit_interfaces(system.interfaces, out)
    for comp in system.components:
        write_if_changed(os.path.join(out, comp.name, "component.h"),
                         render("component.h.j2", system=system, comp=comp))
    write_if_changed(os.path.join(out, "components.cmake"), render("components.cmake.j2", system=system))
    write_if_changed(os.path.join(out, "system.dot"), graph_text(system))
    write_if_changed(os.path.join(out, "system.spec"), spec.build(system))
    write_if_changed(os.path.join(out, "system.manifest"), manifest_text(system))


def manifest_text(system):
    """What the image packer needs besides system.spec: the component ELFs to add, in spec order."""
    head = (f"# Generated from {system.banner_source} by {GENERATOR_NAME}. Do not edit.\n"
            "# The component ELFs build-tools/pack_image.py puts into system.img after system.spec, in spec order.\n")
    return head + "".join(f"{c.name}\n" for c in system.components)
