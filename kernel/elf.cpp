// ELF64 parsing for component images [System V ABI, ELF-64 Object File Format 1.5].
#include "kernel/elf.h"

namespace kernel {
namespace {

constexpr uint16_t kEtExec = 2;
constexpr uint16_t kEmX86_64 = 62;
constexpr uint32_t kPtLoad = 1;
constexpr uint32_t kPfX = 1;
constexpr uint32_t kPfW = 2;
constexpr uint64_t kPage = 4096;

struct Ehdr {
  uint8_t ident[16];
  uint16_t type, machine;
  uint32_t version;
  uint64_t entry, phoff, shoff;
  uint32_t flags;
  uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
static_assert(sizeof(Ehdr) == 64);

struct Phdr {
  uint32_t type, flags;
  uint64_t offset, vaddr, paddr, filesz, memsz, align;
};
static_assert(sizeof(Phdr) == 56);

template <class T>
T read(const uint8_t* p) {
  T value;
  __builtin_memcpy(&value, p, sizeof(T));
  return value;
}

}  // namespace

Result<ElfImage> parse_elf(const uint8_t* data, size_t size, uint64_t user_top) {
  if (data == nullptr || size < sizeof(Ehdr)) return Status::kInvalidArgument;
  auto eh = read<Ehdr>(data);
  const uint8_t magic[4] = {0x7f, 'E', 'L', 'F'};
  for (unsigned i = 0; i < 4; ++i)
    if (eh.ident[i] != magic[i]) return Status::kInvalidArgument;
  // ELFCLASS64, little-endian, current version.
  if (eh.ident[4] != 2 || eh.ident[5] != 1 || eh.ident[6] != 1) return Status::kInvalidArgument;
  if (eh.type != kEtExec || eh.machine != kEmX86_64) return Status::kInvalidArgument;
  if (eh.phentsize != sizeof(Phdr) || eh.phnum == 0) return Status::kInvalidArgument;
  if (eh.phoff > size || (size - eh.phoff) / sizeof(Phdr) < eh.phnum) return Status::kInvalidArgument;

  ElfImage image;
  image.entry = eh.entry;
  bool entry_ok = false;
  for (unsigned i = 0; i < eh.phnum; ++i) {
    auto ph = read<Phdr>(data + eh.phoff + i * sizeof(Phdr));
    if (ph.type != kPtLoad || ph.memsz == 0) continue;
    if (image.segment_count == ElfImage::kMaxSegments) return Status::kInvalidArgument;
    if (ph.filesz > ph.memsz) return Status::kInvalidArgument;
    if (ph.offset > size || size - ph.offset < ph.filesz) return Status::kInvalidArgument;
    if (ph.vaddr % kPage != 0 || ph.vaddr < kPage) return Status::kInvalidArgument;
    if (ph.vaddr >= user_top || user_top - ph.vaddr < ph.memsz) return Status::kInvalidArgument;
    bool write = (ph.flags & kPfW) != 0;
    bool exec = (ph.flags & kPfX) != 0;
    if (write && exec) return Status::kInvalidArgument;  // W^X
    uint64_t end = (ph.vaddr + ph.memsz + kPage - 1) & ~(kPage - 1);
    for (unsigned j = 0; j < image.segment_count; ++j) {
      const ElfSegment& other = image.segments[j];
      uint64_t other_end = (other.vaddr + other.memsz + kPage - 1) & ~(kPage - 1);
      if (ph.vaddr < other_end && other.vaddr < end) return Status::kInvalidArgument;
    }
    image.segments[image.segment_count++] = {ph.vaddr, ph.memsz, ph.offset, ph.filesz, write, exec};
    if (exec && eh.entry >= ph.vaddr && eh.entry < ph.vaddr + ph.memsz) entry_ok = true;
  }
  if (!entry_ok) return Status::kInvalidArgument;
  return image;
}

}  // namespace kernel
