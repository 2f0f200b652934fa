// Component start-up (called from crt0): the thread's message, heap, global constructors,
// main, exit; plus the C++ support the freestanding compiler expects (operator new/delete,
// __cxa_atexit).
#include <new>

#include "tessera/heap.h"
#include "tessera/log.h"
#include "tessera/syscall.h"

int main();

extern "C" {
extern void (*__init_array_start[])();
extern void (*__init_array_end[])();
void* __dso_handle = nullptr;
int __cxa_atexit(void (*)(void*), void*, void*) { return 0; }  // components never unload

[[noreturn]] void tessera_runtime_start(uint64_t heap_base, uint64_t heap_size, uint64_t index);
}

namespace tessera::heap {
Heap& instance() {
  static Heap heap;
  return heap;
}
}  // namespace tessera::heap

void tessera_runtime_start(uint64_t heap_base, uint64_t heap_size, uint64_t /*index*/) {
  tessera::sys::make_message();
  tessera::heap::instance().init(reinterpret_cast<void*>(heap_base), static_cast<size_t>(heap_size));
  for (auto** ctor = __init_array_start; ctor != __init_array_end; ++ctor) (*ctor)();
  tessera::sys::exit(main());
}

namespace {
void* must_allocate(size_t size, size_t align) {
  void* p = tessera::heap::allocate(size == 0 ? 1 : size, align);
  if (p == nullptr) tessera::panic("out of memory: %lu bytes\n", static_cast<unsigned long>(size));
  return p;
}
}  // namespace

void* operator new(size_t size) { return must_allocate(size, tessera::Heap::kAlign); }
void* operator new[](size_t size) { return must_allocate(size, tessera::Heap::kAlign); }
void* operator new(size_t size, std::align_val_t align) { return must_allocate(size, static_cast<size_t>(align)); }
void* operator new[](size_t size, std::align_val_t align) { return must_allocate(size, static_cast<size_t>(align)); }
void* operator new(size_t size, const std::nothrow_t&) noexcept {
  return tessera::heap::allocate(size == 0 ? 1 : size);
}
void* operator new[](size_t size, const std::nothrow_t&) noexcept {
  return tessera::heap::allocate(size == 0 ? 1 : size);
}
void operator delete(void* p) noexcept { tessera::heap::release(p); }
void operator delete[](void* p) noexcept { tessera::heap::release(p); }
void operator delete(void* p, size_t) noexcept { tessera::heap::release(p); }
void operator delete[](void* p, size_t) noexcept { tessera::heap::release(p); }
void operator delete(void* p, std::align_val_t) noexcept { tessera::heap::release(p); }
void operator delete[](void* p, std::align_val_t) noexcept { tessera::heap::release(p); }
void operator delete(void* p, size_t, std::align_val_t) noexcept { tessera::heap::release(p); }
void operator delete[](void* p, size_t, std::align_val_t) noexcept { tessera::heap::release(p); }
