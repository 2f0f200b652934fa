# Freestanding x86_64 toolchain for the kernel and components. By default the host's gcc/g++
# in freestanding mode; pass -DTESSERA_CROSS_PREFIX=x86_64-elf- to use a cross compiler.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(TESSERA_CROSS_PREFIX "" CACHE STRING "Prefix of the cross compiler, e.g. x86_64-elf-")
set(CMAKE_C_COMPILER ${TESSERA_CROSS_PREFIX}gcc)
set(CMAKE_CXX_COMPILER ${TESSERA_CROSS_PREFIX}g++)
set(CMAKE_ASM_COMPILER ${TESSERA_CROSS_PREFIX}gcc)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(TESSERA_TARGET ON)
