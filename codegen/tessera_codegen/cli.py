"""Command line: check, gen, graph, interfaces, abi. Problems go to stderr as FILE:LINE:COL: error: ..."""
import argparse
import os
import sys

from . import emit
from .errors import Diagnostics, Failed
from .interfaces import load_interface
from .paths import generator_inputs
from .system import load_system


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        sys.stderr.write(f"tessera-gen: error: {message}\n")
        sys.stderr.write(self.format_usage())
        sys.exit(2)


def _parser():
    p = _Parser(prog="tessera-gen.py", description="Tessera's generator: validate a system description "
                                                   "and generate headers, the boot spec and the graph.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    c = sub.add_parser("check", help="validate SYSTEM.yaml; prints nothing on success")
    c.add_argument("system")
    g = sub.add_parser("gen", help="validate SYSTEM.yaml and generate into DIR")
    g.add_argument("system")
    g.add_argument("--out", required=True, metavar="DIR")
    g.add_argument("--depfile", metavar="F", help="write a Make-style depfile for DIR/system.spec")
    gr = sub.add_parser("graph", help="write the component graph as Graphviz dot")
    gr.add_argument("system")
    gr.add_argument("--out", required=True, metavar="FILE.dot")
    i = sub.add_parser("interfaces", help="generate DIR/interfaces/NAME.h for each interface file")
    i.add_argument("files", nargs="+", metavar="FILE.yaml")
    i.add_argument("--out", required=True, metavar="DIR")
    a = sub.add_parser("abi", help="write DIR/tessera/abi.h and DIR/tessera/spec_format.h from codegen/abi.yaml, "
                                   "or print them without --out")
    a.add_argument("--out", metavar="DIR")
    return p


def _escape_make(path):
    return path.replace("\\", "\\\\").replace(" ", "\\ ").replace("#", "\\#").replace("$", "$$")


def depfile_text(system, out):
    target = os.path.join(out, "system.spec")
    inputs = [system.real_path] + [i.real_path for i in system.interfaces] + generator_inputs()
    lines = [_escape_make(target) + ":"] + [" " + _escape_make(p) for p in inputs]
    return " \\\n".join(lines) + "\n"


def _load_interfaces(files):
    diag = Diagnostics()
    loaded = []
    for f in files:
        try:
            loaded.append(load_interface(f))
        except Failed as e:
            diag.extend(e.problems)
    names, ids = {}, {}
    for ifc in loaded:
        if ifc.name in names:
            diag.error_at(ifc.path, 1, 1, f"interface '{ifc.name}' is also given as {names[ifc.name].path}")
        elif ifc.id in ids:
            diag.error_at(ifc.path, 1, 1, f"interface '{ifc.name}' has the same id {ifc.id:#06x} as interface "
                                          f"'{ids[ifc.id].name}' ({ids[ifc.id].path}); rename one")
        else:
            names[ifc.name] = ifc
            ids[ifc.id] = ifc
    diag.raise_if_any()
    return loaded


def run(argv):
    args = _parser().parse_args(argv)
    if args.command == "abi":
        if args.out:
            emit.emit_abi(args.out)
        else:
            sys.stdout.write("\n".join(emit.abi_headers().values()))
        return 0
    if args.command == "interfaces":
        emit.emit_interfaces(_load_interfaces(args.files), args.out)
        return 0
    system = load_system(args.system)
    if args.command == "gen":
        emit.emit_system(system, args.out)
        if args.depfile:
            emit.write_if_changed(args.depfile, depfile_text(system, args.out))
    elif args.command == "graph":
        emit.write_if_changed(args.out, emit.graph_text(system))
    return 0


def _ordered(problems):
    """Files in the order they first came up, each file's problems by position, no repeats."""
    files = {}
    for p in problems:
        files.setdefault(p.file, len(files))
    seen, out = set(), []
    for p in sorted(problems, key=lambda p: (files[p.file], p.line, p.col)):
        if str(p) not in seen:
            seen.add(str(p))
            out.append(p)
    return out


def main(argv=None):
    try:
        return run(sys.argv[1:] if argv is None else argv)
    except Failed as e:
        for p in _ordered(e.problems):
            sys.stderr.write(f"{p}\n")
        return 1
    except OSError as e:
        sys.stderr.write(f"tessera-gen: error: {e.filename or ''}: {e.strerror}\n")
        return 1
    except Exception as e:  # an internal bug: one line, never a traceback
        sys.stderr.write(f"tessera-gen: internal error: {type(e).__name__}: {e}\n")
        return 2
