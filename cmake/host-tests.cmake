# Tests run by `tessera test` through ctest: host doctest, generator tests, QEMU system tests.
find_path(DOCTEST_INCLUDE_DIR doctest/doctest.h REQUIRED)

# Interface headers for every interface file, for the loopback tests of the stubs.
file(GLOB TESSERA_INTERFACE_FILES CONFIGURE_DEPENDS
  ${CMAKE_SOURCE_DIR}/interfaces/*.yaml ${CMAKE_SOURCE_DIR}/tests/codegen/interfaces/*.yaml)
set(HOST_GEN ${CMAKE_BINARY_DIR}/host-gen)
# Each interface file NAME.yaml gives interfaces/NAME.h. Named as byproducts so that ninja sees
# them change in the same run that regenerates them, and rebuilds the tests that include them.
set(HOST_GEN_HEADERS)
foreach(file ${TESSERA_INTERFACE_FILES})
  get_filename_component(stem ${file} NAME_WE)
  list(APPEND HOST_GEN_HEADERS ${HOST_GEN}/interfaces/${stem}.h)
endforeach()
add_custom_command(
  OUTPUT ${HOST_GEN}/interfaces.stamp
  BYPRODUCTS ${HOST_GEN_HEADERS}
  COMMAND ${TESSERA_PYTHON} ${TESSERA_GEN} interfaces ${TESSERA_INTERFACE_FILES} --out ${HOST_GEN}
  COMMAND ${CMAKE_COMMAND} -E touch ${HOST_GEN}/interfaces.stamp
  DEPENDS ${TESSERA_INTERFACE_FILES} ${TESSERA_GENERATOR_FILES}
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
  COMMENT "Generating interface headers for host tests")
add_custom_target(host_gen DEPENDS ${HOST_GEN}/interfaces.stamp)

set(TESSERA_HOST_COMPONENT_SOURCES ${CMAKE_SOURCE_DIR}/components/runtime/heap.cpp)
file(GLOB HOST_TEST_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/host/*.cpp)
file(GLOB KERNEL_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/kernel/*.cpp)
# The platform's firmware parsers are portable: they read bytes, so they are tested on dumps.
set(PLATFORM_PARSER_SOURCES
  ${CMAKE_SOURCE_DIR}/platform/x86_64/acpi.cpp ${CMAKE_SOURCE_DIR}/platform/x86_64/multiboot2.cpp)
include(${CMAKE_CURRENT_LIST_DIR}/warnings.cmake)

# tessera_host_tests(NAME [FLAGS...]): the doctest binary over the kernel's real sources, the
# tests and the fake platform, with the target's warnings; FLAGS go to compiler and linker.
# tests/host/include comes first: its arch/ headers stand in for the platform's.
function(tessera_host_tests name)
  add_executable(${name} ${HOST_TEST_SOURCES} ${KERNEL_SOURCES} ${PLATFORM_PARSER_SOURCES}
    ${TESSERA_HOST_COMPONENT_SOURCES})
  add_dependencies(${name} host_gen abi_headers)
  target_include_directories(${name} PRIVATE
    ${CMAKE_SOURCE_DIR}/tests/host/include ${CMAKE_SOURCE_DIR} ${TESSERA_ABI_DIR} ${CMAKE_SOURCE_DIR}/kernel/include
    ${CMAKE_SOURCE_DIR}/components/runtime/include ${HOST_GEN} ${DOCTEST_INCLUDE_DIR})
  target_compile_options(${name} PRIVATE ${TESSERA_WARNING_FLAGS} ${ARGN})
  target_link_options(${name} PRIVATE ${ARGN})
endfunction()

tessera_host_tests(host_tests)
add_test(NAME host_doctest COMMAND host_tests)

# The same tests under AddressSanitizer and UndefinedBehaviorSanitizer: the first finding
# ends the run with an error (no recovery), leaks included.
tessera_host_tests(host_tests_sanitized
  -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all)
add_test(NAME host_doctest_sanitized COMMAND host_tests_sanitized)
set_tests_properties(host_doctest_sanitized PROPERTIES ENVIRONMENT
  "ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1;UBSAN_OPTIONS=print_stacktrace=1")

# Every C/C++ source laid out as .clang-format says (clang-format --dry-run --Werror).
add_test(NAME format_check COMMAND ${CMAKE_SOURCE_DIR}/build-tools/tessera format --check)

# Portable kernel files name no x86 register (the platform's arch/ headers map ABI roles).
add_test(NAME lint_portable_names
  COMMAND ${TESSERA_PYTHON} ${CMAKE_SOURCE_DIR}/tests/lint/portable_names.py ${CMAKE_SOURCE_DIR})

add_test(NAME codegen_pytest
  COMMAND ${TESSERA_PYTHON} -m pytest -q -p no:cacheprovider ${CMAKE_SOURCE_DIR}/tests/codegen
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})

# QEMU system tests: boot an ISO, check the exit status and the serial output.
function(tessera_qemu_test name system expect)
  add_test(NAME ${name}
    COMMAND ${TESSERA_PYTHON} ${CMAKE_SOURCE_DIR}/tests/qemu/boot_test.py
      --iso ${TESSERA_SYSTEM_${system}_OUT}/tessera.iso --expect ${expect} ${ARGN})
  set_tests_properties(${name} PROPERTIES TIMEOUT 600)
endfunction()
tessera_qemu_test(qemu_default_system default ${CMAKE_SOURCE_DIR}/tests/qemu/default.expect
  --input "hello from the host" --input-after "console: listening for serial input")
tessera_qemu_test(qemu_fault_isolation faults ${CMAKE_SOURCE_DIR}/tests/qemu/faults.expect)
tessera_qemu_test(qemu_restart restart ${CMAKE_SOURCE_DIR}/tests/qemu/restart.expect)
tessera_qemu_test(qemu_manual_start manual ${CMAKE_SOURCE_DIR}/tests/qemu/manual.expect)
tessera_qemu_test(qemu_restart_smp restart_smp ${CMAKE_SOURCE_DIR}/tests/qemu/restart_smp.expect --smp 4)
tessera_qemu_test(qemu_cow_smp cow_smp ${CMAKE_SOURCE_DIR}/tests/qemu/cow_smp.expect --smp 2)
tessera_qemu_test(qemu_capabilities caps ${CMAKE_SOURCE_DIR}/tests/qemu/caps.expect --smp 2)
tessera_qemu_test(qemu_tlb_shootdown tlb ${CMAKE_SOURCE_DIR}/tests/qemu/tlb.expect --smp 2)
tessera_qemu_test(qemu_hostile hostile ${CMAKE_SOURCE_DIR}/tests/qemu/hostile.expect --smp 3)
# The same attacks on a CPU without SMEP, SMAP or UMIP: the paths those features decide.
tessera_qemu_test(qemu_hostile_plain_cpu hostile ${CMAKE_SOURCE_DIR}/tests/qemu/hostile.expect --smp 3 -- -cpu qemu64)
# Callers that abuse the IPC fastpath: registers, flags, selectors, the FS base, restarts.
tessera_qemu_test(qemu_fastpath_hostile fastpath ${CMAKE_SOURCE_DIR}/tests/qemu/fastpath.expect --smp 4)
tessera_qemu_test(qemu_fuzz fuzz ${CMAKE_SOURCE_DIR}/tests/qemu/fuzz.expect --smp 4)
tessera_qemu_test(qemu_races races ${CMAKE_SOURCE_DIR}/tests/qemu/races.expect --smp 4)
foreach(n 1 2 4 8)
  tessera_qemu_test(qemu_smp_${n} smp${n} ${CMAKE_SOURCE_DIR}/tests/qemu/smp${n}.expect --smp ${n})
endforeach()
# Beyond 8 CPUs, q35: 16 CPUs whose APIC IDs have gaps (6 cores a socket take 8 IDs), with 8
# more the MADT lists as possible but not present; and 32 CPUs.
tessera_qemu_test(qemu_smp_16 smp16 ${CMAKE_SOURCE_DIR}/tests/qemu/smp16.expect
  --smp cpus=16,sockets=4,cores=6,maxcpus=24)
tessera_qemu_test(qemu_smp_32 smp32 ${CMAKE_SOURCE_DIR}/tests/qemu/smp32.expect --smp 32)
# 1,001 components: 500 server/client pairs over 4 CPUs and a judge (tests/systems/scale).
tessera_qemu_test(qemu_scale_1000 scale ${CMAKE_SOURCE_DIR}/tests/qemu/scale.expect --smp 4)
tessera_qemu_test(qemu_cross_cpu_stress stress ${CMAKE_SOURCE_DIR}/tests/qemu/stress.expect --smp 4)
tessera_qemu_test(qemu_scheduling sched ${CMAKE_SOURCE_DIR}/tests/qemu/sched.expect --smp 2 --icount)
# The bench systems run every benchmark to its end and print each line (no figure is checked).
tessera_qemu_test(qemu_bench bench ${CMAKE_SOURCE_DIR}/tests/qemu/bench.expect --smp 2)
tessera_qemu_test(qemu_bench_transfer bench_transfer ${CMAKE_SOURCE_DIR}/tests/qemu/bench_transfer.expect --smp 2)
# The same-CPU window's user instructions, counted from the disassembly, agree with QEMU
# single-stepping it; the count refuses an ELF without the window's labels.
add_test(NAME bench_user_insns
  COMMAND ${TESSERA_PYTHON} ${CMAKE_SOURCE_DIR}/tests/qemu/bench_user_insns_test.py
    --iso ${TESSERA_SYSTEM_bench_OUT}/tessera.iso --elf-dir ${TESSERA_TARGET_DIR}/systems/bench)
set_tests_properties(bench_user_insns PROPERTIES TIMEOUT 600)

# The kernel's deepest stack, from its call graph (-fcallgraph-info=su, cmake/target-flags.cmake):
# every way onto a thread's kernel stack, with a kernel fault taken at its deepest point on
# top, fits in kKernelStackBytes less the end marker (kernel/kernel_stack.h). The stubs'
# bytes: syscall_entry.S pushes a SyscallFrame (128), exception_entry.S an InterruptFrame
# (176); an interrupt in the idle loop lands on its frame and idle_halt's return address (8),
# and so does the reschedule stub's call in the idle halt, after the 5 words the CPU pushed and
# 8 for alignment (48); switch_context pushes 6 registers.
file(STRINGS ${CMAKE_SOURCE_DIR}/kernel/kernel_stack.h stack_bytes REGEX "kKernelStackBytes = [0-9]+")
string(REGEX REPLACE ".*kKernelStackBytes = ([0-9]+).*" "\\1" stack_bytes "${stack_bytes}")
file(STRINGS ${CMAKE_SOURCE_DIR}/kernel/kernel_stack.h end_bytes REGEX "kStackEndBytes = [0-9]+")
string(REGEX REPLACE ".*kStackEndBytes = ([0-9]+).*" "\\1" end_bytes "${end_bytes}")
math(EXPR stack_limit "${stack_bytes} - ${end_bytes}")
add_test(NAME kernel_stack_depth
  COMMAND ${TESSERA_PYTHON} ${CMAKE_SOURCE_DIR}/build-tools/stack_depth.py ${TESSERA_TARGET_DIR}/kernel
    ${TESSERA_TARGET_DIR}/platform
    --entry syscall_dispatch=128 --entry syscall_fastpath=128 --entry syscall_fastpath_second_try=128
    --entry exception_dispatch=176 --entry thread_first_run=128 --entry syscall_bad_return=128
    --entry "idle_loop>exception_dispatch=184" --entry "idle_loop>reschedule_in_idle=56"
    --indirect "map_page=pool_alloc,no_tables,boot_table" --asm switch_context=48 --asm switch_context_away=0
    --asm start_first=0
    --asm start_kernel_thread_afresh=0
    --nested "exception_dispatch>kernel_exception=176" --limit ${stack_limit})
# The build tools' own tests (stack_depth.py, pack_image.py).
add_test(NAME build_tools_pytest
  COMMAND ${TESSERA_PYTHON} -m pytest -q -p no:cacheprovider ${CMAKE_SOURCE_DIR}/tests/lint)
