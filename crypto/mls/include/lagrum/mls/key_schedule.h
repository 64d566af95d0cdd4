// The MLS key schedule, RFC 9420 §8: joiner/welcome/epoch secrets (§8), the secrets
// derived from the epoch secret (§8, "Epoch-Derived Secrets"), external_pub (§8),
// pre-shared keys and psk_secret (§8.4), the exporter (§8.5), the epoch authenticator
// (§8.7), and the Welcome key/nonce (§12.4.3.1).
//
// Throws MlsError (crypto / length_limit) only if a primitive fails; inputs of the
// wrong size are rejected as MlsError(crypto) by the KDF.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "lagrum/mls/cipher_suite.h"
#include "lagrum/mls/proposals.h"
#include "lagrum/mls/types.h"

namespace lagrum::mls {

// Everything one epoch of the key schedule produces (§8). The epoch_secret itself is not
// kept: only what it derives is needed afterwards.
struct EpochSecrets {
    SecretBytes joiner_secret;
    SecretBytes welcome_secret;
    SecretBytes sender_data_secret;
    SecretBytes encryption_secret;
    SecretBytes exporter_secret;
    SecretBytes external_secret;
    SecretBytes confirmation_key;
    SecretBytes membership_key;
    SecretBytes resumption_psk;
    SecretBytes epoch_authenticator;
    SecretBytes init_secret;  // init_secret_[n], input to the next epoch

    // Writes every secret in order (for state serialisation) / reads them back.
    void encode(Writer& w) const;
    static EpochSecrets decode(Reader& r);
};

// joiner_secret = ExpandWithLabel(Extract(init_secret_[n-1], commit_secret), "joiner",
//                                 GroupContext_[n], Nh).
// A missing commit_secret (Commit without path) is the all-zero vector of Nh bytes.
SecretBytes compute_joiner_secret(ByteView prev_init_secret, ByteView commit_secret,
                                  ByteView encoded_group_context);

// From the joiner secret (what a Welcome delivers) onward. psk_secret empty = no PSKs
// (the all-zero vector).
EpochSecrets derive_epoch_secrets(SecretBytes joiner_secret, ByteView psk_secret,
                                  ByteView encoded_group_context);

// The full schedule for a member moving to a new epoch.
EpochSecrets key_schedule_epoch(ByteView prev_init_secret, ByteView commit_secret,
                                ByteView psk_secret, const GroupContext& new_context);

// welcome_secret = DeriveSecret(Extract(joiner_secret, psk_secret), "welcome").
SecretBytes compute_welcome_secret(ByteView joiner_secret, ByteView psk_secret);

// §12.4.3.1 welcome_key / welcome_nonce.
SecretBytes welcome_key(ByteView welcome_secret);
SecretBytes welcome_nonce(ByteView welcome_secret);

// §8: external_priv, external_pub = KEM.DeriveKeyPair(external_secret).
HpkeKeyPair external_key_pair(ByteView external_secret);

// §8.3 External initialisation. The joiner encapsulates to the group's external_pub:
//   kem_output, context = SetupBaseS(external_pub, "")
//   init_secret = context.export("MLS 1.0 external init secret", KDF.Nh)
// and members recover the same init_secret from kem_output with external_priv.
// Throws MlsError(crypto) for a malformed key, decryption_failed for a bad kem_output.
struct ExternalInitSecret {
    Bytes kem_output;
    SecretBytes init_secret;
};
ExternalInitSecret external_init_sender(ByteView external_pub);
SecretBytes external_init_receiver(ByteView external_secret, ByteView kem_output);

// §8.5 MLS-Exporter(Label, Context, Length)
//   = ExpandWithLabel(DeriveSecret(exporter_secret, Label), "exported", Hash(Context), Length).
SecretBytes mls_exporter(ByteView exporter_secret, std::string_view label, ByteView context,
                         std::uint16_t length);

// §8.4 one PSK to inject: its id and value.
struct PskWithSecret {
    PreSharedKeyId id;
    ByteView psk;  // the PSK value (external PSK, or the resumption_psk of the referenced epoch)
};

// §8.4 psk_secret over the PSKs in order; the all-zero vector if the list is empty.
// More than 65535 PSKs cannot be labelled (uint16 count) and are rejected
// (MlsError invalid_proposal).
SecretBytes compute_psk_secret(const std::vector<PskWithSecret>& psks);

}  // namespace lagrum::mls
