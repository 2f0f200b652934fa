// system.img and system.spec validation against buffers laid out as the packer writes them.
#include <doctest/doctest.h>

#include <cstring>
#include <vector>

#include "kernel/boot_image.h"

using namespace tessera::spec;
using kernel::BootImage;
using kernel::BootSpec;
using tessera::Status;

namespace {

template <class T>
void put(std::vector<uint8_t>& out, size_t offset, const T& value) {
  if (out.size() < offset + sizeof(T)) out.resize(offset + sizeof(T));
  std::memcpy(&out[offset], &value, sizeof(T));
}

struct SpecBuilder {
  Header header{};
  std::vector<Component> components;
  std::vector<Cap> caps;
  std::vector<IoPortRange> ioports;
  std::vector<Region> regions;
  std::vector<Irq> irqs;
  std::vector<Mapping> mappings;

  std::vector<uint64_t> build() {  // uint64_t storage keeps the buffer 8-byte aligned
    std::memcpy(header.magic, kSpecMagic, 8);
    header.version = kSpecVersion;
    header.cpus = 1;
    header.component_count = static_cast<uint32_t>(components.size());
    header.cap_count = static_cast<uint32_t>(caps.size());
    header.ioport_count = static_cast<uint32_t>(ioports.size());
    header.components_offset = sizeof(Header);
    header.caps_offset = header.components_offset + static_cast<uint32_t>(components.size() * sizeof(Component));
    header.ioports_offset = header.caps_offset + static_cast<uint32_t>(caps.size() * sizeof(Cap));
    header.region_count = static_cast<uint32_t>(regions.size());
    header.irq_count = static_cast<uint32_t>(irqs.size());
    header.mapping_count = static_cast<uint32_t>(mappings.size());
    header.regions_offset = header.ioports_offset + static_cast<uint32_t>(ioports.size() * sizeof(IoPortRange));
    header.irqs_offset = header.regions_offset + static_cast<uint32_t>(regions.size() * sizeof(Region));
    header.mappings_offset = header.irqs_offset + static_cast<uint32_t>(irqs.size() * sizeof(Irq));
    header.total_size = header.mappings_offset + static_cast<uint32_t>(mappings.size() * sizeof(Mapping));
    std::vector<uint8_t> bytes;
    put(bytes, 0, header);
    for (size_t i = 0; i < components.size(); ++i)
      put(bytes, header.components_offset + i * sizeof(Component), components[i]);
    for (size_t i = 0; i < caps.size(); ++i) put(bytes, header.caps_offset + i * sizeof(Cap), caps[i]);
    for (size_t i = 0; i < ioports.size(); ++i) put(bytes, header.ioports_offset + i * sizeof(IoPortRange), ioports[i]);
    for (size_t i = 0; i < regions.size(); ++i) put(bytes, header.regions_offset + i * sizeof(Region), regions[i]);
    for (size_t i = 0; i < irqs.size(); ++i) put(bytes, header.irqs_offset + i * sizeof(Irq), irqs[i]);
    for (size_t i = 0; i < mappings.size(); ++i) put(bytes, header.mappings_offset + i * sizeof(Mapping), mappings[i]);
    std::vector<uint64_t> words((bytes.size() + 7) / 8);
    std::memcpy(words.data(), bytes.data(), bytes.size());
    return words;
  }
};

Component component(const char* name, uint32_t cap_first, uint32_t cap_count, uint32_t slots) {
  Component c{};
  std::strncpy(c.name, name, sizeof(c.name) - 1);
  c.priority = 100;
  c.cpu = -1;
  c.stack_pages = 4;
  c.heap_pages = 16;
  c.cap_slots = slots;
  c.cap_first = cap_first;
  c.cap_count = cap_count;
  c.affinity = 1;
  c.supervisor_endpoint = kNoSupervisor;
  c.thread_quota = 1;
  return c;
}

SpecBuilder demo() {
  SpecBuilder b;
  b.header.endpoint_count = 1;
  b.components.push_back(component("server", 0, 1, 2));
  b.components.push_back(component("client", 1, 1, 2));
  b.components[0].ioport_count = 1;
  b.caps.push_back(Cap{1, 1, tessera::rights::kRecv, 0, 0, 0});
  b.caps.push_back(Cap{1, 1, tessera::rights::kSend, 0, 0, 2});
  b.ioports.push_back(IoPortRange{0x3f8, 8, 0});
  return b;
}

/// Room for parse's endpoint marks: zeroed for each parse.
uint64_t* scratch(size_t words) {
  static std::vector<uint64_t> room;
  room.assign(words + 1, 0);
  return room.data();
}

Status parse(std::vector<uint64_t>& words, size_t size = 0) {
  return BootSpec::parse(reinterpret_cast<uint8_t*>(words.data()), size ? size : words.size() * 8, scratch).status();
}

}  // namespace

TEST_CASE("a well-formed spec parses and exposes its records") {
  auto words = demo().build();
  auto r = BootSpec::parse(reinterpret_cast<uint8_t*>(words.data()), words.size() * 8, scratch);
  REQUIRE(r.ok());
  CHECK(r.value().header().component_count == 2);
  CHECK(std::strcmp(r.value().component(1).name, "client") == 0);
  CHECK(r.value().cap(1).badge == 2);
  CHECK(r.value().ioport(0).base == 0x3f8);
}

TEST_CASE("malformed specs are refused") {
  SUBCASE("bad magic") {
    SpecBuilder b = demo();
    auto words = b.build();
    reinterpret_cast<char*>(words.data())[0] = 'X';
    CHECK(parse(words) == Status::kInvalidArgument);
  }
  SUBCASE("truncated") {
    auto words = demo().build();
    CHECK(parse(words, 60) == Status::kInvalidArgument);
  }
  SUBCASE("cap naming a missing endpoint") {
    SpecBuilder b = demo();
    b.caps[1].object = 5;
    auto words = b.build();
    CHECK(parse(words) == Status::kInvalidArgument);
  }
  SUBCASE("cap slot beyond the table") {
    SpecBuilder b = demo();
    b.caps[0].slot = 2;
    auto words = b.build();
    CHECK(parse(words) == Status::kInvalidArgument);
  }
  SUBCASE("cap in slot 0, which never holds one") {
    SpecBuilder b = demo();
    b.caps[1].slot = 0;
    auto words = b.build();
    CHECK(parse(words) == Status::kInvalidArgument);
  }
  SUBCASE("cap range beyond the caps") {
    SpecBuilder b = demo();
    b.components[1].cap_count = 5;
    auto words = b.build();
    CHECK(parse(words) == Status::kInvalidArgument);
  }
  SUBCASE("priority out of range") {
    SpecBuilder b = demo();
    b.components[0].priority = 256;
    auto words = b.build();
    CHECK(parse(words) == Status::kInvalidArgument);
  }
  SUBCASE("cpu beyond the description's cpus") {
    SpecBuilder b = demo();
    b.components[0].cpu = 1;
    auto words = b.build();
    CHECK(parse(words) == Status::kInvalidArgument);
  }
  SUBCASE("affinity naming a CPU the description lacks") {
    SpecBuilder b = demo();
    b.components[0].affinity = 0b10;
    auto words = b.build();
    CHECK(parse(words) == Status::kInvalidArgument);
  }
  SUBCASE("empty affinity") {
    SpecBuilder b = demo();
    b.components[0].affinity = 0;
    auto words = b.build();
    CHECK(parse(words) == Status::kInvalidArgument);
  }
  SUBCASE("no thread allowed, or more than the kernel's limit") {
    SpecBuilder b = demo();
    b.components[0].thread_quota = 0;
    auto none = b.build();
    CHECK(parse(none) == Status::kInvalidArgument);
    b.components[0].thread_quota = tessera::spec::kMaxThreadsPerComponent + 1;
    auto too_many = b.build();
    CHECK(parse(too_many) == Status::kInvalidArgument);
    b.components[0].thread_quota = tessera::spec::kMaxThreadsPerComponent;
    auto most = b.build();
    CHECK(parse(most) == Status::kOk);
  }
  SUBCASE("no stack, or a stack, heap or cap table beyond the generator's limits") {
    SpecBuilder b = demo();
    b.components[0].stack_pages = 0;
    auto none = b.build();
    CHECK(parse(none) == Status::kInvalidArgument);
    b.components[0].stack_pages = kMaxStackPages + 1;
    auto big_stack = b.build();
    CHECK(parse(big_stack) == Status::kInvalidArgument);
    b = demo();
    b.components[1].heap_pages = kMaxHeapPages + 1;
    auto big_heap = b.build();
    CHECK(parse(big_heap) == Status::kInvalidArgument);
    b = demo();
    b.components[0].cap_slots = 0;
    auto no_slots = b.build();
    CHECK(parse(no_slots) == Status::kInvalidArgument);
    b.components[0].cap_slots = kMaxCapSlots + 1;
    auto many_slots = b.build();
    CHECK(parse(many_slots) == Status::kInvalidArgument);
    // The limits themselves are allowed.
    b = demo();
    b.components[0].stack_pages = kMaxStackPages;
    b.components[0].heap_pages = kMaxHeapPages;
    b.components[0].cap_slots = kMaxCapSlots;
    b.components[1].heap_pages = 0;
    auto most = b.build();
    CHECK(parse(most) == Status::kOk);
  }
  SUBCASE("pin and affinity disagree") {
    SpecBuilder b = demo();
    b.header.cpus = 2;
    b.components[0].cpu = 0;
    b.components[0].affinity = 0b10;
    auto words = b.build();
    CHECK(parse(words) == Status::kInvalidArgument);
  }
  SUBCASE("io range past port 0xffff") {
    SpecBuilder b = demo();
    b.ioports[0] = IoPortRange{0xfffc, 8, 0};
    auto words = b.build();
    CHECK(parse(words) == Status::kInvalidArgument);
  }
  SUBCASE("unterminated name") {
    SpecBuilder b = demo();
    std::memset(b.components[0].name, 'a', sizeof(b.components[0].name));
    auto words = b.build();
    CHECK(parse(words) == Status::kInvalidArgument);
  }
}

TEST_CASE("an endpoint has one receiving component") {
  SUBCASE("a second component with the recv right to it is refused") {
    SpecBuilder b = demo();
    b.caps[1].rights = tessera::rights::kSend | tessera::rights::kRecv;  // the client's cap to the server's endpoint
    auto words = b.build();
    CHECK(parse(words) == Status::kInvalidArgument);
  }
  SUBCASE("also when the second receiver comes first, or holds a recv-only cap in another slot") {
    SpecBuilder b = demo();
    b.components[1].cap_slots = 3;
    b.components[1].cap_count = 2;
    b.caps.push_back(Cap{2, 1, tessera::rights::kRecv, 0, 0, 0});
    auto words = b.build();
    CHECK(parse(words) == Status::kInvalidArgument);
    std::swap(b.components[0], b.components[1]);
    words = b.build();
    CHECK(parse(words) == Status::kInvalidArgument);
  }
  SUBCASE("beyond the first 64 endpoints too") {
    SpecBuilder b = demo();
    b.header.endpoint_count = 130;
    b.caps[0].object = 129;
    b.caps[1].object = 129;
    auto words = b.build();
    CHECK(parse(words) == Status::kOk);
    b.caps[1].rights = tessera::rights::kRecv;
    words = b.build();
    CHECK(parse(words) == Status::kInvalidArgument);
  }
  SUBCASE("one component receiving on several endpoints, or twice on its own, is fine") {
    SpecBuilder b = demo();
    b.header.endpoint_count = 2;
    b.components[0].cap_slots = 4;
    b.components[0].cap_count = 3;
    b.components[1].cap_first = 3;
    b.caps = {Cap{1, 1, tessera::rights::kRecv, 0, 0, 0}, Cap{2, 1, tessera::rights::kRecv, 1, 0, 0},
              Cap{3, 1, tessera::rights::kRecv, 0, 0, 0}, Cap{1, 1, tessera::rights::kSend, 1, 0, 2}};
    auto words = b.build();
    CHECK(parse(words) == Status::kOk);
  }
}

TEST_CASE("system.img entries are found by name and bounds-checked") {
  std::vector<uint8_t> img;
  ImageHeader h{};
  std::memcpy(h.magic, kImageMagic, 8);
  h.count = 2;
  put(img, 0, h);
  ImageEntry a{};
  std::strcpy(a.name, "system.spec");
  a.offset = 4096;
  a.size = 3;
  ImageEntry b{};
  std::strcpy(b.name, "app");
  b.offset = 8192;
  b.size = 5;
  put(img, sizeof(ImageHeader), a);
  put(img, sizeof(ImageHeader) + sizeof(ImageEntry), b);
  img.resize(8192 + 5, 0);
  std::memcpy(&img[8192], "hello", 5);

  auto r = BootImage::parse(img.data(), img.size());
  REQUIRE(r.ok());
  CHECK(r.value().count() == 2);
  auto blob = r.value().find("app");
  REQUIRE(blob.data != nullptr);
  CHECK(blob.size == 5);
  CHECK(std::memcmp(blob.data, "hello", 5) == 0);
  CHECK(r.value().find("missing").data == nullptr);
  CHECK(r.value().find("ap").data == nullptr);
  // The hint is only where the search starts: a wrong one or one beyond the entries still finds it.
  CHECK(r.value().find("app", 1).data == blob.data);
  CHECK(r.value().find("app", 0).data == blob.data);
  CHECK(r.value().find("app", 7).data == blob.data);
  CHECK(r.value().find("system.spec", 1).size == 3);

  img.resize(8192 + 2);  // the app blob is now cut short
  CHECK(BootImage::parse(img.data(), img.size()).status() == Status::kInvalidArgument);
}

namespace {

/// demo() plus a notification, a region mapped into the client and an IRQ for the server.
SpecBuilder grants() {
  SpecBuilder b = demo();
  b.header.notification_count = 1;
  b.components[0].cap_slots = 4;
  b.components[0].cap_count = 2;
  b.components[1].cap_first = 2;
  b.components[1].cap_count = 2;
  b.components[1].cap_slots = 4;
  b.caps = {Cap{1, 1, tessera::rights::kRecv, 0, 0, 0}, Cap{2, 4, 0, 0, 0, 0},
            Cap{1, 1, tessera::rights::kSend, 0, 0, 2}, Cap{3, 3, tessera::rights::kRead, 0, 0, 0}};
  b.regions.push_back(Region{2, 0});
  b.irqs.push_back(Irq{4, 0, 1u << 4, 0, 0});
  b.mappings.push_back(Mapping{1, 3, tessera::layout::kSharedBase});
  return b;
}

}  // namespace

TEST_CASE("regions, IRQs and mappings are checked against what exists") {
  SUBCASE("well formed") {
    auto words = grants().build();
    auto r = BootSpec::parse(reinterpret_cast<uint8_t*>(words.data()), words.size() * 8, scratch);
    REQUIRE(r.ok());
    CHECK(r.value().region(0).pages == 2);
    CHECK(r.value().irq(0).line == 4);
    CHECK(r.value().mapping(0).slot == 3);
  }
  SUBCASE("a cap of an unknown type") {
    SpecBuilder b = grants();
    b.caps[1].type = 9;
    auto words = b.build();
    CHECK(parse(words) == Status::kInvalidArgument);
  }
  SUBCASE("an IRQ cap naming no IRQ") {
    SpecBuilder b = grants();
    b.caps[1].object = 1;
    auto words = b.build();
    CHECK(parse(words) == Status::kInvalidArgument);
  }
  SUBCASE("an empty region") {
    SpecBuilder b = grants();
    b.regions[0].pages = 0;
    auto words = b.build();
    CHECK(parse(words) == Status::kInvalidArgument);
  }
  SUBCASE("an IRQ on a line beyond the range, or given twice") {
    SpecBuilder b = grants();
    b.irqs[0].line = kMaxIrqLines;
    auto words = b.build();
    CHECK(parse(words) == Status::kInvalidArgument);
    b = grants();
    b.irqs.push_back(b.irqs[0]);
    words = b.build();
    CHECK(parse(words) == Status::kInvalidArgument);
  }
  SUBCASE("an IRQ signalling a missing notification, or no bit") {
    SpecBuilder b = grants();
    b.irqs[0].notification = 1;
    auto words = b.build();
    CHECK(parse(words) == Status::kInvalidArgument);
    b = grants();
    b.irqs[0].bits = 0;
    words = b.build();
    CHECK(parse(words) == Status::kInvalidArgument);
  }
  SUBCASE("a mapping whose slot holds no memory cap") {
    SpecBuilder b = grants();
    b.mappings[0].slot = 1;  // the client's endpoint cap
    auto words = b.build();
    CHECK(parse(words) == Status::kInvalidArgument);
  }
  SUBCASE("a mapping outside the shared area, or unaligned") {
    SpecBuilder b = grants();
    b.mappings[0].vaddr = tessera::layout::kHeapBase;
    auto words = b.build();
    CHECK(parse(words) == Status::kInvalidArgument);
    b = grants();
    b.mappings[0].vaddr += 8;
    words = b.build();
    CHECK(parse(words) == Status::kInvalidArgument);
    b = grants();
    b.mappings[0].vaddr = tessera::layout::kIpcBufferBase - 4096;  // 2 pages do not fit below the buffers
    words = b.build();
    CHECK(parse(words) == Status::kInvalidArgument);
  }
  SUBCASE("a map quota beyond the limit") {
    SpecBuilder b = grants();
    b.components[1].map_pages = kMaxMapPages + 1;
    auto words = b.build();
    CHECK(parse(words) == Status::kInvalidArgument);
  }
}

namespace {

/// demo() plus a supervisor: component 2 receives on endpoint 1, its fault endpoint, and holds
/// a component cap to the server, which it supervises (restart on failure, twice at most).
SpecBuilder supervised() {
  SpecBuilder b = demo();
  b.header.endpoint_count = 2;
  b.components.push_back(component("sup", 2, 2, 4));
  b.caps.push_back(Cap{1, 1, tessera::rights::kRecv, 1, 0, 0});
  b.caps.push_back(Cap{2, static_cast<uint16_t>(tessera::CapType::kComponent), tessera::rights::kSend, 0, 0, 0});
  Component& server = b.components[0];
  server.supervisor_endpoint = 1;
  server.restart = static_cast<uint32_t>(tessera::RestartPolicy::kOnFailure);
  server.restart_limit = 2;
  server.report_badge = 2;
  return b;
}

}  // namespace

TEST_CASE("supervision fields of the spec are checked") {
  SUBCASE("well formed: supervised, with each policy, started manually or not") {
    for (uint32_t restart = 0; restart <= 2; ++restart) {
      for (uint32_t flags : {0u, kFlagStartManual, kFlagStartManual | kFlagShutdownOnExit}) {
        INFO("restart " << restart << ", flags " << flags);
        SpecBuilder b = supervised();
        b.components[0].restart = restart;
        b.components[0].flags = flags;
        auto words = b.build();
        auto r = BootSpec::parse(reinterpret_cast<uint8_t*>(words.data()), words.size() * 8, scratch);
        REQUIRE(r.ok());
        CHECK(r.value().component(0).supervisor_endpoint == 1);
        CHECK(r.value().component(0).restart == restart);
        CHECK(r.value().component(0).restart_limit == 2);
        CHECK(r.value().component(0).report_badge == 2);
      }
    }
  }
  SUBCASE("a fault endpoint beyond the spec's endpoints") {
    SpecBuilder b = supervised();
    b.components[0].supervisor_endpoint = 2;
    auto words = b.build();
    CHECK(parse(words) == Status::kInvalidArgument);
    b.components[0].supervisor_endpoint = kNoSupervisor - 1;
    words = b.build();
    CHECK(parse(words) == Status::kInvalidArgument);
  }
  SUBCASE("a component that receives on its own fault endpoint: nobody supervises itself") {
    SpecBuilder b = supervised();
    b.components[0].supervisor_endpoint = 0;  // the server's own endpoint
    auto words = b.build();
    CHECK(parse(words) == Status::kInvalidArgument);
  }
  SUBCASE("a restart policy the kernel does not know") {
    SpecBuilder b = supervised();
    b.components[0].restart = 3;
    auto words = b.build();
    CHECK(parse(words) == Status::kInvalidArgument);
    b.components[0].restart = ~0u;
    words = b.build();
    CHECK(parse(words) == Status::kInvalidArgument);
  }
  SUBCASE("a restart policy or a manual start without a supervisor") {
    SpecBuilder b = demo();
    b.components[1].restart = static_cast<uint32_t>(tessera::RestartPolicy::kAlways);
    auto words = b.build();
    CHECK(parse(words) == Status::kInvalidArgument);
    b = demo();
    b.components[1].restart = static_cast<uint32_t>(tessera::RestartPolicy::kOnFailure);
    words = b.build();
    CHECK(parse(words) == Status::kInvalidArgument);
    b = demo();
    b.components[1].flags = kFlagStartManual;
    words = b.build();
    CHECK(parse(words) == Status::kInvalidArgument);
    // Unsupervised with neither is fine, its limit and badge meaning nothing.
    b = demo();
    b.components[1].restart_limit = 5;
    b.components[1].report_badge = 9;
    b.components[1].flags = kFlagShutdownOnExit;
    words = b.build();
    CHECK(parse(words) == Status::kOk);
  }
  SUBCASE("flags the kernel does not know") {
    for (uint32_t flag = 4; flag != 0; flag <<= 1) {
      INFO("flag " << flag);
      SpecBuilder b = supervised();
      b.components[0].flags = flag | kFlagStartManual;
      auto words = b.build();
      CHECK(parse(words) == Status::kInvalidArgument);
    }
  }
  SUBCASE("a component cap naming its holder") {
    // The supervisor, supervised in turn (by the server's endpoint, all else being well),
    // holds a cap to itself.
    SpecBuilder b = supervised();
    b.components[2].supervisor_endpoint = 0;
    auto words = b.build();
    REQUIRE(parse(words) == Status::kOk);
    b.caps[3].object = 2;
    words = b.build();
    CHECK(parse(words) == Status::kInvalidArgument);
  }
  SUBCASE("a component cap naming an unsupervised component, or none") {
    SpecBuilder b = supervised();
    b.caps[3].object = 1;  // the client
    auto words = b.build();
    CHECK(parse(words) == Status::kInvalidArgument);
    b.caps[3].object = 3;  // beyond the components
    words = b.build();
    CHECK(parse(words) == Status::kInvalidArgument);
    // The client, supervised too, may be named.
    b = supervised();
    b.caps[3].object = 1;
    b.components[1].supervisor_endpoint = 1;
    words = b.build();
    CHECK(parse(words) == Status::kOk);
  }
  SUBCASE("a component cap held by a component other than the supervisor is allowed") {
    SpecBuilder b = supervised();
    b.components[1].cap_count = 2;
    b.components[1].cap_slots = 3;
    b.caps.insert(b.caps.begin() + 2, Cap{2, static_cast<uint16_t>(tessera::CapType::kComponent), 0, 0, 0, 0});
    b.components[2].cap_first = 3;
    auto words = b.build();
    CHECK(parse(words) == Status::kOk);
  }
}
