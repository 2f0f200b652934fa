#!/usr/bin/env python3
"""Tessera's generator. `tessera-gen.py --help`; docs/description.md describes the input files."""
import os
import sys


def _require(module, package):
    try:
        __import__(module)
    except ImportError:
        sys.stderr.write(f"tessera-gen: the Python module '{module}' is missing; install the Debian package "
                         f"{package} (apt-get install {package})\n")
        sys.exit(2)


if __name__ == "__main__":
    _require("yaml", "python3-yaml")
    _require("jinja2", "python3-jinja2")
    sys.dont_write_bytecode = True
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    try:
        from tessera_codegen.cli import main
    except Exception as e:  # codegen/abi.yaml refused (FILE:LINE:COL lines), or a broken installation
        if getattr(e, "problems", None):
            sys.stderr.write("".join(f"{p}\n" for p in e.problems))
            sys.exit(1)
        sys.stderr.write(f"tessera-gen: internal error: {type(e).__name__}: {e}\n")
        sys.exit(2)
    sys.exit(main())
