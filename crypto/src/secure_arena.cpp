#include "secure_arena.h"

#include <sodium.h>

#include <array>
#include <cstring>
#include <mutex>
#include <new>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#define LAGRUM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LAGRUM_ASAN 1
#endif
#endif

#ifdef LAGRUM_ASAN
#include <sanitizer/asan_interface.h>
#define LAGRUM_POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define LAGRUM_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define LAGRUM_POISON(p, n) ((void)(p), (void)(n))
#define LAGRUM_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

namespace lagrum::crypto::detail {
namespace {

constexpr std::array<std::size_t, 6> kSlotSizes = {32, 64, 128, 256, 512, kArenaMaxSlot};
constexpr std::size_t kChunkSize = 64 * 1024;

std::size_t slot_class(std::size_t n) {
    std::size_t c = 0;
    while (kSlotSizes[c] < n) ++c;
    return c;
}

class Arena {
  public:
    std::uint8_t* allocate(std::size_t n) {
        const std::size_t c = slot_class(n);
        std::lock_guard<std::mutex> lock(mu_);
        auto& list = free_[c];
        if (list.empty()) refill(c);
        std::uint8_t* p = list.back();
        list.pop_back();
        LAGRUM_UNPOISON(p, kSlotSizes[c]);
        return p;
    }

    void release(std::uint8_t* p, std::size_t n) noexcept {
        const std::size_t c = slot_class(n);
        sodium_memzero(p, kSlotSizes[c]);
        LAGRUM_POISON(p, kSlotSizes[c]);
        std::lock_guard<std::mutex> lock(mu_);
        free_[c].push_back(p);  // capacity reserved in refill(): cannot throw
    }

  private:
    void refill(std::size_t c) {
        auto* chunk = static_cast<std::uint8_t*>(sodium_malloc(kChunkSize));
        if (chunk == nullptr) throw std::bad_alloc();
        std::memset(chunk, 0, kChunkSize);
        const std::size_t slot = kSlotSizes[c];
        const std::size_t count = kChunkSize / slot;
        slots_[c] += count;
        free_[c].reserve(slots_[c]);
        for (std::size_t i = count; i-- > 0;) {
            std::uint8_t* p = chunk + i * slot;
            LAGRUM_POISON(p, slot);
            free_[c].push_back(p);
        }
    }

    std::mutex mu_;
    std::array<std::vector<std::uint8_t*>, kSlotSizes.size()> free_;
    std::array<std::size_t, kSlotSizes.size()> slots_{};
};

// Never destroyed: SecretBytes with static storage may be released after any other
// static destructor has run. Chunks stay reachable from here (no leak report).
Arena& arena() {
    static Arena* a = new Arena();
    return *a;
}

}  // namespace

std::uint8_t* secure_alloc(std::size_t n) {
    if (n <= kArenaMaxSlot) {
        std::uint8_t* p = arena().allocate(n);
        std::memset(p, 0, n);
        return p;
    }
    auto* p = static_cast<std::uint8_t*>(sodium_malloc(n));
    if (p == nullptr) throw std::bad_alloc();
    std::memset(p, 0, n);
    return p;
}

void secure_free(std::uint8_t* p, std::size_t n) noexcept {
    if (p == nullptr) return;
    if (n <= kArenaMaxSlot) {
        arena().release(p, n);
    } else {
        sodium_free(p);  // wipes before unmapping
    }
}

}  // namespace lagrum::crypto::detail
