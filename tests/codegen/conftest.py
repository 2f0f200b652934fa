"""Shared helpers of the generator tests: run tessera-gen.py as the build does."""
import os
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GEN = os.path.join(REPO, "codegen", "tessera-gen.py")
CASES = os.path.join(REPO, "tests", "codegen", "cases")


class Run:
    def __init__(self, proc):
        self.code, self.out, self.err = proc.returncode, proc.stdout, proc.stderr

    @property
    def err_lines(self):
        return self.err.splitlines()


def run_gen(*args, cwd=REPO, env=None):
    """Runs the generator in a fresh interpreter; never lets a traceback pass unnoticed."""
    proc = subprocess.run([sys.executable, GEN, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=60)
    assert "Traceback" not in proc.stderr, proc.stderr
    return Run(proc)


@pytest.fixture
def gen():
    return run_gen


# A small system that uses every kind of cap: a provider of two interfaces, a driver of two
# IRQ lines, and a client that uses both interfaces, waits on a notification and maps two regions.
SMALL = """system: small
components:
  srv: {source: src, priority: 5, provides: [a, b]}
  drv: {source: src, priority: 4, irqs: [9, 3], free_slots: 2}
  cli: {source: src, priority: 1, uses: [b, a]}
notifications:
  bell: {wait: cli, signal: [drv, srv]}
memory:
  buf: {size: 8K, map: {cli: rw, srv: r}}
  code: {size: 4K, map: {cli: rx}}
"""


def write_system(tmp_path, text, interfaces=("a", "b")):
    """`text` as tmp_path/s.yaml, with a src folder and a one-method file per interface name."""
    (tmp_path / "src").mkdir(exist_ok=True)
    (tmp_path / "interfaces").mkdir(exist_ok=True)
    for name in interfaces:
        (tmp_path / "interfaces" / f"{name}.yaml").write_text(f"interface: {name}\nmethods:\n  m: {{}}\n")
    path = tmp_path / "s.yaml"
    path.write_text(text)
    return str(path)


# Supervision: `boss` supervises w1 and w2 (and provides, and drives an IRQ line, so its
# supervision caps come after those); srv and late name no supervisor, so the built-in one is
# added (as component 6) for them.
SUPERVISED = """system: sup
cpus: 2
components:
  srv: {source: src, priority: 5, provides: [a], restart: on-failure, restart_limit: 3, restart_backoff: 10ms}
  boss: {source: src, priority: 7, provides: [b], irqs: [3]}
  w1: {source: src, priority: 2, supervisor: boss, restart: always, uses: [a]}
  w2: {source: src, priority: 9, supervisor: boss, start: manual, restart_backoff: 2s}
  late: {source: src, priority: 200, start: manual}
  free: {source: src, priority: 1, uses: [b]}
"""
