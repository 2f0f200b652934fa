"""Big descriptions: the scale system's 1,001 components, and a chain of uses as long as a
description may be; each must come out right, whatever its size (no recursion limits)."""
import importlib.util
import os

from conftest import REPO, run_gen

MAKE = os.path.join(REPO, "tests", "systems", "scale", "make_system.py")


def make_system():
    spec = importlib.util.spec_from_file_location("make_system", MAKE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_scale_system_is_accepted_and_gives_every_pair_its_server(tmp_path):
    path = tmp_path / "system.yaml"
    path.write_text(make_system().description(500, 4, str(tmp_path)))
    r = run_gen("gen", str(path), "--out", str(tmp_path / "gen"))
    assert r.code == 0, r.err
    judge = (tmp_path / "gen" / "judge" / "component.h").read_text()
    assert "inline constexpr uint32_t kClientCount = 500;" in judge
    client = (tmp_path / "gen" / "c499" / "component.h").read_text()
    assert "Interface `echo` of component `s499`" in client
    assert "inline constexpr int32_t kCpu = 3;" in client
    spec = (tmp_path / "gen" / "system.spec").read_bytes()
    assert len(spec) > 1001 * 64  # a record per component, at least


def chain(n, cycle):
    """c0 uses c1 uses ... c<n-1>, priorities rising along it; with `cycle`, the last uses c0.
    Neighbours provide interfaces a and b in turn (a component cannot use what it provides)."""
    lines = ["system: chain\ncomponents:\n"]
    for i in range(n):
        mine, next_one = ("a", "b") if i % 2 == 0 else ("b", "a")
        uses = f", uses: [{{interface: {next_one}, from: c{i + 1}}}]" if i + 1 < n else (
            f", uses: [{{interface: {next_one}, from: c0, allow_inversion: true}}]" if cycle else "")
        lines.append(f"  c{i}: {{source: ., priority: {min(i // 8, 255)}, provides: [{mine}]{uses}}}\n")
    return "".join(lines)


def test_a_chain_of_2000_uses_is_checked_without_recursion(tmp_path):
    os.makedirs(tmp_path / "interfaces")
    for name in "ab":
        (tmp_path / "interfaces" / f"{name}.yaml").write_text(f"interface: {name}\nmethods:\n  m: {{in: {{}}, out: {{}}}}\n")
    path = tmp_path / "system.yaml"
    path.write_text(chain(2000, cycle=False))
    r = run_gen("check", str(path))
    assert r.code == 0, r.err
    path.write_text(chain(2000, cycle=True))
    r = run_gen("check", str(path))
    assert r.code == 1
    assert "uses form a cycle" in r.err and "c0 -> c1 -> c2" in r.err and "c1999 -> c0" in r.err
