"""YAML loading that keeps the line and column of every node and refuses duplicate keys.

A loaded document is a tree of `Node`s: `kind` is "map" (value: dict of key text -> Node,
plus `keys`: key text -> Node of the key itself), "seq" (value: list of Node) or "scalar"
(value: the plain Python value under YAML 1.1 safe rules). Lines and columns are 1-based.
"""
import yaml

from .errors import Failed, Problem

# libyaml's parser where PyYAML has it: some ten times faster, with the same nodes and marks.
# A document it refuses is parsed again by the pure-Python one, whose messages are the ones
# this generator reports (and its tests expect).
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)


class Node:
    __slots__ = ("kind", "value", "keys", "file", "line", "col")

    def __init__(self, kind, value, file, line, col, keys=None):
        self.kind, self.value, self.keys = kind, value, keys
        self.file, self.line, self.col = file, line, col

    def __repr__(self):
        return f"Node({self.kind}, {self.value!r}, {self.line}:{self.col})"


def _convert(loader, ynode, file, problems):
    line, col = ynode.start_mark.line + 1, ynode.start_mark.column + 1
    if isinstance(ynode, yaml.MappingNode):
        values, keys = {}, {}
        for knode, vnode in ynode.value:
            if not isinstance(knode, yaml.ScalarNode):
                problems.append(Problem(file, knode.start_mark.line + 1, knode.start_mark.column + 1,
                                        "mapping keys must be plain names"))
                continue
            key = Node("scalar", knode.value, file, knode.start_mark.line + 1, knode.start_mark.column + 1)
            if knode.value in values:
                first = keys[knode.value]
                problems.append(Problem(file, key.line, key.col,
                                        f"duplicate key '{knode.value}' (first at line {first.line})"))
                continue
            keys[knode.value] = key
            values[knode.value] = _convert(loader, vnode, file, problems)
        return Node("map", values, file, line, col, keys)
    if isinstance(ynode, yaml.SequenceNode):
        return Node("seq", [_convert(loader, n, file, problems) for n in ynode.value], file, line, col)
    return Node("scalar", loader.construct_object(ynode), file, line, col)


def _mark_problem(file, err):
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    text = getattr(err, "problem", None) or str(err).splitlines()[0]
    context = getattr(err, "context", None)
    if context and getattr(err, "problem", None):
        text = f"{text} ({context})"
    return Problem(file, line, col, f"YAML syntax error: {text}")


def load(path, display=None, problems=None):
    """Load `path`; problems are reported against `display` (default: path). Raises Failed.

    With a `problems` list, duplicate keys are appended to it (the first value is kept) so the
    caller can go on validating and report them together with everything else.
    """
    display = display or path
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise Failed([Problem(display, 1, 1, f"cannot read file: {e.strerror}")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise Failed([Problem(display, line, 1, "file is not valid UTF-8")])
    soft = problems
    problems = []
    for make in ([_FAST_LOADER] if _FAST_LOADER else []) + [yaml.SafeLoader]:
        loader = make(text)
        try:
            root = loader.get_single_node()
            if root is None:
                raise Failed([Problem(display, 1, 1, "file is empty")])
            node = _convert(loader, root, display, problems)
            break
        except yaml.YAMLError as e:
            if make is not yaml.SafeLoader:
                problems = []
                continue
            raise Failed([_mark_problem(display, e)])
        finally:
            loader.dispose()
    if problems:
        if soft is None:
            raise Failed(problems)
        soft.extend(problems)
    return node
