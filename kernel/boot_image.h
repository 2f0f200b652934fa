// Views of system.img and the boot spec inside it, validated before the kernel trusts them.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/result.h"
#include "tessera/spec_format.h"

namespace kernel {

struct Blob {
  const uint8_t* data = nullptr;
  size_t size = 0;
};

/// The archive of named blobs the image packer writes.
class BootImage {
 public:
  /// kInvalidArgument unless the header, every entry and every blob lie inside [data, size).
  static Result<BootImage> parse(const uint8_t* data, size_t size);
  /// The blob called `name`, or an empty Blob. Entry `hint` is looked at first: the packer
  /// writes the ELFs in spec order after the spec, so component i's is entry i + 1 and a
  /// boot of n components finds them in n steps, not n²/2.
  Blob find(const char* name, uint32_t hint = 0) const;
  uint32_t count() const { return count_; }

 private:
  const uint8_t* data_ = nullptr;
  uint32_t count_ = 0;
};

/// The boot spec, with every cross-reference checked.
class BootSpec {
 public:
  /// kInvalidArgument unless magic, version, sizes and offsets hold, every component's caps
  /// and I/O ranges are in range, every cap's slot fits its table and names an existing
  /// object of its type, no two components hold a receive cap to one endpoint, regions,
  /// IRQs and mappings name what exists, priorities are 0..255, stack, heap, cap table,
  /// threads and map quota are within the spec_format.h limits, and names are
  /// NUL-terminated. Linear in the size of the spec: `scratch(words)` gives zeroed room for
  /// one bit per endpoint (the one-receiver check), or nullptr (then kOutOfMemory).
  static Result<BootSpec> parse(const uint8_t* data, size_t size, uint64_t* (*scratch)(size_t words));

  const tessera::spec::Header& header() const { return *header_; }
  const tessera::spec::Component& component(uint32_t i) const { return components_[i]; }
  const tessera::spec::Cap& cap(uint32_t i) const { return caps_[i]; }
  const tessera::spec::IoPortRange& ioport(uint32_t i) const { return ioports_[i]; }
  const tessera::spec::Region& region(uint32_t i) const { return regions_[i]; }
  const tessera::spec::Irq& irq(uint32_t i) const { return irqs_[i]; }
  const tessera::spec::Mapping& mapping(uint32_t i) const { return mappings_[i]; }

 private:
  bool check_component(uint32_t index) const;
  /// Whether `component` holds a cap with the recv right to `endpoint`.
  bool receives_on(uint32_t component, uint32_t endpoint) const;
  bool one_receiver_per_endpoint(uint64_t* marks) const;

  const tessera::spec::Region* regions_ = nullptr;
  const tessera::spec::Irq* irqs_ = nullptr;
  const tessera::spec::Mapping* mappings_ = nullptr;
  const tessera::spec::Header* header_ = nullptr;
  const tessera::spec::Component* components_ = nullptr;
  const tessera::spec::Cap* caps_ = nullptr;
  const tessera::spec::IoPortRange* ioports_ = nullptr;
};

}  // namespace kernel
