// Typed errors for the crypto layer: every fallible function returns Result<T>.
//
// C++20 has no std::expected, so this is a small, explicit stand-in. Accessing the
// value of a failed Result throws BadResultAccess (a programming error, never UB).
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

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

class BadResultAccess : public std::logic_error {
public:
    using std::logic_error::logic_error;
};

template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
    Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

    bool ok() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    T& value() & { check(); return std::get<0>(v_); }
    const T& value() const& { check(); return std::get<0>(v_); }
    T&& value() && { check(); return std::get<0>(std::move(v_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const {
        if (ok()) throw BadResultAccess("error() on a successful Result");
        return std::get<1>(v_);
    }

private:
    void check() const {
        if (!ok()) throw BadResultAccess("value() on failed Result: " + std::get<1>(v_).message);
    }
    std::variant<T, Error> v_;
};

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

inline Error make_error(Errc code, std::string message) { return Error{code, std::move(message)}; }

}  // namespace lagrum::crypto
