"""build-tools/stack_depth.py on small call graphs written as GCC writes them."""
import os
import subprocess
import sys

TOOL = os.path.join(os.path.dirname(__file__), "..", "..", "build-tools", "stack_depth.py")


def node(title, name, size=None, quals="static"):
    frame = f"\\n{size} bytes ({quals})" if size is not None else ""
    return f'node: {{ title: "{title}" label: "{name}\\nfile.cpp:1:1{frame}" }}\n'


def edge(a, b):
    return f'edge: {{ sourcename: "{a}" targetname: "{b}" label: "file.cpp:2:2" }}\n'


def run(tmp_path, text, *args):
    (tmp_path / "a.ci").write_text('graph: { title: "file.cpp"\n' + text + "}\n")
    r = subprocess.run([sys.executable, TOOL, str(tmp_path), *args], capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


def test_deepest_chain_with_stub_and_nested_fault(tmp_path):
    g = (node("entry", "void entry()", 32) + node("a", "void a()", 100) + node("b", "void b()", 16) +
         node("fault", "void fault()", 40) + edge("entry", "a") + edge("entry", "b") + edge("a", "b"))
    rc, out = run(tmp_path, g, "--entry", "entry=96", "--nested", "fault=8", "--limit", "400")
    assert rc == 0, out
    # 96 + (32+8) + (100+8) + (16+8) = 268; the fault on top: 8 + 40 + 8 = 56
    assert "entry=96: 324 bytes" in out
    rc, out = run(tmp_path, g, "--entry", "entry=96", "--limit", "267")
    assert rc == 1 and "OVER" in out


def test_recursion_unresolved_indirect_calls_and_dynamic_frames_are_refused(tmp_path):
    rc, out = run(tmp_path, node("f", "void f()", 8) + edge("f", "f"), "--entry", "f=0")
    assert rc == 1 and "recursion" in out
    g = node("g", "void g()", 8) + node("__indirect_call", "Indirect Call Placeholder") + edge("g", "__indirect_call")
    rc, out = run(tmp_path, g, "--entry", "g=0")
    assert rc == 1 and "indirect call" in out
    rc, out = run(tmp_path, g + node("h", "void h()", 500), "--entry", "g=0", "--indirect", "g=h")
    assert rc == 0 and "g=0: 524 bytes" in out, out
    rc, out = run(tmp_path, node("d", "void d()", 64, "dynamic"), "--entry", "d=0")
    assert rc == 1 and "dynamic and unbounded" in out


def test_assembly_routines_need_their_pushes(tmp_path):
    g = node("s", "void s()", 16) + node("sw", "void sw()") + edge("s", "sw")
    rc, out = run(tmp_path, g, "--entry", "s=0")
    assert rc == 1 and "no frame size" in out
    rc, out = run(tmp_path, g, "--entry", "s=0", "--asm", "sw=48")
    assert rc == 0 and "s=0: 80 bytes" in out, out
