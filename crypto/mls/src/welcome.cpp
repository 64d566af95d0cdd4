#include "lagrum/mls/welcome.h"

#include "lagrum/crypto/aead.h"

namespace lagrum::mls {

namespace {
void encode_tbs(const GroupInfo& gi, Writer& w) {
    gi.group_context.encode(w);
    encode_extensions(w, gi.extensions);
    w.opaque(gi.confirmation_tag);
    w.u32(gi.signer.value);
}

struct WelcomeKey {
    SecretBytes key;
    SecretBytes nonce;
};
WelcomeKey welcome_key(ByteView welcome_secret) {
    return WelcomeKey{expand_with_label(welcome_secret, "key", {}, kNk),
                      expand_with_label(welcome_secret, "nonce", {}, kNn)};
}
}  // namespace

void GroupInfo::encode(Writer& w) const {
    encode_tbs(*this, w);
    w.opaque(signature);
}

GroupInfo GroupInfo::decode(Reader& r) {
    GroupInfo gi;
    gi.group_context = GroupContext::decode(r);
    gi.extensions = decode_extensions(r);
    gi.confirmation_tag = r.opaque();
    gi.signer = LeafIndex{r.u32()};
    gi.signature = r.opaque();
    return gi;
}

Bytes GroupInfo::tbs() const {
    Writer w;
    encode_tbs(*this, w);
    return w.take();
}

void GroupInfo::sign(ByteView signature_private_key) {
    signature = sign_with_label(signature_private_key, "GroupInfoTBS", tbs());
}

bool GroupInfo::verify_signature(ByteView signer_public_key) const noexcept {
    try {
        return verify_with_label(signer_public_key, "GroupInfoTBS", tbs(), signature);
    } catch (...) {
        return false;
    }
}

void GroupSecrets::encode(Writer& w) const {
    w.opaque(joiner_secret.view());
    w.optional(path_secret, [](Writer& ww, const SecretBytes& s) { ww.opaque(s.view()); });
    w.vector([&](Writer& inner) {
        for (const auto& p : psks) p.encode(inner);
    });
}

GroupSecrets GroupSecrets::decode(Reader& r) {
    GroupSecrets gs;
    gs.joiner_secret = SecretBytes::copy_of(r.opaque_view());
    gs.path_secret =
        r.optional<SecretBytes>([](Reader& rr) { return SecretBytes::copy_of(rr.opaque_view()); });
    r.vector([&](Reader& inner) { gs.psks.push_back(PreSharedKeyId::decode(inner)); });
    return gs;
}

void EncryptedGroupSecrets::encode(Writer& w) const {
    w.opaque(new_member);
    encrypted_group_secrets.encode(w);
}

EncryptedGroupSecrets EncryptedGroupSecrets::decode(Reader& r) {
    EncryptedGroupSecrets e;
    e.new_member = r.opaque();
    e.encrypted_group_secrets = HpkeCiphertext::decode(r);
    return e;
}

void Welcome::encode(Writer& w) const {
    w.u16(static_cast<std::uint16_t>(cipher_suite));
    w.vector([&](Writer& inner) {
        for (const auto& s : secrets) s.encode(inner);
    });
    w.opaque(encrypted_group_info);
}

Welcome Welcome::decode(Reader& r) {
    Welcome wm;
    wm.cipher_suite = static_cast<CipherSuite>(r.u16());
    r.vector([&](Reader& inner) { wm.secrets.push_back(EncryptedGroupSecrets::decode(inner)); });
    wm.encrypted_group_info = r.opaque();
    return wm;
}

const EncryptedGroupSecrets* Welcome::find(ByteView key_package_ref) const noexcept {
    for (const auto& s : secrets) {
        if (std::equal(s.new_member.begin(), s.new_member.end(), key_package_ref.begin(),
                       key_package_ref.end())) {
            return &s;
        }
    }
    return nullptr;
}

EncryptedGroupSecrets encrypt_group_secrets(ByteView key_package_ref, ByteView init_key,
                                            ByteView encrypted_group_info,
                                            const GroupSecrets& secrets) {
    const SecretBytes plain = encode_secret(secrets);  // joiner and path secrets
    EncryptedGroupSecrets out;
    out.new_member.assign(key_package_ref.begin(), key_package_ref.end());
    out.encrypted_group_secrets =
        encrypt_with_label(init_key, "Welcome", encrypted_group_info, plain.view());
    return out;
}

GroupSecrets decrypt_group_secrets(ByteView init_private_key, ByteView encrypted_group_info,
                                   const HpkeCiphertext& ciphertext) {
    const SecretBytes plain = decrypt_with_label(init_private_key, "Welcome", encrypted_group_info,
                                                 ciphertext.kem_output, ciphertext.ciphertext);
    return decode_exact<GroupSecrets>(plain.view());
}

Bytes encrypt_group_info(ByteView welcome_secret, const GroupInfo& group_info) {
    const WelcomeKey k = welcome_key(welcome_secret);
    auto sealed = crypto::ChaCha20Poly1305::seal(k.key, k.nonce, {}, mls::encode(group_info));
    if (!sealed) fail(MlsErrc::crypto, "GroupInfo encryption failed: " + sealed.error().message);
    return std::move(sealed).value();
}

GroupInfo decrypt_group_info(ByteView welcome_secret, ByteView encrypted_group_info) {
    const WelcomeKey k = welcome_key(welcome_secret);
    auto opened = crypto::ChaCha20Poly1305::open(k.key, k.nonce, {}, encrypted_group_info);
    if (!opened) fail(MlsErrc::decryption_failed, "GroupInfo does not decrypt");
    return decode_exact<GroupInfo>(opened.value());
}

}  // namespace lagrum::mls
