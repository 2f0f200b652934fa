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
