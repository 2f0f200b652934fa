"""Good descriptions generate, reruns are byte-identical, and the artefacts say what they must."""
import glob
import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import GEN, REPO, SUPERVISED, run_gen, write_system

SYSTEMS = {
    "default": ("system.yaml", ["console", "kv", "app"], ["console", "kv"]),
    "bench": ("tests/systems/bench/system.yaml",
              ["bench_server", "bench_remote", "bench_client", "bench_phoenix", "bench_waiter"], ["ping", "pong"]),
    "bench_transfer": ("tests/systems/bench_transfer/system.yaml", ["bench_echo", "bench_cap_sink", "bench_transfer"],
                       ["echo", "cap_sink"]),
    "faults": ("tests/systems/faults/system.yaml", ["echo", "crasher", "porter", "checker"], ["echo"]),
    # The server names no supervisor: the built-in one is added, last.
    "restart": ("tests/systems/restart/system.yaml", ["server", "client", "supervisor"], ["crashy"]),
}


def tree(root):
    out = {}
    for dirpath, _, files in os.walk(root):
        for name in files:
            p = os.path.join(dirpath, name)
            with open(p, "rb") as f:
                out[os.path.relpath(p, root)] = f.read()
    return out


@pytest.mark.parametrize("system", sorted(SYSTEMS))
def test_check_passes_silently(system):
    r = run_gen("check", SYSTEMS[system][0])
    assert (r.code, r.out, r.err) == (0, "", "")


@pytest.mark.parametrize("system", sorted(SYSTEMS))
def test_gen_writes_every_artefact(system, tmp_path):
    yaml, comps, ifcs = SYSTEMS[system]
    r = run_gen("gen", yaml, "--out", str(tmp_path))
    assert (r.code, r.out, r.err) == (0, "", "")
    expected = {"system.spec", "system.dot", "components.cmake", "system.manifest"}
    expected |= {f"{c}/component.h" for c in comps} | {f"interfaces/{i}.h" for i in ifcs}
    files = tree(tmp_path)
    assert set(files) == expected
    for name, data in files.items():
        if name == "system.spec":
            continue
        text = data.decode()
        first = text.splitlines()[0]
        assert first.startswith(("// Generated from ", "# Generated from ")), name
        assert first.endswith("by codegen/tessera-gen.py. Do not edit."), name
        if name.endswith(".h"):
            assert REPO not in text and str(tmp_path) not in text, name
    assert files[f"{comps[0]}/component.h"].decode().startswith(
        f"// Generated from {yaml} (component {comps[0]}) by codegen/tessera-gen.py. Do not edit.\n")
    for i in ifcs:
        assert files[f"interfaces/{i}.h"].decode().splitlines()[0].startswith("// Generated from ")
    # The image packer's list: the components in spec order, after two comment lines.
    assert files["system.manifest"].decode().splitlines()[2:] == comps


@pytest.mark.parametrize("system", sorted(SYSTEMS))
def test_reruns_are_byte_identical_and_do_not_touch_files(system, tmp_path):
    yaml = SYSTEMS[system][0]
    a, b = tmp_path / "a", tmp_path / "b"
    assert run_gen("gen", yaml, "--out", str(a)).code == 0
    # From another working directory, with an absolute path: the same bytes.
    assert run_gen("gen", os.path.join(REPO, yaml), "--out", str(b), cwd=str(tmp_path)).code == 0
    assert tree(a) == tree(b)
    stamps = {p: os.stat(p).st_mtime_ns for p in glob.glob(str(a / "**" / "*"), recursive=True)}
    for p in stamps:
        os.utime(p, ns=(1, 1))
    assert run_gen("gen", yaml, "--out", str(a)).code == 0
    for p in stamps:
        assert os.stat(p).st_mtime_ns == 1, f"{p} was rewritten"


def test_changed_content_is_rewritten(tmp_path):
    assert run_gen("gen", "system.yaml", "--out", str(tmp_path)).code == 0
    victim = tmp_path / "kv" / "component.h"
    victim.write_text("stale")
    assert run_gen("gen", "system.yaml", "--out", str(tmp_path)).code == 0
    assert victim.read_text().startswith("// Generated from system.yaml (component kv)")


def test_default_component_headers(tmp_path):
    assert run_gen("gen", "system.yaml", "--out", str(tmp_path)).code == 0
    app = (tmp_path / "app" / "component.h").read_text()
    assert "#include <tessera/runtime.h>" in app
    assert "inline constexpr uint32_t kKv = 1;" in app
    assert "inline constexpr uint32_t kConsole = 2;" in app
    assert "kEndpoint" not in app and "serve(" not in app
    assert "::tessera::interfaces::kv::Client<::tessera::KernelTransport> kv_client()" in app
    assert 'inline constexpr const char* kName = "app";' in app
    assert "inline constexpr uint32_t kPriority = 100;" in app
    kv = (tmp_path / "kv" / "component.h").read_text()
    assert "inline constexpr uint32_t kEndpoint = 1;" in kv
    assert "inline constexpr uint32_t kConsole = 2;" in kv
    assert "[[noreturn]] void serve(Impl& impl)" in kv
    assert "::tessera::interfaces::kv::Server<Impl>::handles(label)" in kv
    assert "::tessera::sys::reply_recv(caps::kEndpoint, msg)" in kv


def test_supervision_headers(tmp_path):
    assert run_gen("gen", write_system(tmp_path, SUPERVISED), "--out", str(tmp_path / "out")).code == 0
    out = tmp_path / "out"
    boss = (out / "boss" / "component.h").read_text()
    assert "#include <tessera/supervision.h>\n" in boss
    assert "inline constexpr uint32_t kFaultEndpoint = 4;" in boss
    assert "inline constexpr uint32_t kControlW1 = 5;" in boss and "inline constexpr uint32_t kControlW2 = 6;" in boss
    assert ("namespace supervision {\ninline constexpr ::tessera::SupervisedComponent kSupervised[] = {\n"
            '    {"w1", 2, caps::kControlW1, ::tessera::RestartPolicy::kAlways, 5, 0, false},\n'
            '    {"w2", 3, caps::kControlW2, ::tessera::RestartPolicy::kNever, 5, 2000, true},\n'
            "};\ninline constexpr uint32_t kSupervisedCount = 2;\n"
            "static_assert(sizeof(kSupervised) / sizeof(kSupervised[0]) == kSupervisedCount);\n"
            "}  // namespace supervision\n") in boss
    assert "kRestart" not in boss and "kSupervisor " not in boss  # boss itself is not supervised
    builtin = (out / "supervisor" / "component.h").read_text()
    assert builtin.startswith("// Generated from s.yaml (component supervisor) by codegen/tessera-gen.py. Do not "
                              "edit.\n// Component `supervisor` of system `sup`: its cap slots, the table of the "
                              "components it supervises.\n")
    assert "inline constexpr uint32_t kPriority = 201;" in builtin and "inline constexpr int32_t kCpu = -1;" in builtin
    assert '    {"srv", 0, caps::kControlSrv, ::tessera::RestartPolicy::kOnFailure, 3, 10, false},\n' in builtin
    assert '    {"late", 4, caps::kControlLate, ::tessera::RestartPolicy::kNever, 5, 0, true},\n' in builtin
    w2 = (out / "w2" / "component.h").read_text()
    assert ('inline constexpr const char* kSupervisor = "boss";\n'
            "inline constexpr ::tessera::RestartPolicy kRestart = ::tessera::RestartPolicy::kNever;\n"
            "inline constexpr uint32_t kRestartLimit = 5;\n") in w2
    assert "inline constexpr bool kStartManual = true;\n" in w2
    srv = (out / "srv" / "component.h").read_text()
    assert 'kSupervisor = "supervisor";' in srv and "kRestart = ::tessera::RestartPolicy::kOnFailure;" in srv
    assert "kRestartLimit = 3;" in srv and "kStartManual = false;" in srv
    assert "supervision.h" not in srv and "namespace supervision" not in srv
    free = (out / "free" / "component.h").read_text()
    assert "kRestart" not in free and "kSupervisor" not in free and "supervision" not in free


def test_no_blank_lines_doubled_without_interfaces(tmp_path):
    assert run_gen("gen", "tests/systems/faults/system.yaml", "--out", str(tmp_path)).code == 0
    assert "#include <tessera/spec_format.h>\n\nnamespace crasher {\n" in (
        tmp_path / "crasher" / "component.h").read_text()


def test_components_cmake(tmp_path):
    assert run_gen("gen", "tests/systems/bench/system.yaml", "--out", str(tmp_path)).code == 0
    text = (tmp_path / "components.cmake").read_text()
    assert "set(TESSERA_COMPONENTS bench_server bench_remote bench_client bench_phoenix bench_waiter)\n" in text
    src = os.path.join(REPO, "components", "bench_server")
    assert f'set(TESSERA_COMPONENT_bench_server_SOURCE "{src}")\n' in text


def test_interface_header_contents(tmp_path):
    r = run_gen("interfaces", "interfaces/kv.yaml", "tests/codegen/interfaces/types.yaml", "--out", str(tmp_path))
    assert (r.code, r.err) == (0, "")
    assert sorted(os.listdir(tmp_path / "interfaces")) == ["kv.h", "types.h"]
    assert os.listdir(tmp_path) == ["interfaces"]
    kv = (tmp_path / "interfaces" / "kv.h").read_text()
    assert kv.startswith("// Generated from interfaces/kv.yaml by codegen/tessera-gen.py. Do not edit.\n")
    assert "namespace tessera::interfaces::kv {" in kv
    assert "inline constexpr uint16_t kInterfaceId = 0x44a9;" in kv
    assert "  kNotFound = 1,\n  kInvalidKey = 2,\n  kFull = 3,\n" in kv
    assert "enum class Stat : uint32_t {\n  kPuts = 0,\n  kGets = 1,\n  kMisses = 2,\n};" in kv
    assert "inline constexpr uint32_t kLabelGet = 0x44a90002;" in kv
    assert "Outcome<uint64_t, Error> get(uint64_t key) {" in kv
    assert "Outcome<void, Error> put(uint64_t key, uint64_t value) {" in kv
    assert "Outcome<uint64_t, Error> stat(Stat which) {" in kv
    assert "runtime.h" not in kv
    types = (tmp_path / "interfaces" / "types.h").read_text()
    assert "struct SplitResult {\n  uint32_t high{};\n  uint32_t low{};\n  int8_t negative{};\n" in types
    assert "Outcome<Bytes<40>, Error> echo_text(const Bytes<40>& text) {" in types
    assert "Outcome<SplitResult, Error> split(uint64_t value) {" in types


def test_graph(tmp_path):
    out = tmp_path / "g.dot"
    r = run_gen("graph", "system.yaml", "--out", str(out))
    assert (r.code, r.out, r.err) == (0, "", "")
    text = out.read_text()
    assert text.startswith("// Generated from system.yaml by codegen/tessera-gen.py. Do not edit.\n")
    assert '"console" [label="console\\npriority 200, cpu 0\\nirqs 4"];' in text
    assert '"app" -> "kv" [label="kv"];' in text
    assert '"app" -> "console" [label="console"];' in text
    assert '"kv" -> "console" [label="console"];' in text
    # The notification, dashed from signaller to waiter; the region, joined to who maps it.
    assert '"console" -> "app" [label="input", style=dashed];' in text
    assert '"memory stats" [label="stats\\n4K", shape=folder];' in text
    assert '"memory stats" -> "kv" [label="rw", arrowhead=none, style=dotted];' in text
    assert text.count("->") == 5
    assert "supervis" not in text  # nothing is supervised: no supervisor, no legend line
    gen_dir = tmp_path / "gen"
    assert run_gen("gen", "system.yaml", "--out", str(gen_dir)).code == 0
    assert (gen_dir / "system.dot").read_text() == text


def test_graph_of_supervision(tmp_path):
    out = tmp_path / "g.dot"
    assert run_gen("graph", "tests/systems/restart/system.yaml", "--out", str(out)).code == 0
    text = out.read_text()
    assert "// A dashed arrow with an empty head goes from a supervisor to each component it supervises.\n" in text
    assert '"supervisor" [label="supervisor\\npriority 151, cpu any\\nbuilt-in"];' in text
    assert '"supervisor" -> "server" [label="supervises", style=dashed, arrowhead=empty];' in text
    assert '"client" -> "server" [label="crashy"];' in text
    assert text.count("->") == 2


def test_graph_unpinned_is_any(tmp_path):
    (tmp_path / "s.yaml").write_text("system: x\ncomponents:\n  a: {source: ., priority: 3}\n")
    assert run_gen("graph", "s.yaml", "--out", "g.dot", cwd=str(tmp_path)).code == 0
    assert '"a" [label="a\\npriority 3, cpu any"];' in (tmp_path / "g.dot").read_text()


@pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz not installed")
def test_graph_is_valid_dot(tmp_path):
    out = tmp_path / "g.dot"
    assert run_gen("graph", "system.yaml", "--out", str(out)).code == 0
    subprocess.run(["dot", "-Tsvg", str(out), "-o", str(tmp_path / "g.svg")], check=True)


def test_depfile(tmp_path):
    out = tmp_path / "gen"
    dep = tmp_path / "system.d"
    r = run_gen("gen", "tests/systems/faults/system.yaml", "--out", str(out), "--depfile", str(dep))
    assert r.code == 0
    text = dep.read_text()
    target, _, rest = text.partition(":")
    assert target == os.path.join(str(out), "system.spec")
    deps = [d.strip() for d in rest.replace("\\\n", " ").split()]
    assert deps[0] == os.path.join(REPO, "tests/systems/faults/system.yaml")
    assert os.path.join(REPO, "tests/systems/faults/interfaces/echo.yaml") in deps
    assert GEN in deps
    for mod in ("cli.py", "system.py", "interfaces.py", "yamlload.py", "spec.py", "emit.py"):
        assert os.path.join(REPO, "codegen", "tessera_codegen", mod) in deps
    for t in ("interface.h.j2", "component.h.j2", "components.cmake.j2", "system.dot.j2"):
        assert os.path.join(REPO, "codegen", "templates", t) in deps
    assert all(os.path.isfile(d) for d in deps)


CXX = shutil.which("g++")


def write_fake_runtime(fake):
    """tessera/runtime.h with only what generated headers call, so they compile on the host."""
    fake.mkdir(parents=True, exist_ok=True)
    (fake / "runtime.h").write_text(
        "#pragma once\n#include <tessera/message.h>\n#include <tessera/outcome.h>\n#include <tessera/bytes.h>\n"
        "namespace tessera {\nnamespace sys {\nStatus recv(uint32_t, Message&);\n"
        "Status reply_recv(uint32_t, Message&);\nStatus call(uint32_t, Message&);\nMessage& message();\n"
        "void receive_into_free(uint32_t, uint32_t, unsigned);\nStatus cap_delete(uint32_t);\n}\n"
        "struct KernelTransport { Status call(uint32_t s, Message& m) { return sys::call(s, m); }\n"
        "  Message& message() { return sys::message(); }\n"
        "  void receive_into(const uint32_t*, unsigned) {} };\n"
        "KernelTransport& kernel_transport();\n}\n")


@pytest.mark.skipif(CXX is None, reason="no g++")
def test_generated_headers_compile_freestanding(tmp_path):
    gen = tmp_path / "gen"
    assert run_gen("gen", "system.yaml", "--out", str(gen)).code == 0
    assert run_gen("interfaces", "tests/codegen/interfaces/types.yaml", "--out", str(gen)).code == 0
    assert run_gen("abi", "--out", str(tmp_path / "abi")).code == 0
    write_fake_runtime(tmp_path / "fake" / "tessera")
    src = tmp_path / "use.cpp"
    src.write_text("""
#include "kv/component.h"
#include "app/component.h"
#include "console/component.h"
#include "interfaces/types.h"
namespace ifc = tessera::interfaces::kv;
struct Kv {
  tessera::Outcome<void, ifc::Error> put(uint64_t, uint64_t) { return ifc::Error::kFull; }
  tessera::Outcome<uint64_t, ifc::Error> get(uint64_t k) { return k; }
  tessera::Outcome<void, ifc::Error> remove(uint64_t) { return {}; }
  tessera::Outcome<bool, ifc::Error> contains(uint64_t) { return true; }
  tessera::Outcome<uint32_t, ifc::Error> count() { return 3u; }
  tessera::Outcome<uint64_t, ifc::Error> stat(ifc::Stat) { return uint64_t{1}; }
  tessera::Outcome<ifc::Counters, ifc::Error> counters() { return ifc::Counters{}; }
  tessera::Outcome<tessera::MemoryCap, ifc::Error> stats_region() { return tessera::MemoryCap{4}; }
};
void server() { Kv impl; kv::serve(impl); }
bool client() {
  auto c = app::console_client();
  auto kvc = app::kv_client();
  return c.write(tessera::Bytes<120>::from("hi")).ok() && kvc.get(1).ok();
}
template class tessera::interfaces::types::Client<tessera::KernelTransport>;
""")
    cmd = [CXX, "-std=c++20", "-ffreestanding", "-fno-exceptions", "-fno-rtti", "-mgeneral-regs-only", "-Wall",
           "-Wextra", "-Wshadow", "-Wconversion", "-Werror", f"-I{gen}", f"-I{tmp_path / 'fake'}",
           f"-I{tmp_path / 'abi'}", f"-I{os.path.join(REPO, 'kernel', 'include')}",
           f"-I{os.path.join(REPO, 'components', 'runtime', 'include')}", "-c", str(src), "-o",
           str(tmp_path / "use.o")]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr



@pytest.mark.skipif(CXX is None, reason="no g++")
@pytest.mark.parametrize("header,limit,value,include,message", [
    # console's table has 13 slots; the kernel here would take 8.
    ("spec_format.h", "kMaxCapSlots", "8", "console/component.h", "the kernel refuses a bigger cap table"),
    # A console request takes 16 words.
    ("abi.h", "kMaxMessageWords", "8", "interfaces/console.h", "kMaxRequestWords <="),
    # A types request carries two caps.
    ("abi.h", "kMaxMessageCaps", "1", "interfaces/types.h", "kMaxRequestCaps <="),
])
def test_generated_counts_are_checked_against_the_kernels(tmp_path, header, limit, value, include, message):
    """A kernel whose limits are below what the generator assumed fails the generated headers'
    static_asserts at compile time, instead of overrunning a table or a message at run time."""
    gen = tmp_path / "gen"
    assert run_gen("gen", "system.yaml", "--out", str(gen)).code == 0
    assert run_gen("interfaces", "tests/codegen/interfaces/types.yaml", "--out", str(gen)).code == 0
    assert run_gen("abi", "--out", str(tmp_path / "abi")).code == 0
    fake = tmp_path / "fake" / "tessera"
    write_fake_runtime(fake)
    with open(tmp_path / "abi" / "tessera" / header, encoding="utf-8") as f:
        text = f.read()
    lowered = re.sub(rf"({limit} = )[0-9]+;", rf"\g<1>{value};", text)
    assert lowered != text
    (fake / header).write_text(lowered)
    src = tmp_path / "use.cpp"
    src.write_text(f'#include "{include}"\n')
    cmd = [CXX, "-std=c++20", "-ffreestanding", "-fsyntax-only", f"-I{gen}", f"-I{tmp_path / 'fake'}",
           f"-I{tmp_path / 'abi'}", f"-I{os.path.join(REPO, 'kernel', 'include')}",
           f"-I{os.path.join(REPO, 'components', 'runtime', 'include')}", str(src)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode != 0
    assert "static assertion failed" in proc.stderr and message in proc.stderr, proc.stderr


@pytest.mark.skipif(CXX is None, reason="no g++")
def test_supervision_headers_compile_freestanding(tmp_path):
    """The restart system's headers with the runtime's real tessera/supervision.h: the table's
    entries are what SupervisedComponent holds, usable at compile time."""
    gen = tmp_path / "gen"
    assert run_gen("gen", "tests/systems/restart/system.yaml", "--out", str(gen)).code == 0
    assert run_gen("abi", "--out", str(tmp_path / "abi")).code == 0
    write_fake_runtime(tmp_path / "fake" / "tessera")
    src = tmp_path / "use.cpp"
    src.write_text("""
#include "supervisor/component.h"
#include "server/component.h"
#include "client/component.h"
namespace sv = supervisor::supervision;
static_assert(sv::kSupervisedCount == 1);
static_assert(sv::kSupervised[0].index == 0 && sv::kSupervised[0].control_slot == supervisor::caps::kControlServer);
static_assert(sv::kSupervised[0].restart == server::kRestart && sv::kSupervised[0].restart_limit == server::kRestartLimit);
static_assert(sv::kSupervised[0].backoff_ms == 10 && !sv::kSupervised[0].manual_start && !server::kStartManual);
static_assert(supervisor::caps::kFaultEndpoint == 1 && supervisor::kPriority == server::kPriority + 1);
bool report(const tessera::Message& m) {
  tessera::Ending ending;
  tessera::FaultReport r;
  return tessera::decode_fault_report(m, ending, r) && m.badge == sv::kSupervised[0].control_slot;
}
""")
    cmd = [CXX, "-std=c++20", "-ffreestanding", "-fno-exceptions", "-fno-rtti", "-mgeneral-regs-only", "-Wall",
           "-Wextra", "-Wshadow", "-Wconversion", "-Werror", f"-I{gen}", f"-I{tmp_path / 'fake'}",
           f"-I{tmp_path / 'abi'}", f"-I{os.path.join(REPO, 'kernel', 'include')}",
           f"-I{os.path.join(REPO, 'components', 'runtime', 'include')}", "-c", str(src), "-o",
           str(tmp_path / "use.o")]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
