// What each run of the worker leaves in the shared page `runs`, for the boss to check.
#pragma once

#include <stdint.h>

struct Runs {
  uint64_t count;     ///< runs so far
  uint64_t fault_ip;  ///< where the last run faulted
};
