# Compiler flags of the freestanding target. Kernel: [house style §12]. Components: the same
# minus the kernel code model; both general-registers-only, so no FPU/SSE state exists to switch.
include(${CMAKE_CURRENT_LIST_DIR}/warnings.cmake)
set(TESSERA_COMMON_FLAGS
  -ffreestanding -fno-exceptions -fno-rtti -fno-pic -fno-pie -fno-stack-protector
  -fno-asynchronous-unwind-tables -fno-threadsafe-statics -mgeneral-regs-only -mno-red-zone
  -O2 -g ${TESSERA_WARNING_FLAGS})
# -fcallgraph-info=su: each object's call graph with frame sizes (a .ci file beside it), from which
# ctest kernel_stack_depth bounds the deepest kernel stack (build-tools/stack_depth.py).
set(TESSERA_KERNEL_FLAGS ${TESSERA_COMMON_FLAGS} -mcmodel=kernel -fcallgraph-info=su)
set(TESSERA_USER_FLAGS ${TESSERA_COMMON_FLAGS})
set(TESSERA_LINK_FLAGS -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=4096)
