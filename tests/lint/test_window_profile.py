"""build-tools/window_profile.py on a trace written as its plugin writes one, and the plugin
itself, which must build with the host's compiler."""
import os
import subprocess
import sys

TOOLS = os.path.join(os.path.dirname(__file__), "..", "..", "build-tools")
sys.path.insert(0, TOOLS)
import window_profile  # noqa: E402

KERNEL = ([0xFFFFFFFF80100000, 0xFFFFFFFF80100040], ["syscall_entry", "idle_wake"])
CLIENT = ([0x400000, 0x400100], ["main", "ping"])


def test_windows_are_split_and_only_whole_ones_kept():
    lines = ["W 7", "0 400104", "0 ffffffff80100000", "E", "W 8", "0 400104", "1 400000", "E", "W 9", "0 400104"]
    windows = window_profile.read_windows(lines)
    assert windows == [[(0, 0x400104), (0, 0xFFFFFFFF80100000)], [(0, 0x400104), (1, 0x400000)]]


def test_summary_names_each_cpu_by_its_own_elf_and_the_kernel():
    window = [(0, 0x400104), (0, 0x400108), (0, 0xFFFFFFFF80100004), (1, 0xFFFFFFFF80100044), (1, 0x400010),
              (0, 0xFFFFFFFF80100048)]
    totals, per, runs = window_profile.summarize(window, KERNEL, {0: CLIENT})
    assert totals == {0: 4, 1: 2}
    assert per[(0, "u:ping")] == 2
    assert per[(0, "k:syscall_entry")] == 1
    assert per[(0, "k:idle_wake")] == 1
    assert per[(1, "k:idle_wake")] == 1
    assert per[(1, "u:?")] == 1  # no ELF given for CPU 1
    assert runs == [(0, "u:ping", 2), (0, "k:syscall_entry", 1), (1, "k:idle_wake", 1), (1, "u:?", 1),
                    (0, "k:idle_wake", 1)]


def test_plugin_builds(tmp_path):
    out = tmp_path / "p.so"
    r = subprocess.run(["gcc", "-O2", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC", "-fvisibility=hidden", "-o",
                        str(out), os.path.join(TOOLS, "window_profile.c")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    symbols = subprocess.run(["nm", "-D", "--defined-only", str(out)], capture_output=True, text=True).stdout
    assert "qemu_plugin_install" in symbols and "qemu_plugin_version" in symbols
