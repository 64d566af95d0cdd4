// ReaderPool (relay/reader_pool.h), the bounded pool of read connections both storage
// backends use: the bound holds under concurrent readers, and a connection whose read
// threw, that could not be opened, or that the backend finds unusable is closed and
// its place freed (a leaked place would make later readers wait for ever).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "lagrum/relay/reader_pool.h"

namespace lagrum::relay {
namespace {

struct Counts {
    std::atomic<int> opened{0};
    std::atomic<int> live{0};
    std::atomic<int> peak{0};
};

struct FakeConn {
    explicit FakeConn(Counts& c) : counts(c), id(++c.opened) {
        const int now = ++counts.live;
        int seen = counts.peak.load();
        while (now > seen && !counts.peak.compare_exchange_weak(seen, now)) {
        }
    }
    ~FakeConn() { --counts.live; }
    FakeConn(const FakeConn&) = delete;
    FakeConn& operator=(const FakeConn&) = delete;
    Counts& counts;
    int id;
    bool broken = false;
};

using Pool = ReaderPool<FakeConn>;

Pool::Open opener(Counts& c) {
    return [&c] { return std::make_unique<FakeConn>(c); };
}

StoreResult<int> read_id(Pool& pool) {
    return pool.read<int>([](FakeConn& c) -> StoreResult<int> { return c.id; });
}

TEST(ReaderPool, ReusesOneConnectionForSequentialReads) {
    Counts counts;
    Pool pool(4, opener(counts));
    for (int i = 0; i < 5; ++i) {
        auto r = read_id(pool);
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(r.value(), 1);
    }
    EXPECT_EQ(counts.opened.load(), 1);
}

TEST(ReaderPool, AThrowingReadClosesItsConnectionAndFreesItsPlace) {
    Counts counts;
    Pool pool(1, opener(counts));
    auto r = pool.read<int>(
        [](FakeConn&) -> StoreResult<int> { throw std::runtime_error("disk I/O error"); });
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, StoreErrc::internal);
    EXPECT_EQ(r.error().message, "disk I/O error");
    EXPECT_EQ(counts.live.load(), 0);  // not kept: its state is unknown
    // With max 1, a leaked place would block here for ever.
    auto again = read_id(pool);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again.value(), 2);
}

TEST(ReaderPool, AConnectionThatCannotBeOpenedFailsTheReadAndFreesItsPlace) {
    Counts counts;
    bool fail_open = true;
    Pool pool(1, [&]() -> std::unique_ptr<FakeConn> {
        if (fail_open) throw std::runtime_error("could not connect");
        return std::make_unique<FakeConn>(counts);
    });
    auto r = read_id(pool);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "could not connect");
    fail_open = false;
    auto again = read_id(pool);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again.value(), 1);
}

TEST(ReaderPool, AnUnusableConnectionIsNotReused) {
    Counts counts;
    Pool pool(2, opener(counts), [](const FakeConn& c) { return !c.broken; });
    auto r = pool.read<int>([](FakeConn& c) -> StoreResult<int> {
        c.broken = true;  // as a PostgreSQL connection whose server went away
        return c.id;
    });
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(counts.live.load(), 0);
    auto again = read_id(pool);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again.value(), 2);
}

TEST(ReaderPool, NeverMoreConnectionsThanTheBoundUnderConcurrentReaders) {
    Counts counts;
    Pool pool(3, opener(counts));
    std::atomic<int> inside{0}, most_inside{0}, failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 500; ++i) {
                auto r = pool.read<int>([&](FakeConn& c) -> StoreResult<int> {
                    const int now = ++inside;
                    int seen = most_inside.load();
                    while (now > seen && !most_inside.compare_exchange_weak(seen, now)) {
                    }
                    --inside;
                    return c.id;
                });
                if (!r.ok()) ++failures;
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_LE(counts.peak.load(), 3);
    EXPECT_LE(counts.opened.load(), 3);
    EXPECT_LE(most_inside.load(), 3);
}

}  // namespace
}  // namespace lagrum::relay
