// Result<T>: a value or a tessera::Status, the kernel's only way of reporting failure.
#pragma once

#include "tessera/abi.h"

namespace kernel {

using tessera::Status;

/// Holds either a T (status kOk) or a failure Status. T must be default-constructible.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(value), status_(Status::kOk) {}  // NOLINT: implicit by design
  Result(Status status) : value_(), status_(status) {}      // NOLINT: implicit by design

  bool ok() const { return status_ == Status::kOk; }
  Status status() const { return status_; }
  T value() const { return value_; }

 private:
  T value_;
  Status status_;
};

}  // namespace kernel

/// Evaluates a Result; returns its Status from the enclosing function on failure,
/// otherwise yields the value.
#define TRY(expr)                                       \
  ({                                                    \
    auto try_result_ = (expr);                          \
    if (!try_result_.ok()) return try_result_.status(); \
    try_result_.value();                                \
  })
