// Ensures sodium_init() ran before any libsodium call (thread-safe, idempotent).
#pragma once

namespace lagrum::crypto::detail {
void ensure_sodium();
}
