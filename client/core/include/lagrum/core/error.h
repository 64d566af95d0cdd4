// The client core's typed error: a code the CLI and the app map to exit codes and
// messages, plus one English sentence for people (never a personnummer, never message
// text). Every public core call reports failure by throwing core::Error; nothing else
// escapes (MLS, protobuf and SQLite errors are translated at the boundary).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace lagrum::core {

enum class Errc {
    bad_input,            // a caller's argument or file is malformed (CLI exit 2)
    wrong_passphrase,     // the profile key does not unwrap
    corrupt_store,        // the profile's files are damaged or not a Lagrum profile
    no_profile,           // no profile in the folder
    profile_exists,       // init over an existing profile
    no_certificate,       // the profile has no member certificate yet
    certificate_invalid,  // a certificate, anchor or revocation list does not verify
    not_found,            // unknown room, member, message, device
    conflict,             // name clash, already a member, ...
    relay_unavailable,    // the relay cannot be reached (offline is normal)
    relay_rejected,       // the relay answered with an error
    io_error,             // a file cannot be read or written
    internal,             // a bug: an invariant did not hold
};
std::string_view errc_name(Errc code) noexcept;

class Error : public std::runtime_error {
  public:
    Error(Errc code, const std::string& message) : std::runtime_error(message), code_(code) {}
    Errc code() const noexcept { return code_; }

  private:
    Errc code_;
};

}  // namespace lagrum::core
