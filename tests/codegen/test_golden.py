"""Golden files: the default system's generated artefacts, reviewed by hand.

After an intended change to a template, refresh them with
`TESSERA_UPDATE_GOLDEN=1 python3 -m pytest tests/codegen/test_golden.py` and review the diff.
"""
import os

import pytest

from conftest import REPO, run_gen

GOLDEN = os.path.join(REPO, "tests", "codegen", "golden")
FILES = ["interfaces/kv.h", "interfaces/console.h", "kv/component.h", "app/component.h", "console/component.h",
         "system.dot",
         "system.spec"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("gen")
    r = run_gen("gen", "system.yaml", "--out", str(out))
    assert r.code == 0, r.err
    return out


@pytest.mark.parametrize("name", FILES)
def test_matches_golden(generated, name):
    with open(os.path.join(generated, name), "rb") as f:
        data = f.read()
    path = os.path.join(GOLDEN, name)
    if os.environ.get("TESSERA_UPDATE_GOLDEN"):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    with open(path, "rb") as f:
        assert data == f.read(), f"{name} differs from tests/codegen/golden/{name}"
