// Status and Result<T>: errors as values.
//
// A Status is either OK or carries one code from a closed set and a human-readable
// message that names the field and the rule that failed. Result<T> holds either a T or
// a non-OK Status. Both are cheap to move, immutable once built, and safe to share
// between threads as const values. Exceptions thrown by third-party libraries are
// caught at that library's edge and turned into a Status there.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace entente {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,    // input breaks a rule; the message names the field and the rule
  kNotFound,           // the thing does not exist, or the caller may not know it exists
  kAlreadyExists,      // a create collided with an existing name or id
  kPermissionDenied,   // authenticated, but not allowed
  kUnauthenticated,    // no or bad credentials
  kResourceExhausted,  // a limit was hit (body size, depth, page size, quota)
  kCorruption,         // stored data is not what we wrote
  kIoError,            // the operating system refused a read or write
  kUnavailable,        // try again later (peer down, database busy)
  kInternal,           // a bug: an invariant did not hold
};

// Stable lower-case name of a code ("invalid-argument"), used in logs and JSON errors.
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
  static Status PermissionDenied(std::string m) {
    return {StatusCode::kPermissionDenied, std::move(m)};
  }
  static Status Unauthenticated(std::string m) {
    return {StatusCode::kUnauthenticated, std::move(m)};
  }
  static Status ResourceExhausted(std::string m) {
    return {StatusCode::kResourceExhausted, std::move(m)};
  }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "invalid-argument: <message>", or "ok".
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Either a value or a non-OK Status. Accessing value() on an error is a programmer
// error (asserted), never an input error.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
  T& value() & {
    assert(ok());
    return std::get<T>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<T>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace entente

// Returns early from the enclosing function if `expr` (a Status) is not OK.
#define ENTENTE_RETURN_IF_ERROR(expr)        \
  do {                                       \
    ::entente::Status entente_s_ = (expr);   \
    if (!entente_s_.ok()) return entente_s_; \
  } while (0)
