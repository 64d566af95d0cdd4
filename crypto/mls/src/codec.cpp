#include "lagrum/mls/codec.h"

#include <algorithm>

namespace lagrum::mls {

const char* mls_errc_name(MlsErrc code) noexcept {
    switch (code) {
        case MlsErrc::decode:
            return "decode";
        case MlsErrc::length_limit:
            return "length_limit";
        case MlsErrc::unsupported:
            return "unsupported";
        case MlsErrc::bad_signature:
            return "bad_signature";
        case MlsErrc::bad_membership_tag:
            return "bad_membership_tag";
        case MlsErrc::wrong_group:
            return "wrong_group";
        case MlsErrc::wrong_epoch:
            return "wrong_epoch";
        case MlsErrc::generation_too_old:
            return "generation_too_old";
        case MlsErrc::generation_too_far:
            return "generation_too_far";
        case MlsErrc::decryption_failed:
            return "decryption_failed";
        case MlsErrc::not_member:
            return "not_member";
        case MlsErrc::invalid_proposal:
            return "invalid_proposal";
        case MlsErrc::invalid_commit:
            return "invalid_commit";
        case MlsErrc::invalid_path:
            return "invalid_path";
        case MlsErrc::invalid_key_package:
            return "invalid_key_package";
        case MlsErrc::invalid_leaf_node:
            return "invalid_leaf_node";
        case MlsErrc::invalid_tree:
            return "invalid_tree";
        case MlsErrc::credential_rejected:
            return "credential_rejected";
        case MlsErrc::invalid_state:
            return "invalid_state";
        case MlsErrc::crypto:
            return "crypto";
    }
    return "unknown";
}

void Writer::varint(std::uint64_t v) {
    std::array<std::uint8_t, 4> b{};
    const std::size_t n = wire::encode_varint(v, b);
    if (n == 0) fail(MlsErrc::length_limit, "vector longer than 2^30-1 bytes");
    put(ByteView(b.data(), n));
}

void Writer::opaque(ByteView b) {
    varint(b.size());
    raw(b);
}

void Writer::put(ByteView b) {
    if (!secret_) {
        out_.insert(out_.end(), b.begin(), b.end());
        return;
    }
    if (b.size() > secret_buf_.size() - size_) {
        // Grow into a fresh secure buffer; the old one is wiped when it is released.
        std::size_t capacity = secret_buf_.empty() ? 256 : secret_buf_.size();
        while (capacity - size_ < b.size()) capacity *= 2;
        SecretBytes bigger(capacity);
        if (size_ > 0) std::copy_n(secret_buf_.data(), size_, bigger.data());
        secret_buf_ = std::move(bigger);
    }
    if (!b.empty()) std::copy(b.begin(), b.end(), secret_buf_.data() + size_);
    size_ += b.size();
}

const Bytes& Writer::bytes() const {
    if (secret_) fail(MlsErrc::invalid_state, "a secret Writer has no plain bytes");
    return out_;
}

Bytes Writer::take() {
    if (secret_) fail(MlsErrc::invalid_state, "a secret Writer has no plain bytes");
    return std::move(out_);
}

SecretBytes Writer::take_secret() {
    if (!secret_) fail(MlsErrc::invalid_state, "take_secret() on a public Writer");
    SecretBytes out = SecretBytes::copy_of(view());
    secret_buf_ = SecretBytes();
    size_ = 0;
    return out;
}

void Reader::fail_decode() const {
    fail(MlsErrc::decode, wire::errc_message(r_.error()));
}

void Reader::finish() {
    if (!r_.finish()) fail_decode();
}

}  // namespace lagrum::mls
