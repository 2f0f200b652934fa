# Tests run by `tessera test` through ctest: host doctest, generator tests, QEMU system tests.
find_path(DOCTEST_INCLUDE_DIR doctest/doctest.h REQUIRED)

# Interface headers for every interface file, for the loopback tests of the stubs.
file(GLOB TESSERA_INTERFACE_FILES CONFIGURE_DEPENDS
  ${CMAKE_SOURCE_DIR}/interfaces/*.yaml ${CMAKE_SOURCE_DIR}/tests/codegen/interfaces/*.yaml)
set(HOST_GEN ${CMAKE_BINARY_DIR}/host-gen)
add_custom_command(
  OUTPUT ${HOST_GEN}/interfaces.stamp
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
tessera_qemu_test(qemu_fastpath_hostile fastpath ${CMAKE_SOURCE_DIR}/tests/qemu/fastpath.expect --smp 3)
tessera_qemu_test(qemu_fuzz fuzz ${CMAKE_SOURCE_DIR}/tests/qemu/fuzz.expect --smp 4)
tessera_qemu_test(qemu_races races ${CMAKE_SOURCE_DIR}/tests/qemu/races.expect --smp 4)
foreach(n 1 2 4 8)
  tessera_qemu_test(qemu_smp_${n} smp${n} ${CMAKE_SOURCE_DIR}/tests/qemu/smp${n}.expect --smp ${n})
endforeach()
tessera_qemu_test(qemu_cross_cpu_stress stress ${CMAKE_SOURCE_DIR}/tests/qemu/stress.expect --smp 4)
tessera_qemu_test(qemu_scheduling sched ${CMAKE_SOURCE_DIR}/tests/qemu/sched.expect --smp 2 --icount)
