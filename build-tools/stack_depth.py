#!/usr/bin/env python3
"""The kernel's worst kernel-stack depth, from the call graphs GCC writes with
-fcallgraph-info=su (one .ci file per object; the kernel build always makes them).

Each .ci file lists the functions of one object with their frame sizes ("N bytes (static)")
and the calls they make. The worst depth reachable from an entry point is the largest sum
of frames along a call chain, plus what the assembly entry stub pushed before it called C++.
Entry points (what runs on a thread's kernel stack) and the cost of their stubs are given
with --entry NAME=BYTES (C++ names, demangled as GCC prints them, or symbol names), or as
a chain A>B=BYTES when B runs on top of A's frame (an interrupt taken inside A).

Refuses (exit 1) what it cannot bound: recursion, a frame GCC calls dynamic and unbounded,
or an indirect call that --indirect does not resolve (--indirect CALLER=CALLEE[,CALLEE...],
or CALLER=0 for a call whose targets are known to be leaf-cheap); with --limit it also
fails when an entry's depth exceeds the limit. --nested A>B=BYTES adds to every entry what
a fault taken at its deepest point would push on top: BYTES by its stub, A's frame, and the
deepest path from B (a kernel fault's handler, called by A). Prints one line per entry point.
"""
import argparse
import glob
import os
import re
import sys

NODE = re.compile(r'node: \{ title: "([^"]+)" label: "([^"]*)"')
EDGE = re.compile(r'edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"')
FRAME = re.compile(r"\\n(\d+) bytes \(([a-z,]+)\)")
CALL_WORD = 8  # the return address a call pushes


def load(paths):
    """{symbol: (label, bytes or None, qualifiers)}, {symbol: [callee, ...]}"""
    nodes, edges = {}, {}
    for path in paths:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                m = NODE.search(line)
                if m:
                    title, label = m.groups()
                    frame = FRAME.search(label)
                    name = label.split("\\n")[0]
                    if frame:
                        nodes[title] = (name, int(frame.group(1)), frame.group(2))
                    elif title not in nodes:
                        nodes[title] = (name, None, "")
                    continue
                m = EDGE.search(line)
                if m:
                    edges.setdefault(m.group(1), []).append(m.group(2))
    return nodes, edges


def local_name(title):
    """GCC prefixes file-local symbols with their file: 'path:symbol'."""
    return title.rsplit(":", 1)[-1] if ":" in title and not title.startswith("_Z") else title


def names_of(title, name):
    """What a function may be called on the command line: its symbol, its qualified name
    without the parameters, or its last name part."""
    qualified = name.split("(")[0].split(" ")[-1]
    return {title, local_name(title), qualified, qualified.split("::")[-1]}


def resolve(nodes, spec):
    """The node titles a --entry or --indirect name means."""
    hits = [t for t, (name, _, _) in nodes.items() if spec in names_of(t, name)]
    defined = [t for t in hits if nodes[t][1] is not None]
    return defined or hits


class Analysis:
    def __init__(self, nodes, edges, indirect, asm):
        self.nodes, self.edges, self.indirect, self.asm = nodes, edges, indirect, asm
        self.memo = {}
        self.problems = []
        # Undefined nodes (declarations seen in one file) resolve to the definition elsewhere.
        self.by_symbol = {}
        for t, (_, size, _) in nodes.items():
            if size is not None:
                self.by_symbol[local_name(t)] = t

    def definition(self, title):
        if self.nodes.get(title, (None, None))[1] is not None:
            return title
        return self.by_symbol.get(local_name(title))

    def depth(self, title, stack=()):
        """(bytes, chain) of the deepest path from `title`, its own frame and return address included."""
        title = self.definition(title) or title
        if title in self.memo:
            return self.memo[title]
        if title in stack:
            self.problems.append("recursion: " + " -> ".join(self.nodes.get(t, (t,))[0] for t in stack + (title,)))
            return 0, []
        name, size, quals = self.nodes.get(title, (title, None, ""))
        if size is None:
            # No definition in C++: an assembly routine, whose pushes --asm gives.
            size = next((self.asm[n] for n in names_of(title, name) if n in self.asm), None)
            if size is None:
                self.problems.append(f"{name}: no frame size (an assembly routine that --asm does not name?)")
                size = 0
        if "dynamic" in quals and "bounded" not in quals:
            self.problems.append(f"{name}: frame size is dynamic and unbounded")
        best, chain = 0, []
        for callee in self.edges.get(title, []):
            if callee == "__indirect_call":
                targets = next((self.indirect[n] for n in names_of(title, name) if n in self.indirect), None)
                if targets is None:
                    self.problems.append(f"{name}: an indirect call that --indirect does not resolve")
                    continue
                for target in targets:
                    for t in resolve(self.nodes, target) if target != "0" else []:
                        d, c = self.depth(t, stack + (title,))
                        if d > best:
                            best, chain = d, c
                continue
            d, c = self.depth(callee, stack + (title,))
            if d > best:
                best, chain = d, c
        result = (size + CALL_WORD + best, [(name, size)] + chain)
        self.memo[title] = result
        return result


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("dirs", nargs="+", help="folders searched (recursively) for .ci files")
    p.add_argument("--entry", action="append", default=[], metavar="A[>B...]=BYTES",
                   help="an entry point and the bytes its assembly stub pushed before calling it; "
                        "A>B: B runs on top of A's frame (an interrupt in A, say)")
    p.add_argument("--indirect", action="append", default=[], metavar="CALLER=CALLEE,...",
                   help="the functions an indirect call of CALLER may reach (0: none that matter)")
    p.add_argument("--asm", action="append", default=[], metavar="NAME=BYTES",
                   help="an assembly routine called from C++ and the bytes it pushes below its return address")
    p.add_argument("--nested", metavar="A>B=BYTES",
                   help="a fault on top of every entry: its stub's bytes, A's frame, then B's deepest path")
    p.add_argument("--limit", type=int, help="fail when an entry point is deeper than this many bytes")
    p.add_argument("--chain", action="store_true", help="print each frame of the deepest chains")
    a = p.parse_args()
    paths = [f for d in a.dirs for f in glob.glob(os.path.join(d, "**", "*.ci"), recursive=True)]
    if not paths:
        print("stack_depth: no .ci files (build the kernel with -fcallgraph-info=su)", file=sys.stderr)
        return 1
    nodes, edges = load(paths)
    indirect = {}
    for item in a.indirect:
        caller, _, callees = item.partition("=")
        indirect[caller] = callees.split(",")
    asm = {}
    for item in a.asm:
        name, _, size = item.partition("=")
        asm[name] = int(size)
    analysis = Analysis(nodes, edges, indirect, asm)
    def chain_depth(spec):
        """(bytes, frames) of `A>B>...>Z=BYTES`: the stub's bytes, the frames of A..Y, and
        the deepest path from Z."""
        chain, _, stub = spec.partition("=")
        names = chain.split(">")
        total, frames = int(stub or 0), []
        for name in names[:-1]:
            titles = [t for t in resolve(nodes, name) if nodes[t][1] is not None]
            if not titles:
                analysis.problems.append(f"{name}: not found")
                return 0, []
            total += nodes[titles[0]][1] + CALL_WORD
            frames.append((nodes[titles[0]][0], nodes[titles[0]][1]))
        titles = resolve(nodes, names[-1])
        if not titles:
            analysis.problems.append(f"{names[-1]}: not found")
            return 0, []
        d, c = analysis.depth(titles[0])
        return total + d, frames + c

    def show(frames):
        if a.chain:
            for fname, size in frames:
                print(f"    {size:5d} + 8  {fname}")

    nested = 0
    if a.nested:
        nested, frames = chain_depth(a.nested)
        print(f"stack_depth: a fault on top adds {nested} bytes ({a.nested}, {len(frames)} frames)")
        show(frames)
    worst = 0
    for item in a.entry:
        d, frames = chain_depth(item)
        total = d + nested
        worst = max(worst, total)
        extra = f" + {nested} by a fault on top" if nested else ""
        print(f"stack_depth: {item}: {total} bytes ({d} deepest, {len(frames)} frames{extra})")
        show(frames)
    for problem in sorted(set(analysis.problems)):
        print(f"stack_depth: error: {problem}", file=sys.stderr)
    if a.limit is not None:
        verdict = "within" if worst <= a.limit else "OVER"
        print(f"stack_depth: worst {worst} bytes, limit {a.limit}: {verdict}")
        if worst > a.limit:
            return 1
    return 1 if analysis.problems else 0


if __name__ == "__main__":
    sys.exit(main())
