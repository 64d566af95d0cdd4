#include "pseudonym.h"

#include <variant>

#include "lagrum/core/error.h"
#include "lagrum/core/legal/personnummer.h"
#include "lagrum/crypto/hash.h"

namespace lagrum::core::messaging {

crypto::Bytes keyed_pseudonym(crypto::ByteView key, const std::string& personnummer,
                              const legal::Date& today) {
    auto parsed = legal::parse_personnummer(personnummer, today);
    const auto* p = std::get_if<legal::Personnummer>(&parsed);
    if (p == nullptr) {
        throw Error(Errc::bad_input,
                    "the personnummer is not valid: " +
                        std::string(legal::describe(std::get<legal::PersonnummerError>(parsed))));
    }
    std::string digits;
    for (char ch : personnummer) {
        if (ch >= '0' && ch <= '9') digits.push_back(ch);
    }
    // The key text is the birth date and the last four digits: what every written form
    // shares (the century and the separator differ between forms, the rest does not).
    const std::string canonical =
        legal::to_string(p->birth_date) + "/" + digits.substr(digits.size() - 4);
    const auto mac = crypto::hmac_sha256(key, crypto::as_bytes(canonical));
    return crypto::Bytes(mac.data(), mac.data() + kPseudonymSize);
}

}  // namespace lagrum::core::messaging
