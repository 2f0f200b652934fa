"""The generator's limits are the kernel's: what it accepts, the kernel's spec check accepts."""
import os
import re
import sys

from conftest import REPO, run_gen

sys.path.insert(0, os.path.join(REPO, "codegen"))

from tessera_codegen import system  # noqa: E402

PAGE = 4096


def constants(tmp_path, header):
    """`inline constexpr <type> kName = <int>;` of a generated ABI header, by name."""
    out = tmp_path / "abi"
    if not out.exists():
        assert run_gen("abi", "--out", str(out)).code == 0
    text = (out / "tessera" / header).read_text(encoding="utf-8")
    return {m.group(1): int(m.group(2).replace("'", ""), 0)
            for m in re.finditer(r"inline constexpr \w+ (k\w+) = ([0-9x'a-fA-F]+);", text)}


def test_limits_equal_the_kernels(tmp_path):
    # The headers the kernel compiles against and the numbers the generator checks with.
    spec = constants(tmp_path, "spec_format.h")
    abi = constants(tmp_path, "abi.h")
    assert system.MAX_STACK == spec["kMaxStackPages"] * PAGE
    assert system.MAX_MEMORY == spec["kMaxHeapPages"] * PAGE
    assert system.MAX_CAP_SLOTS == spec["kMaxCapSlots"]
    assert system.MAX_FREE_SLOTS == spec["kMaxFreeSlots"] < system.MAX_CAP_SLOTS  # room for the granted caps
    assert system.MAX_REGION == spec["kMaxRegionPages"] * PAGE
    assert system.MAX_MAP_QUOTA == spec["kMaxMapPages"] * PAGE
    assert system.MAX_THREADS == spec["kMaxThreadsPerComponent"]
    assert system.MAX_IRQ_LINE == spec["kMaxIrqLines"] - 1
    assert system.MAX_DEVICE_IRQS == spec["kMaxIrqs"]
    assert system.MAX_SIGNALLERS == spec["kMaxSignallers"]
    assert system.MAX_PRIORITY == spec["kMaxPriority"]
    assert system.MAX_CPUS == abi["kMaxCpus"]
    assert system.PAGE == abi["kPageSize"]


def many_notifications(tmp_path, count):
    """`a` waits on `count` notifications that `b` signals, with the most free_slots."""
    (tmp_path / "src").mkdir(exist_ok=True)
    lines = ["system: slots", "components:",
             f"  a: {{source: src, priority: 1, free_slots: {system.MAX_FREE_SLOTS}}}",
             "  b: {source: src, priority: 1}", "notifications:"]
    lines += [f"  n{i}: {{wait: a, signal: [b]}}" for i in range(count)]
    path = tmp_path / f"slots{count}.yaml"
    path.write_text("\n".join(lines) + "\n")
    return run_gen("check", path.name, cwd=str(tmp_path))


def test_a_cap_table_at_the_limit_is_accepted(tmp_path):
    # Slot 0 is empty: 1 + granted + free_slots == MAX_CAP_SLOTS.
    r = many_notifications(tmp_path, system.MAX_CAP_SLOTS - system.MAX_FREE_SLOTS - 1)
    assert (r.code, r.err) == (0, "")


def test_a_cap_table_beyond_the_limit_is_refused(tmp_path):
    granted = system.MAX_CAP_SLOTS - system.MAX_FREE_SLOTS
    r = many_notifications(tmp_path, granted)
    assert r.code == 1
    assert r.err_lines == [f"slots{granted}.yaml:3:6: error: component 'a' needs {system.MAX_CAP_SLOTS + 1} cap "
                           f"slots ({granted + 1} for its caps and free_slots: {system.MAX_FREE_SLOTS}), "
                           f"more than the kernel's {system.MAX_CAP_SLOTS}"]
