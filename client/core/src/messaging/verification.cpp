// Contact verification (`lagrum verify --mark`): after two people compared their safety
// number in person, each marks the other verified. The mark stores the contact's device
// keys it was made for, so a new or replaced device (a changed safety number) ends it
// without anyone having to remember: verified is always "the same keys as compared".
#include "client_impl.h"

namespace lagrum::core::messaging {

namespace {

Bytes concat(const std::vector<Bytes>& keys) {
    Bytes out;
    for (const auto& k : keys) out.insert(out.end(), k.begin(), k.end());
    return out;
}

}  // namespace

std::vector<Bytes> Client::Impl::contact_keys(const std::string& address) {
    std::vector<Bytes> keys;
    auto st = db.prepare("SELECT device_key FROM contacts WHERE address = ? ORDER BY device_key");
    st.bind(1, address);
    while (st.step()) keys.push_back(st.blob(0));
    return keys;
}

ContactVerification Client::Impl::verification_of(const std::string& address) {
    ContactVerification v;
    v.address = address;
    auto st = db.prepare(
        "SELECT device_keys, safety_number, verified_at FROM verified_contacts WHERE address = ?");
    st.bind(1, address);
    if (!st.step()) return v;
    // Public keys, not secrets: a plain comparison is fine here.
    bool same = st.blob(0) == concat(contact_keys(address));
    v.verified = same;
    v.verification_lost = !same;
    v.safety_number = st.text(1);
    v.verified_at = st.int64(2);
    return v;
}

ContactVerification Client::mark_verified(const std::string& address,
                                          const std::string& compared_digits) {
    auto& d = *impl_;
    if (address == d.require_self().address()) {
        throw Error(Errc::bad_input, "one's own address cannot be marked verified");
    }
    // Throws not_found when no device is known, bad_input for a malformed address.
    auto sn = safety_number(address);
    if (!compared_digits.empty() && compared_digits != sn.digits) {
        throw Error(Errc::conflict, "the safety number with " + address +
                                        " changed since it was shown: compare it again");
    }
    const Bytes keys = concat(d.contact_keys(address));
    d.db.transaction([&] {
        auto st = d.db.prepare(
            "INSERT OR REPLACE INTO verified_contacts(address, device_keys, safety_number, "
            "verified_at) VALUES (?, ?, ?, ?)");
        st.bind(1, address).bind(2, ByteView(keys)).bind(3, sn.digits).bind(4, d.now());
        st.run();
    });
    return d.verification_of(address);
}

ContactVerification Client::unmark_verified(const std::string& address) {
    auto& d = *impl_;
    split_address(address);
    d.db.transaction([&] {
        auto st = d.db.prepare("DELETE FROM verified_contacts WHERE address = ?");
        st.bind(1, address);
        st.run();
    });
    return d.verification_of(address);
}

ContactVerification Client::verification(const std::string& address) {
    split_address(address);
    return impl_->verification_of(address);
}

}  // namespace lagrum::core::messaging
