// The storage backends' bounded pool of read connections (SQLite and PostgreSQL alike):
// at most `max` connections exist and a further reader waits for a free one, because
// opening one per read is dear (SQLite parses the schema, PostgreSQL starts a backend).
// A connection whose read threw, or that `usable` rejects afterwards, is closed instead of
// going back: its state is unknown.
//
// Conn may be incomplete where the pool is declared; read() and the destructor are
// instantiated in the backend's .cpp, where it is complete.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "lagrum/relay/storage.h"

namespace lagrum::relay {

template <class Conn>
class ReaderPool {
  public:
    using Open = std::function<std::unique_ptr<Conn>()>;
    using Usable = std::function<bool(const Conn&)>;

    // `open` makes a new connection (it may throw: the read then fails with its message);
    // `usable`, when given, is asked before a connection goes back.
    ReaderPool(std::size_t max, Open open, Usable usable = nullptr)
        : max_(max < 1 ? 1 : max), open_(std::move(open)), usable_(std::move(usable)) {}
    ReaderPool(const ReaderPool&) = delete;
    ReaderPool& operator=(const ReaderPool&) = delete;

    // Runs fn on a pooled connection; an exception becomes StoreErrc::internal.
    template <class T>
    StoreResult<T> read(const std::function<StoreResult<T>(Conn&)>& fn) {
        std::unique_ptr<Conn> conn = take();
        try {
            if (!conn) conn = open_();
            auto result = fn(*conn);
            give_back(std::move(conn));
            return result;
        } catch (const std::exception& e) {
            conn.reset();  // closed before its place is freed: never more than `max`
            give_back(nullptr);
            return StoreError{StoreErrc::internal, e.what()};
        }
    }

  private:
    // A free connection, or null when the caller may open a new one (counted already).
    std::unique_ptr<Conn> take() {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return !free_.empty() || open_count_ < max_; });
        if (free_.empty()) {
            ++open_count_;
            return nullptr;
        }
        auto conn = std::move(free_.back());
        free_.pop_back();
        return conn;
    }
    // Returns the connection, or closes it (null, or not usable) and frees its place.
    void give_back(std::unique_ptr<Conn> conn) {
        std::lock_guard lock(mu_);
        if (conn && (!usable_ || usable_(*conn))) {
            free_.push_back(std::move(conn));
        } else {
            conn.reset();
            --open_count_;
        }
        cv_.notify_one();
    }

    const std::size_t max_;
    const Open open_;
    const Usable usable_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::vector<std::unique_ptr<Conn>> free_;
    std::size_t open_count_ = 0;
};

}  // namespace lagrum::relay
