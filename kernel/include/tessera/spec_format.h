// Binary layouts of the boot image (system.img) and the boot spec (system.spec) inside it.
// Written by codegen/ and build-tools/pack_image.py, read by kernel/boot_image.cpp.
// All integers little-endian; all records naturally aligned. docs/boot-spec.md explains each field.
#pragma once

#include <stdint.h>

namespace tessera::spec {

// ---- system.img: a tiny archive of named blobs ------------------------------------------
inline constexpr char kImageMagic[8] = {'T', 'E', 'S', 'S', 'I', 'M', 'G', '1'};

struct ImageHeader {
  char magic[8];       ///< kImageMagic
  uint32_t count;      ///< number of ImageEntry records that follow the header
  uint32_t reserved;
};
static_assert(sizeof(ImageHeader) == 16);

struct ImageEntry {
  char name[48];    ///< NUL-padded: "system.spec" or a component name
  uint64_t offset;  ///< from the start of the image; multiple of 4096
  uint64_t size;    ///< bytes
};
static_assert(sizeof(ImageEntry) == 64);

// ---- system.spec ---------------------------------------------------------------------------
inline constexpr char kSpecMagic[8] = {'T', 'E', 'S', 'S', 'P', 'E', 'C', '1'};
inline constexpr uint32_t kSpecVersion = 4;

struct Header {
  char magic[8];               ///< kSpecMagic
  uint32_t version;            ///< kSpecVersion
  uint32_t total_size;         ///< bytes of the whole spec
  uint32_t cpus;               ///< CPUs the description was written for
  uint32_t component_count;
  uint32_t endpoint_count;     ///< endpoints are numbered 0..endpoint_count-1
  uint32_t notification_count; ///< notifications are numbered 0..notification_count-1
  uint32_t region_count;
  uint32_t irq_count;
  uint32_t cap_count;
  uint32_t ioport_count;
  uint32_t mapping_count;
  uint32_t components_offset;  ///< Component[component_count]
  uint32_t caps_offset;        ///< Cap[cap_count]
  uint32_t ioports_offset;     ///< IoPortRange[ioport_count]
  uint32_t regions_offset;     ///< Region[region_count]
  uint32_t irqs_offset;        ///< Irq[irq_count]
  uint32_t mappings_offset;    ///< Mapping[mapping_count]
  uint32_t reserved;
};
static_assert(sizeof(Header) == 80);

// Limits of one description. The generator (codegen/tessera_codegen/system.py: MAX_*) refuses
// what exceeds them with the same numbers; keep both sides equal (tests/codegen/test_limits.py
// compares them).

/// The most threads one component may have (its `threads` in system.yaml).
inline constexpr uint32_t kMaxThreadsPerComponent = 64;
/// The largest user stack (1 MiB: `stack`) and heap (64 MiB: `memory`), in 4 KiB pages.
inline constexpr uint32_t kMaxStackPages = 256;
inline constexpr uint32_t kMaxHeapPages = 16384;
/// The largest cap table: the granted caps and up to 4096 `free_slots`.
inline constexpr uint32_t kMaxCapSlots = 8192;
/// The largest map quota (256 MiB) and shared region (64 MiB), in 4 KiB pages.
inline constexpr uint32_t kMaxMapPages = 65536;
inline constexpr uint32_t kMaxRegionPages = 16384;
/// Interrupt lines a description may grant: 0..kMaxIrqLines-1.
inline constexpr uint32_t kMaxIrqLines = 64;

/// Component flags.
inline constexpr uint32_t kFlagShutdownOnExit = 1u << 0;  ///< its exit powers the system off

struct Component {
  char name[32];          ///< NUL-padded; also its ELF's entry name in system.img
  uint32_t priority;      ///< 0..255, higher runs first
  int32_t cpu;            ///< pinned CPU, or -1 for any
  uint32_t stack_pages;   ///< 4 KiB pages of user stack (1..kMaxStackPages)
  uint32_t heap_pages;    ///< 4 KiB pages of memory quota, mapped at layout::kHeapBase (0..kMaxHeapPages)
  uint32_t cap_slots;     ///< size of its cap table, slots 0..cap_slots-1 (1..kMaxCapSlots)
  uint32_t cap_first;     ///< its caps are Cap[cap_first .. cap_first+cap_count)
  uint32_t cap_count;
  uint32_t ioport_first;  ///< its I/O port grants are IoPortRange[ioport_first ..)
  uint32_t ioport_count;
  uint32_t flags;         ///< kFlag*
  uint64_t affinity;      ///< CPUs its threads may run on, bit n = CPU n; 1 << cpu when pinned
  uint32_t thread_quota;  ///< most threads at once, counting the first (1..64)
  uint32_t map_pages;     ///< 4 KiB pages of map quota (kMap, page tables of the map window)
};
static_assert(sizeof(Component) == 88);

struct Cap {
  uint32_t slot;    ///< index in the component's cap table
  uint16_t type;    ///< CapType
  uint16_t rights;  ///< rights::*
  uint32_t object;  ///< index of the endpoint, notification, region or IRQ (by type)
  uint32_t reserved;
  uint64_t badge;   ///< delivered to the receiver of a message sent through this cap
};
static_assert(sizeof(Cap) == 24);

struct IoPortRange {
  uint16_t base;   ///< first port
  uint16_t count;  ///< number of ports
  uint32_t reserved;
};
static_assert(sizeof(IoPortRange) == 8);

struct Region {
  uint32_t pages;  ///< 4 KiB pages, physically contiguous and zeroed at boot
  uint32_t reserved;
};
static_assert(sizeof(Region) == 8);

/// An interrupt line granted to a driver: routed to the CPU of the driver's first thread;
/// each interrupt masks the line and sets `bits` in notification `notification` until the
/// driver acknowledges it (kIrqAck).
struct Irq {
  uint32_t line;          ///< ISA IRQ 0..15 (ACPI overrides applied) or global system interrupt
  uint32_t notification;  ///< notification index
  uint64_t bits;
  uint32_t component;     ///< the driver
  uint32_t reserved;
};
static_assert(sizeof(Irq) == 24);

/// A region mapped into a component at boot; the mapping belongs to the memory cap in
/// `slot` of that component (whose rights it takes).
struct Mapping {
  uint32_t component;
  uint32_t slot;
  uint64_t vaddr;  ///< page-aligned, at or above layout::kSharedBase
};
static_assert(sizeof(Mapping) == 16);

}  // namespace tessera::spec
