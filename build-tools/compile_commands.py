#!/usr/bin/env python3
"""Merges compile_commands.json databases into one, for clangd and other tools.

One entry per source file: the first database that compiles a file gives its command, so
list the preferred one first (the freestanding target's: kernel/ there is the code that
ships; host tests then add what only the host compiles). The output is rewritten only when
its content changes, so a tool watching it reloads only then.
"""
import argparse
import json
import os


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        return []


def merge(databases):
    seen = set()
    merged = []
    for database in databases:
        for entry in database:
            source = os.path.normpath(os.path.join(entry["directory"], entry["file"]))
            if source not in seen:
                seen.add(source)
                merged.append(entry)
    return merged


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="merged database to write")
    parser.add_argument("databases", nargs="+", help="databases, the preferred first (missing ones are skipped)")
    args = parser.parse_args()
    text = json.dumps(merge(load(p) for p in args.databases), indent=2) + "\n"
    try:
        with open(args.out, encoding="utf-8") as f:
            if f.read() == text:
                return 0
    except FileNotFoundError:
        pass
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
