// RFC 9420 §8 key schedule.
#include "lagrum/mls/key_schedule.h"

#include <array>

#include "lagrum/crypto/hpke.h"

namespace lagrum::mls {

namespace {

const std::array<std::uint8_t, kNh> kZero{};

ByteView or_zero(ByteView secret) {
    return secret.empty() ? ByteView(kZero) : secret;
}

constexpr std::uint16_t kNh16 = static_cast<std::uint16_t>(kNh);

void put_secret(Writer& w, const SecretBytes& s) {
    w.opaque(s.view());
}

SecretBytes get_secret(Reader& r) {
    return SecretBytes::copy_of(r.opaque_view());
}

}  // namespace

SecretBytes compute_joiner_secret(ByteView prev_init_secret, ByteView commit_secret,
                                  ByteView encoded_group_context) {
    const SecretBytes prk = kdf_extract(prev_init_secret, or_zero(commit_secret));
    return expand_with_label(prk, "joiner", encoded_group_context, kNh16);
}

SecretBytes compute_welcome_secret(ByteView joiner_secret, ByteView psk_secret) {
    const SecretBytes member = kdf_extract(joiner_secret, or_zero(psk_secret));
    return derive_secret(member, "welcome");
}

EpochSecrets derive_epoch_secrets(SecretBytes joiner_secret, ByteView psk_secret,
                                  ByteView encoded_group_context) {
    EpochSecrets s;
    const SecretBytes member = kdf_extract(joiner_secret, or_zero(psk_secret));
    s.welcome_secret = derive_secret(member, "welcome");
    const SecretBytes epoch = expand_with_label(member, "epoch", encoded_group_context, kNh16);
    s.sender_data_secret = derive_secret(epoch, "sender data");
    s.encryption_secret = derive_secret(epoch, "encryption");
    s.exporter_secret = derive_secret(epoch, "exporter");
    s.external_secret = derive_secret(epoch, "external");
    s.confirmation_key = derive_secret(epoch, "confirm");
    s.membership_key = derive_secret(epoch, "membership");
    s.resumption_psk = derive_secret(epoch, "resumption");
    s.epoch_authenticator = derive_secret(epoch, "authentication");
    s.init_secret = derive_secret(epoch, "init");
    s.joiner_secret = std::move(joiner_secret);
    return s;
}

EpochSecrets key_schedule_epoch(ByteView prev_init_secret, ByteView commit_secret,
                                ByteView psk_secret, const GroupContext& new_context) {
    const Bytes ctx = encode(new_context);
    return derive_epoch_secrets(compute_joiner_secret(prev_init_secret, commit_secret, ctx),
                                psk_secret, ctx);
}

SecretBytes welcome_key(ByteView welcome_secret) {
    return expand_with_label(welcome_secret, "key", {}, static_cast<std::uint16_t>(kNk));
}

SecretBytes welcome_nonce(ByteView welcome_secret) {
    return expand_with_label(welcome_secret, "nonce", {}, static_cast<std::uint16_t>(kNn));
}

HpkeKeyPair external_key_pair(ByteView external_secret) {
    return derive_hpke_key_pair(external_secret);
}

namespace {
constexpr std::string_view kExternalInitLabel = "MLS 1.0 external init secret";
ByteView external_init_label() {
    return {reinterpret_cast<const std::uint8_t*>(kExternalInitLabel.data()),
            kExternalInitLabel.size()};
}
}  // namespace

ExternalInitSecret external_init_sender(ByteView external_pub) {
    auto setup = crypto::hpke::setup_base_s(external_pub, {});
    if (!setup.ok()) fail(MlsErrc::crypto, "external init: " + setup.error().message);
    auto init = setup.value().context.export_secret(external_init_label(), kNh);
    if (!init.ok()) fail(MlsErrc::crypto, "external init export: " + init.error().message);
    return ExternalInitSecret{std::move(setup.value().enc), std::move(init).value()};
}

SecretBytes external_init_receiver(ByteView external_secret, ByteView kem_output) {
    if (kem_output.size() != crypto::hpke::kNenc) {
        fail(MlsErrc::invalid_proposal, "ExternalInit kem_output has the wrong length");
    }
    const HpkeKeyPair kp = external_key_pair(external_secret);
    auto ctx = crypto::hpke::setup_base_r(kem_output, kp.private_key, {});
    if (!ctx.ok()) fail(MlsErrc::decryption_failed, "ExternalInit kem_output does not open");
    auto init = ctx.value().export_secret(external_init_label(), kNh);
    if (!init.ok()) fail(MlsErrc::crypto, "external init export: " + init.error().message);
    return std::move(init).value();
}

SecretBytes mls_exporter(ByteView exporter_secret, std::string_view label, ByteView context,
                         std::uint16_t length) {
    const SecretBytes derived = derive_secret(exporter_secret, label);
    return expand_with_label(derived, "exported", hash(context), length);
}

SecretBytes compute_psk_secret(const std::vector<PskWithSecret>& psks) {
    if (psks.size() > 0xffff) fail(MlsErrc::invalid_proposal, "more than 65535 PSKs");
    const auto count = static_cast<std::uint16_t>(psks.size());
    SecretBytes acc = SecretBytes::copy_of(kZero);
    for (std::uint16_t i = 0; i < count; ++i) {
        // PSKLabel { PreSharedKeyID id; uint16 index; uint16 count; }
        Writer label;
        psks[i].id.encode(label);
        label.u16(i);
        label.u16(count);
        const SecretBytes extracted = kdf_extract({}, psks[i].psk);
        const SecretBytes input = expand_with_label(extracted, "derived psk", label.bytes(), kNh16);
        // psk_secret_[i] = KDF.Extract(psk_input_[i-1], psk_secret_[i-1]): salt is the
        // PSK input, IKM the running secret.
        acc = kdf_extract(input, acc);
    }
    return acc;
}

void EpochSecrets::encode(Writer& w) const {
    for (const SecretBytes* s :
         {&joiner_secret, &welcome_secret, &sender_data_secret, &encryption_secret,
          &exporter_secret, &external_secret, &confirmation_key, &membership_key, &resumption_psk,
          &epoch_authenticator, &init_secret}) {
        put_secret(w, *s);
    }
}

EpochSecrets EpochSecrets::decode(Reader& r) {
    EpochSecrets s;
    for (SecretBytes* p :
         {&s.joiner_secret, &s.welcome_secret, &s.sender_data_secret, &s.encryption_secret,
          &s.exporter_secret, &s.external_secret, &s.confirmation_key, &s.membership_key,
          &s.resumption_psk, &s.epoch_authenticator, &s.init_secret}) {
        *p = get_secret(r);
    }
    return s;
}

}  // namespace lagrum::mls
