// The one doctest main of the host test binary.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "tests/host/fake_platform.h"

// A kernel panic in a test (platform::shutdown throws) names its status instead of being an
// "unknown exception".
REGISTER_EXCEPTION_TRANSLATOR(const fake::Shutdown& s) {
  return doctest::String("the system powered off (a kernel panic?) with status ") + doctest::toString(s.status);
}
