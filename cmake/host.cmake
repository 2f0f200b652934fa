# Host side of the build: the generator runs, the freestanding target build (ExternalProject),
# boot images and ISOs, host doctests, generator tests and QEMU system tests.
include(ExternalProject)

set(TESSERA_PYTHON "/usr/bin/python3" CACHE FILEPATH "Python 3 with jinja2 and yaml")
# The fuzz system's seed and number of calls (tessera fuzz sets them in a build of its own).
set(TESSERA_FUZZ_SEED 1 CACHE STRING "seed of the system-call fuzzer")
set(TESSERA_FUZZ_CALLS 100000 CACHE STRING "system calls the fuzzer makes")
set(TESSERA_GEN "${CMAKE_SOURCE_DIR}/codegen/tessera-gen.py")
set(TESSERA_TARGET_DIR "${CMAKE_BINARY_DIR}/target")
file(GLOB TESSERA_GENERATOR_FILES CONFIGURE_DEPENDS
  ${CMAKE_SOURCE_DIR}/codegen/*.py ${CMAKE_SOURCE_DIR}/codegen/*.yaml
  ${CMAKE_SOURCE_DIR}/codegen/tessera_codegen/*.py ${CMAKE_SOURCE_DIR}/codegen/templates/*)

# ---- the ABI headers: codegen/abi.yaml -> <build>/abi/tessera/{abi,spec_format}.h ---------
# On the include path of the host tests and (TESSERA_ABI_DIR) of the freestanding build. The
# generator rewrites a header only when its text changes, so the stamp is what ninja tracks.
set(TESSERA_ABI_DIR "${CMAKE_BINARY_DIR}/abi")
add_custom_command(
  OUTPUT ${TESSERA_ABI_DIR}/abi.stamp
  BYPRODUCTS ${TESSERA_ABI_DIR}/tessera/abi.h ${TESSERA_ABI_DIR}/tessera/spec_format.h
  COMMAND ${TESSERA_PYTHON} ${TESSERA_GEN} abi --out ${TESSERA_ABI_DIR}
  COMMAND ${CMAKE_COMMAND} -E touch ${TESSERA_ABI_DIR}/abi.stamp
  DEPENDS ${TESSERA_GENERATOR_FILES}
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
  COMMENT "Generating tessera/abi.h and tessera/spec_format.h from codegen/abi.yaml")
add_custom_target(abi_headers DEPENDS ${TESSERA_ABI_DIR}/abi.stamp)

# ---- systems: each is generated, its components built, and packed into an ISO -------------
set(TESSERA_SYSTEM_NAMES "")
set(TESSERA_SYSTEM_GEN_DIRS "")
set(TESSERA_SPECS "")

# tessera_system(NAME YAML OUT_DIR GEN_DIR): the generator step for one description.
function(tessera_system name yaml out_dir gen_dir)
  add_custom_command(
    OUTPUT ${gen_dir}/system.spec
    BYPRODUCTS ${gen_dir}/system.manifest
    COMMAND ${TESSERA_PYTHON} ${TESSERA_GEN} gen ${yaml} --out ${gen_dir} --depfile ${gen_dir}/system.d
    DEPENDS ${yaml}
    DEPFILE ${gen_dir}/system.d
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
    COMMENT "Generating ${name} from ${yaml}")
  add_custom_target(gen_${name} DEPENDS ${gen_dir}/system.spec)
  set(TESSERA_SYSTEM_NAMES ${TESSERA_SYSTEM_NAMES} ${name} PARENT_SCOPE)
  set(TESSERA_SYSTEM_GEN_DIRS ${TESSERA_SYSTEM_GEN_DIRS} ${gen_dir} PARENT_SCOPE)
  set(TESSERA_SYSTEM_${name}_OUT ${out_dir} PARENT_SCOPE)
  set(TESSERA_SYSTEM_${name}_GEN ${gen_dir} PARENT_SCOPE)
endfunction()

tessera_system(default ${TESSERA_SYSTEM} ${CMAKE_BINARY_DIR} ${CMAKE_BINARY_DIR}/gen)
foreach(extra bench bench_transfer faults caps tlb hostile fastpath fuzz races restart manual restart_smp cow_smp)
  tessera_system(${extra} ${CMAKE_SOURCE_DIR}/tests/systems/${extra}/system.yaml
                 ${CMAKE_BINARY_DIR}/systems/${extra} ${CMAKE_BINARY_DIR}/systems/${extra}/gen)
endforeach()
# The SMP and scheduling tests share their components: several descriptions in one folder.
foreach(extra smp1 smp2 smp4 smp8 smp16 smp32 stress sched)
  tessera_system(${extra} ${CMAKE_SOURCE_DIR}/tests/systems/smp/${extra}.yaml
                 ${CMAKE_BINARY_DIR}/systems/${extra} ${CMAKE_BINARY_DIR}/systems/${extra}/gen)
endforeach()

# The scale system: 1,001 components (tests/systems/scale), its description written by a
# script into the build tree, then generated and built like every other.
set(TESSERA_SCALE_PAIRS 500 CACHE STRING "server/client pairs of the scale system (ctest qemu_scale)")
set(TESSERA_SCALE_YAML ${CMAKE_BINARY_DIR}/systems/scale/system.yaml)
add_custom_command(
  OUTPUT ${TESSERA_SCALE_YAML}
  COMMAND ${TESSERA_PYTHON} ${CMAKE_SOURCE_DIR}/tests/systems/scale/make_system.py
    --pairs ${TESSERA_SCALE_PAIRS} --cpus 4 --out ${TESSERA_SCALE_YAML}
  DEPENDS ${CMAKE_SOURCE_DIR}/tests/systems/scale/make_system.py
  COMMENT "Writing the scale system's description (${TESSERA_SCALE_PAIRS} pairs)")
tessera_system(scale ${TESSERA_SCALE_YAML} ${CMAKE_BINARY_DIR}/systems/scale ${CMAKE_BINARY_DIR}/systems/scale/gen)

add_custom_target(gen)
add_dependencies(gen abi_headers)
foreach(name ${TESSERA_SYSTEM_NAMES})
  add_dependencies(gen gen_${name})
endforeach()

# ---- the freestanding build: kernel.elf once, each system's component ELFs --------------
string(REPLACE ";" "|" systems_arg "${TESSERA_SYSTEM_NAMES}")
string(REPLACE ";" "|" gen_dirs_arg "${TESSERA_SYSTEM_GEN_DIRS}")
ExternalProject_Add(target
  SOURCE_DIR ${CMAKE_SOURCE_DIR}
  BINARY_DIR ${TESSERA_TARGET_DIR}
  LIST_SEPARATOR "|"
  CMAKE_GENERATOR Ninja
  CMAKE_ARGS
    -DCMAKE_TOOLCHAIN_FILE=${CMAKE_SOURCE_DIR}/cmake/toolchain-x86_64-elf.cmake
    -DTESSERA_SYSTEMS=${systems_arg}
    -DTESSERA_GEN_DIRS=${gen_dirs_arg}
    -DTESSERA_ABI_DIR=${TESSERA_ABI_DIR}
    -DTESSERA_FUZZ_SEED=${TESSERA_FUZZ_SEED}
    -DTESSERA_FUZZ_CALLS=${TESSERA_FUZZ_CALLS}
  BUILD_ALWAYS ON
  INSTALL_COMMAND ""
  USES_TERMINAL_BUILD ON
  DEPENDS gen)

# ---- compile_commands.json for clangd: the target's entries, then the host's ---------------
# One database for every source (kernel/ with the target's flags, tests with the host's) in
# build/clangd/; the default build also links it as compile_commands.json at the top of the
# tree, where clangd and other tools look first.
set(TESSERA_COMPILE_COMMANDS ${CMAKE_BINARY_DIR}/clangd/compile_commands.json)
add_custom_target(compile_commands ALL
  COMMAND ${TESSERA_PYTHON} ${CMAKE_SOURCE_DIR}/build-tools/compile_commands.py --out ${TESSERA_COMPILE_COMMANDS}
    ${TESSERA_TARGET_DIR}/compile_commands.json ${CMAKE_BINARY_DIR}/compile_commands.json
  BYPRODUCTS ${TESSERA_COMPILE_COMMANDS}
  COMMENT "Merging compile_commands.json of the target and host builds")
add_dependencies(compile_commands target)
set(link ${CMAKE_SOURCE_DIR}/compile_commands.json)
if(CMAKE_BINARY_DIR STREQUAL "${CMAKE_SOURCE_DIR}/build" AND NOT IS_SYMLINK ${link} AND NOT EXISTS ${link})
  file(CREATE_LINK build/clangd/compile_commands.json ${link} SYMBOLIC)
endif()

# ---- images: system.img + tessera.iso per system -----------------------------------------
# The ELFs go into the images without their debug sections, which GRUB would read and load
# for nothing (build-tools/pack_image.py); the build tree keeps them whole.
set(TESSERA_PACK_STRIP "")
if(CMAKE_OBJCOPY)
  set(TESSERA_PACK_STRIP --objcopy ${CMAKE_OBJCOPY})
endif()
foreach(name ${TESSERA_SYSTEM_NAMES})
  set(out ${TESSERA_SYSTEM_${name}_OUT})
  add_custom_target(image_${name} ALL
    COMMAND ${CMAKE_COMMAND} -E make_directory ${out}
    COMMAND ${TESSERA_PYTHON} ${CMAKE_SOURCE_DIR}/build-tools/pack_image.py
      --spec ${TESSERA_SYSTEM_${name}_GEN}/system.spec
      --manifest ${TESSERA_SYSTEM_${name}_GEN}/system.manifest
      --elf-dir ${TESSERA_TARGET_DIR}/systems/${name}
      --out ${out}/system.img
      --kernel ${TESSERA_TARGET_DIR}/bin/kernel.elf
      --grub-cfg ${CMAKE_SOURCE_DIR}/build-tools/grub.cfg
      --iso ${out}/tessera.iso
      ${TESSERA_PACK_STRIP}
    DEPENDS target
    COMMENT "Packing ${name}: system.img and tessera.iso")
endforeach()

# ---- tests ---------------------------------------------------------------------------------
enable_testing()
include(cmake/host-tests.cmake)
