// race.h: the shared page of the race on CPUs 1 and 2 (memory `race`): how far each caller
// got, and the boss's word to stop.
#pragma once

#include <stdint.h>

struct Race {
  volatile uint64_t stop;         ///< set by the boss after its last restart
  volatile uint64_t answered[2];  ///< calls answered: client, crosser
  volatile uint64_t died[2];      ///< calls that got kPeerDied
};
