"""Golden files: the generated artefacts of the default system and of the restart system
(supervision: the built-in supervisor's header, a supervised server's), reviewed by hand.

After an intended change to a template, refresh them with
`TESSERA_UPDATE_GOLDEN=1 python3 -m pytest tests/codegen/test_golden.py` and review the diff.
"""
import os

import pytest

from conftest import REPO, run_gen

GOLDEN = os.path.join(REPO, "tests", "codegen", "golden")
SYSTEMS = {
    # name: (description, golden folder, files)
    "default": ("system.yaml", GOLDEN,
                ["interfaces/kv.h", "interfaces/console.h", "kv/component.h", "app/component.h",
                 "console/component.h", "system.dot", "system.spec"]),
    "restart": ("tests/systems/restart/system.yaml", os.path.join(GOLDEN, "restart"),
                ["interfaces/crashy.h", "server/component.h", "client/component.h", "supervisor/component.h",
                 "system.dot", "system.spec"]),
}
CASES = [(system, name) for system, (_, _, files) in SYSTEMS.items() for name in files]


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    outs = {}
    for system, (yaml, _, _) in SYSTEMS.items():
        out = tmp_path_factory.mktemp(system)
        r = run_gen("gen", yaml, "--out", str(out))
        assert r.code == 0, r.err
        outs[system] = out
    return outs


@pytest.mark.parametrize("system,name", CASES)
def test_matches_golden(generated, system, name):
    with open(os.path.join(generated[system], name), "rb") as f:
        data = f.read()
    golden = SYSTEMS[system][1]
    path = os.path.join(golden, name)
    if os.environ.get("TESSERA_UPDATE_GOLDEN"):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    with open(path, "rb") as f:
        assert data == f.read(), f"{name} differs from {os.path.relpath(path, REPO)}"
