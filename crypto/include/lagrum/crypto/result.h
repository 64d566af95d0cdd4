// Typed errors for the crypto layer: every fallible function returns Result<T>.
//
// Result<T> is lagrum::Result<T, Error> (lagrum/result.h, shared by every layer). Accessing
// the value of a failed Result throws BadResultAccess (a programming error, never UB).
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

#include "lagrum/result.h"

namespace lagrum::crypto {

enum class Errc {
    invalid_argument,     // bad length, bad parameter
    invalid_key,          // key rejected (e.g. low-order X25519 point)
    verification_failed,  // signature / MAC mismatch
    decryption_failed,    // AEAD authentication failure
    limit_exceeded,       // RFC-defined limit (HKDF length, HPKE sequence number)
    out_of_memory,        // secure allocation failed
    internal,             // libsodium reported an unexpected failure
};

const char* errc_name(Errc code) noexcept;

struct Error {
    Errc code;
    std::string message;
};

using lagrum::BadResultAccess;

// The crypto layer's instance of the project-wide lagrum::Result (lagrum/result.h).
template <class T>
using Result = lagrum::Result<T, Error>;

// Result of an operation with no value.
class [[nodiscard]] Status {
  public:
    Status() = default;
    Status(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT
    bool ok() const noexcept { return !failed_; }
    explicit operator bool() const noexcept { return ok(); }
    const Error& error() const {
        if (ok()) throw BadResultAccess("error() on a successful Status");
        return error_;
    }

  private:
    Error error_{Errc::internal, {}};
    bool failed_ = false;
};

inline Error make_error(Errc code, std::string message) {
    return Error{code, std::move(message)};
}

}  // namespace lagrum::crypto
