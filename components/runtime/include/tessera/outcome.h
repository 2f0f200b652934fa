// Outcome<T, E>: what a generated client returns, a value, an interface error, or a failure
// Status of the call itself. Header-only, freestanding (no exceptions).
#pragma once

#include <stdint.h>

#include <utility>

#include <tessera/abi.h>

namespace tessera {

/// The result of a call: a T (success), an E (the interface's declared error), or a Status
/// (the call failed: transport, protocol, or an undecodable reply).
template <class T, class E>
class [[nodiscard]] Outcome {
 public:
  Outcome(T value) : value_(std::move(value)) {}              // NOLINT: implicit by design
  Outcome(E error) : error_(error), state_(State::kError) {}  // NOLINT: implicit by design

  /// A failed call; `status` should not be kOk.
  static Outcome failure(Status status) {
    Outcome o{T{}};
    o.status_ = status;
    o.state_ = State::kFailure;
    return o;
  }

  bool ok() const { return state_ == State::kValue; }
  explicit operator bool() const { return ok(); }
  /// The value; a default T unless ok().
  T& value() { return value_; }
  const T& value() const { return value_; }
  /// The interface error; E{} when ok or when the call failed.
  E error() const { return state_ == State::kError ? error_ : E{}; }
  /// kOk unless the call failed.
  Status status() const { return state_ == State::kFailure ? status_ : Status::kOk; }

 private:
  enum class State : uint8_t { kValue, kError, kFailure };
  T value_{};
  E error_{};
  Status status_ = Status::kOk;
  State state_ = State::kValue;
};

/// The outcome of a method without outputs: default-constructed means success.
template <class E>
class [[nodiscard]] Outcome<void, E> {
 public:
  Outcome() = default;
  Outcome(E error) : error_(error), state_(State::kError) {}  // NOLINT: implicit by design

  static Outcome failure(Status status) {
    Outcome o;
    o.status_ = status;
    o.state_ = State::kFailure;
    return o;
  }

  bool ok() const { return state_ == State::kValue; }
  explicit operator bool() const { return ok(); }
  E error() const { return state_ == State::kError ? error_ : E{}; }
  Status status() const { return state_ == State::kFailure ? status_ : Status::kOk; }

 private:
  enum class State : uint8_t { kValue, kError, kFailure };
  E error_{};
  Status status_ = Status::kOk;
  State state_ = State::kValue;
};

}  // namespace tessera
