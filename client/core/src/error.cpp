#include "lagrum/core/error.h"

namespace lagrum::core {

std::string_view errc_name(Errc code) noexcept {
    switch (code) {
        case Errc::bad_input: return "bad_input";
        case Errc::wrong_passphrase: return "wrong_passphrase";
        case Errc::corrupt_store: return "corrupt_store";
        case Errc::no_profile: return "no_profile";
        case Errc::profile_exists: return "profile_exists";
        case Errc::no_certificate: return "no_certificate";
        case Errc::certificate_invalid: return "certificate_invalid";
        case Errc::not_found: return "not_found";
        case Errc::conflict: return "conflict";
        case Errc::relay_unavailable: return "relay_unavailable";
        case Errc::relay_rejected: return "relay_rejected";
        case Errc::io_error: return "io_error";
        case Errc::internal: return "internal";
    }
    return "internal";
}

}  // namespace lagrum::core
