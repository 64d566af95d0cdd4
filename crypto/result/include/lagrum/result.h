// The one result type of every Lagrum boundary: Result<T, E> holds either a value or
// the layer's own typed error (crypto::Error, relay::StoreError, cert::CertError,
// legal::CatalogError, legal::InputError, wire::HeaderError). Each layer keeps its own
// error type; they all share this template, so every fallible call reads the same way:
//
//     auto r = f();
//     if (!r.ok()) return handle(r.error());
//     use(r.value());
//
// The class is [[nodiscard]]: a call whose result is ignored does not compile under the
// project's -Werror (tests/errors checks that it stays so).
//
// It is a std::variant<T, E> underneath, publicly, so code written against the earlier
// std::variant returns (std::get_if, std::holds_alternative, std::get, std::visit) keeps
// compiling while callers move to ok()/value()/error(). Accessing the wrong side throws
// BadResultAccess (a programming error, never UB).
//
// Header-only and dependency-free (CMake target lagrum_result, which lagrum_crypto and
// the secret-free wire library link), so any layer can use it without libsodium.
#pragma once

#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace lagrum {

class BadResultAccess : public std::logic_error {
  public:
    using std::logic_error::logic_error;
};

template <class T, class E>
class [[nodiscard]] Result : public std::variant<T, E> {
    static_assert(!std::is_same_v<std::decay_t<T>, std::decay_t<E>>,
                  "a Result's value and error types must differ");
    using Base = std::variant<T, E>;

  public:
    using value_type = T;
    using error_type = E;

    Result(T value) : Base(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit
    Result(E error) : Base(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit
    // From the variant it replaces (callers that still spell std::variant<T, E>).
    Result(Base v) : Base(std::move(v)) {}  // NOLINT: implicit

    bool ok() const noexcept { return this->index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    T& value() & {
        check();
        return std::get<0>(base());
    }
    const T& value() const& {
        check();
        return std::get<0>(base());
    }
    T&& value() && {
        check();
        return std::get<0>(std::move(base()));
    }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    E& error() & {
        if (ok()) throw BadResultAccess("error() on a successful Result");
        return std::get<1>(base());
    }
    const E& error() const& {
        if (ok()) throw BadResultAccess("error() on a successful Result");
        return std::get<1>(base());
    }
    E&& error() && {
        if (ok()) throw BadResultAccess("error() on a successful Result");
        return std::get<1>(std::move(base()));
    }

  private:
    Base& base() noexcept { return *this; }
    const Base& base() const noexcept { return *this; }
    void check() const {
        if (ok()) return;
        if constexpr (requires(const E& e) { std::string(e.message); }) {
            throw BadResultAccess("value() on a failed Result: " + std::string(error().message));
        } else {
            throw BadResultAccess("value() on a failed Result");
        }
    }
};

// Converts one layer's failure into another's, keeping the value: the single bridge
// between two error types. `convert` maps E1 to E2.
template <class T, class E1, class F>
auto map_error(Result<T, E1>&& r, F&& convert)
    -> Result<T, std::decay_t<decltype(convert(std::declval<const E1&>()))>> {
    if (r.ok()) return std::move(r).value();
    return convert(r.error());
}

}  // namespace lagrum
