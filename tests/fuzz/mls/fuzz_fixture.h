// Shared fixture pieces for the group-level fuzz targets (welcome_fuzz.cpp, commit_fuzz.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "lagrum/mls/group.h"

namespace lagrum::mls::fuzz {

inline Credential credential(const std::string& name) {
    return Credential::basic(Bytes(name.begin(), name.end()));
}

inline GroupConfig accept_all() {
    GroupConfig c;
    c.credential_policy = [](const Credential&, ByteView) { return true; };
    c.accept_external_commits = true;  // so the external Commit paths are fuzzed
    return c;
}

// A valid message with the fuzz input written over it: input[0..1] pick the offset, the
// rest overwrites bytes from there (clipped to the message). Random bytes rarely get past
// the header of a message for *this* group; patched valid messages reach the deeper
// checks (membership tag, signatures, AEAD, tree validation).
inline Bytes patch(const Bytes& valid, const std::uint8_t* data, std::size_t size) {
    Bytes out = valid;
    if (size < 3 || out.empty()) return out;
    const std::size_t off = ((std::size_t{data[0]} << 8) | data[1]) % out.size();
    for (std::size_t i = 2; i < size && off + i - 2 < out.size(); ++i) out[off + i - 2] = data[i];
    return out;
}

// Runs body(); the only failure allowed is MlsError. Anything else aborts the fuzzer.
template <class F>
void only_mls_errors(F&& body) {
    try {
        body();
    } catch (const MlsError&) {
    } catch (const std::exception& e) {
        std::fprintf(stderr, "non-MlsError exception: %s\n", e.what());
        std::abort();
    } catch (...) {
        std::abort();
    }
}

}  // namespace lagrum::mls::fuzz
