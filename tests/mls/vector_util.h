// Helpers shared by the MLS tests: suite filtering and per-file vector counts, and the
// error code a call throws.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <string>

#include "lagrum/crypto/bytes.h"
#include "lagrum/mls/error.h"
#include "lagrum/test/shared.h"

namespace lagrum::mls::testing {

inline constexpr std::uint16_t kOurSuite = 3;

inline nlohmann::json load_mls_vectors(const std::string& file) {
    return lagrum::test::load_shared_json("test-vectors/mls/" + file);
}

inline crypto::Bytes bytes_of(const nlohmann::json& j) {
    return lagrum::test::from_hex(j.get<std::string>());
}

inline std::string hex(crypto::ByteView b) {
    return lagrum::test::to_hex(b.data(), b.size());
}

// Counts the cases of one vector file. Cases of other suites are out of scope (Lagrum
// implements suite 3 only) and are counted as skipped; a suite-3 case that was not run
// to completion, or a file without suite-3 cases, fails the test.
class VectorCounter {
  public:
    VectorCounter(std::string file, bool suite_independent = false)
        : file_(std::move(file)), suite_independent_(suite_independent) {}
    ~VectorCounter() {
        std::cout << "[mls vectors] " << file_ << ": " << ran_ << " case(s) ran"
                  << (suite_independent_ ? " (suite-independent)" : " for suite 3") << ", "
                  << skipped_other_suite_ << " case(s) of other suites skipped as out of scope"
                  << std::endl;
    }
    // True if the case is for suite 3 (the caller must run it and then call ran()).
    bool wants(std::uint16_t suite) {
        if (suite == kOurSuite) {
            ++wanted_;
            return true;
        }
        ++skipped_other_suite_;
        return false;
    }
    void ran() { ++ran_; }
    // Call at the end of the test.
    void check() const {
        if (!suite_independent_) {
            EXPECT_GT(wanted_, 0) << file_ << " has no suite-3 case";
            EXPECT_EQ(ran_, wanted_) << file_ << ": a suite-3 case was skipped or failed early";
        } else {
            EXPECT_GT(ran_, 0) << file_ << " has no cases";
        }
    }

  private:
    std::string file_;
    bool suite_independent_;
    int wanted_ = 0;
    int ran_ = 0;
    int skipped_other_suite_ = 0;
};

// The MlsErrc that `f` throws; a test failure (and MlsErrc::crypto) if it throws none.
// MLS_TEST_VERBOSE=1 prints each error message with the calling line.
inline MlsErrc code_of(const std::function<void()>& f, int line = __builtin_LINE()) {
    try {
        f();
    } catch (const MlsError& e) {
        if (std::getenv("MLS_TEST_VERBOSE") != nullptr) {
            std::cerr << line << ": " << e.what() << "\n";
        }
        return e.code();
    }
    ADD_FAILURE() << "no MlsError thrown (line " << line << ")";
    return MlsErrc::crypto;
}

}  // namespace lagrum::mls::testing
