// tally: answers add(w, v) with v + 1 and counts calls per worker; done(w, n, cpu) checks
// that the worker's count of calls matches the server's.
#include "component.h"

namespace self = TESSERA_COMPONENT;
namespace ifc = tessera::interfaces::tally;

namespace {

constexpr uint64_t kMaxWorkers = tessera::kMaxCpus;  // one worker per CPU at most

struct Tally {
  uint64_t calls[kMaxWorkers] = {};
  uint64_t finished_count = 0;
  uint32_t cpu = tessera::sys::cpu_id();

  tessera::Outcome<uint64_t, ifc::Error> add(uint64_t worker, uint64_t value) {
    if (worker < kMaxWorkers) ++calls[worker];
    return value + 1;
  }
  tessera::Outcome<uint64_t, ifc::Error> done(uint64_t worker, uint64_t worker_calls, uint64_t worker_cpu) {
    if (worker >= kMaxWorkers) return uint64_t{0};
    const bool match = calls[worker] == worker_calls;
    tessera::log("tally: worker %lu (cpu %lu) made %lu calls, tally on cpu %u counted %lu: %s\n", worker, worker_cpu,
                 worker_calls, cpu, calls[worker], match ? "match" : "MISMATCH");
    if (match) ++finished_count;
    return calls[worker];
  }
  tessera::Outcome<uint64_t, ifc::Error> finished() { return finished_count; }
};

}  // namespace

int main() {
  Tally impl;
  tessera::log("%s: serving on cpu %u\n", self::kName, impl.cpu);
  self::serve(impl);
}
