// Validation of system.img and system.spec (layouts: tessera/spec_format.h).
#include "kernel/boot_image.h"

namespace kernel {
namespace {

using namespace tessera::spec;

bool same_magic(const char* a, const char* b) {
  for (unsigned i = 0; i < 8; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

bool terminated(const char* s, size_t cap) {
  for (size_t i = 0; i < cap; ++i)
    if (s[i] == '\0') return true;
  return false;
}

/// [offset, offset + count*record) lies within size and is aligned for the record type.
bool table_fits(uint64_t offset, uint64_t count, uint64_t record, uint64_t align, uint64_t size) {
  if (offset % align != 0 || offset > size) return false;
  return count <= (size - offset) / record;
}

bool names_equal(const char* a, const char* b, size_t cap) {
  for (size_t i = 0; i < cap; ++i) {
    if (a[i] != b[i]) return false;
    if (a[i] == '\0') return true;
  }
  return true;
}

}  // namespace

Result<BootImage> BootImage::parse(const uint8_t* data, size_t size) {
  if (data == nullptr || size < sizeof(ImageHeader)) return Status::kInvalidArgument;
  const auto* header = reinterpret_cast<const ImageHeader*>(data);
  if (!same_magic(header->magic, kImageMagic)) return Status::kInvalidArgument;
  if (!table_fits(sizeof(ImageHeader), header->count, sizeof(ImageEntry), 8, size)) return Status::kInvalidArgument;
  const auto* entries = reinterpret_cast<const ImageEntry*>(data + sizeof(ImageHeader));
  for (uint32_t i = 0; i < header->count; ++i) {
    const ImageEntry& e = entries[i];
    if (!terminated(e.name, sizeof(e.name))) return Status::kInvalidArgument;
    if (e.offset % 8 != 0 || e.offset > size || size - e.offset < e.size) return Status::kInvalidArgument;
  }
  BootImage image;
  image.data_ = data;
  image.count_ = header->count;
  return image;
}

Blob BootImage::find(const char* name, uint32_t hint) const {
  const auto* entries = reinterpret_cast<const ImageEntry*>(data_ + sizeof(ImageHeader));
  if (hint < count_ && names_equal(entries[hint].name, name, sizeof(entries[hint].name)))
    return {data_ + entries[hint].offset, static_cast<size_t>(entries[hint].size)};
  for (uint32_t i = 0; i < count_; ++i) {
    if (names_equal(entries[i].name, name, sizeof(entries[i].name)))
      return {data_ + entries[i].offset, static_cast<size_t>(entries[i].size)};
  }
  return {};
}

/// Objects a cap of each type may name.
uint32_t object_count(const Header& h, uint16_t type) {
  switch (static_cast<tessera::CapType>(type)) {
    case tessera::CapType::kEndpoint:
      return h.endpoint_count;
    case tessera::CapType::kNotification:
      return h.notification_count;
    case tessera::CapType::kMemory:
      return h.region_count;
    case tessera::CapType::kIrq:
      return h.irq_count;
    case tessera::CapType::kComponent:
      return h.component_count;
    default:
      return 0;
  }
}

bool BootSpec::check_component(uint32_t index) const {
  const Header& h = *header_;
  const Component& c = components_[index];
  if (!terminated(c.name, sizeof(c.name)) || c.name[0] == '\0') return false;
  if (c.priority > kMaxPriority) return false;
  // What boot allocates and maps for it is bounded as the generator bounds it, so a spec
  // cannot make boot overrun the address space layout or exhaust memory on one component.
  if (c.stack_pages == 0 || c.stack_pages > kMaxStackPages || c.heap_pages > kMaxHeapPages) return false;
  if (c.cap_slots == 0 || c.cap_slots > kMaxCapSlots) return false;
  if (c.cpu < -1 || (c.cpu >= 0 && static_cast<uint32_t>(c.cpu) >= h.cpus)) return false;
  // The affinity names only CPUs of the description, at least one; a pin is exactly its CPU.
  uint64_t all_cpus = h.cpus >= 64 ? ~uint64_t{0} : (uint64_t{1} << h.cpus) - 1;
  if (c.affinity == 0 || (c.affinity & ~all_cpus) != 0) return false;
  if (c.cpu >= 0 && c.affinity != uint64_t{1} << c.cpu) return false;
  if (c.thread_quota == 0 || c.thread_quota > kMaxThreadsPerComponent) return false;
  if (c.map_pages > kMaxMapPages) return false;
  // Supervision: a fault endpoint of the spec, a policy the kernel knows, and only a
  // supervised component starts manually or restarts; nobody supervises itself (its own
  // endpoint would carry its reports: receives_on below).
  if ((c.flags & ~(kFlagShutdownOnExit | kFlagStartManual)) != 0) return false;
  if (c.restart > static_cast<uint32_t>(tessera::RestartPolicy::kAlways)) return false;
  if (c.supervisor_endpoint == kNoSupervisor) {
    if (c.restart != 0 || (c.flags & kFlagStartManual) != 0) return false;
  } else if (c.supervisor_endpoint >= h.endpoint_count || receives_on(index, c.supervisor_endpoint)) {
    return false;
  }
  if (c.cap_first > h.cap_count || h.cap_count - c.cap_first < c.cap_count) return false;
  if (c.ioport_first > h.ioport_count || h.ioport_count - c.ioport_first < c.ioport_count) return false;
  for (uint32_t k = c.cap_first; k < c.cap_first + c.cap_count; ++k) {
    const Cap& cap = caps_[k];
    if (cap.slot == 0 || cap.slot >= c.cap_slots) return false;  // slot 0 never holds a cap
    if (cap.object >= object_count(h, cap.type)) return false;
    if ((cap.rights & ~tessera::rights::kAll) != 0) return false;
    // A component cap controls a supervised component other than its holder.
    if (cap.type == static_cast<uint16_t>(tessera::CapType::kComponent) &&
        (cap.object == index || components_[cap.object].supervisor_endpoint == kNoSupervisor))
      return false;
  }
  for (uint32_t k = c.ioport_first; k < c.ioport_first + c.ioport_count; ++k) {
    const IoPortRange& r = ioports_[k];
    if (r.count == 0 || static_cast<uint32_t>(r.base) + r.count > 0x10000u) return false;
  }
  return true;
}

bool BootSpec::receives_on(uint32_t component, uint32_t endpoint) const {
  const Component& c = components_[component];
  for (uint32_t k = c.cap_first; k < c.cap_first + c.cap_count; ++k) {
    const Cap& cap = caps_[k];
    if (cap.type == static_cast<uint16_t>(tessera::CapType::kEndpoint) && cap.object == endpoint &&
        (cap.rights & tessera::rights::kRecv) != 0)
      return true;
  }
  return false;
}

bool BootSpec::one_receiver_per_endpoint(uint64_t* marks) const {
  // Invariant the kernel relies on: an endpoint has at most one owner, the component that
  // receives on it (its stop kills the endpoint). In one pass over the caps: a component's
  // receive caps must find their endpoints unmarked by the components before it (several
  // of its own to one endpoint are fine), then it marks them.
  auto receive_cap = [](const Cap& cap) {
    return cap.type == static_cast<uint16_t>(tessera::CapType::kEndpoint) && (cap.rights & tessera::rights::kRecv) != 0;
  };
  for (uint32_t i = 0; i < header_->component_count; ++i) {
    const Component& c = components_[i];
    for (uint32_t k = c.cap_first; k < c.cap_first + c.cap_count; ++k)
      if (receive_cap(caps_[k]) && (marks[caps_[k].object / 64] >> (caps_[k].object % 64) & 1) != 0) return false;
    for (uint32_t k = c.cap_first; k < c.cap_first + c.cap_count; ++k)
      if (receive_cap(caps_[k])) marks[caps_[k].object / 64] |= uint64_t{1} << (caps_[k].object % 64);
  }
  return true;
}

Result<BootSpec> BootSpec::parse(const uint8_t* data, size_t size, uint64_t* (*scratch)(size_t words)) {
  if (data == nullptr || size < sizeof(Header) || reinterpret_cast<uintptr_t>(data) % 8 != 0)
    return Status::kInvalidArgument;
  const auto* h = reinterpret_cast<const Header*>(data);
  if (!same_magic(h->magic, kSpecMagic) || h->version != kSpecVersion) return Status::kInvalidArgument;
  if (h->total_size > size || h->total_size < sizeof(Header)) return Status::kInvalidArgument;
  size_t total = h->total_size;
  if (!table_fits(h->components_offset, h->component_count, sizeof(Component), 8, total) ||
      !table_fits(h->caps_offset, h->cap_count, sizeof(Cap), 8, total) ||
      !table_fits(h->ioports_offset, h->ioport_count, sizeof(IoPortRange), 8, total) ||
      !table_fits(h->regions_offset, h->region_count, sizeof(Region), 8, total) ||
      !table_fits(h->irqs_offset, h->irq_count, sizeof(Irq), 8, total) ||
      !table_fits(h->mappings_offset, h->mapping_count, sizeof(Mapping), 8, total))
    return Status::kInvalidArgument;
  if (h->component_count == 0 || h->cpus == 0 || h->cpus > tessera::kMaxCpus) return Status::kInvalidArgument;

  BootSpec spec;
  spec.header_ = h;
  spec.components_ = reinterpret_cast<const Component*>(data + h->components_offset);
  spec.caps_ = reinterpret_cast<const Cap*>(data + h->caps_offset);
  spec.ioports_ = reinterpret_cast<const IoPortRange*>(data + h->ioports_offset);
  spec.regions_ = reinterpret_cast<const Region*>(data + h->regions_offset);
  spec.irqs_ = reinterpret_cast<const Irq*>(data + h->irqs_offset);
  spec.mappings_ = reinterpret_cast<const Mapping*>(data + h->mappings_offset);

  for (uint32_t i = 0; i < h->component_count; ++i)
    if (!spec.check_component(i)) return Status::kInvalidArgument;
  // Caps name only endpoints below endpoint_count (check_component), so a bit each will do.
  uint64_t* marks = scratch((uint64_t{h->endpoint_count} + 63) / 64);
  if (marks == nullptr && h->endpoint_count > 0) return Status::kOutOfMemory;
  if (!spec.one_receiver_per_endpoint(marks)) return Status::kInvalidArgument;
  for (uint32_t i = 0; i < h->region_count; ++i)
    if (spec.regions_[i].pages == 0 || spec.regions_[i].pages > kMaxRegionPages) return Status::kInvalidArgument;
  for (uint32_t i = 0; i < h->irq_count; ++i) {
    const Irq& irq = spec.irqs_[i];
    if (irq.line >= kMaxIrqLines || irq.notification >= h->notification_count || irq.bits == 0 ||
        irq.component >= h->component_count)
      return Status::kInvalidArgument;
    for (uint32_t j = 0; j < i; ++j)
      if (spec.irqs_[j].line == irq.line) return Status::kInvalidArgument;
  }
  for (uint32_t i = 0; i < h->mapping_count; ++i) {
    const Mapping& m = spec.mappings_[i];
    if (m.component >= h->component_count || m.vaddr % tessera::layout::kPageSize != 0 ||
        m.vaddr < tessera::layout::kSharedBase || m.vaddr >= tessera::layout::kIpcBufferBase)
      return Status::kInvalidArgument;
    // The slot holds a memory cap of that component, and the region fits below the buffers.
    const Component& c = spec.components_[m.component];
    const Cap* cap = nullptr;
    for (uint32_t k = c.cap_first; k < c.cap_first + c.cap_count; ++k)
      if (spec.caps_[k].slot == m.slot) cap = &spec.caps_[k];
    if (cap == nullptr || cap->type != static_cast<uint16_t>(tessera::CapType::kMemory))
      return Status::kInvalidArgument;
    if (uint64_t{spec.regions_[cap->object].pages} * tessera::layout::kPageSize >
        tessera::layout::kIpcBufferBase - m.vaddr)
      return Status::kInvalidArgument;
  }
  return spec;
}

}  // namespace kernel
