// Typed errors of the MLS layer.
//
// Inside crypto/mls, failures are thrown as MlsError (one class, with a code): it keeps
// the RFC's long validation chains readable. Every public entry point documents that it
// throws MlsError and nothing else; callers at the next layer convert it to their own
// typed error.
#pragma once

#include <stdexcept>
#include <string>

namespace lagrum::mls {

enum class MlsErrc {
    decode,        // malformed encoding, truncated input, trailing bytes, bad varint
    length_limit,  // a length prefix beyond what we accept (bounded before allocation)
    unsupported,   // cipher suite, version, credential type, extension we do not handle
    bad_signature,
    bad_membership_tag,
    wrong_group,
    wrong_epoch,
    generation_too_old,  // secret tree key already consumed / deleted (replay or too old)
    generation_too_far,  // beyond the forward-ratchet window
    decryption_failed,
    not_member,  // sender leaf is blank / out of range
    invalid_proposal,
    invalid_commit,
    invalid_path,  // UpdatePath / parent hash / tree hash mismatch
    invalid_key_package,
    invalid_leaf_node,
    invalid_tree,
    credential_rejected,  // the caller's credential policy said no
    invalid_state,        // API misuse (e.g. no pending commit)
    crypto,               // underlying primitive failed unexpectedly
};

const char* mls_errc_name(MlsErrc code) noexcept;

class MlsError : public std::runtime_error {
  public:
    MlsError(MlsErrc code, const std::string& message) : std::runtime_error(message), code_(code) {}
    MlsErrc code() const noexcept { return code_; }

  private:
    MlsErrc code_;
};

[[noreturn]] inline void fail(MlsErrc code, const std::string& message) {
    throw MlsError(code, message);
}

}  // namespace lagrum::mls
