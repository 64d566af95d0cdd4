// Fuzz target: KeyPackage decoding and the full §10.1 validation (validate_key_package:
// version, suite, both signatures, init_key vs. encryption_key, the §7.3 leaf checks with
// lifetime, capabilities, required_capabilities and the credential policy), what a member
// runs on every KeyPackage the relay hands out before adding its owner.
// Input, one of
//   * a KeyPackage as received, MLSMessage or bare (seeded with the vectors' KeyPackages);
//   * 0xA5 then bytes written over a valid KeyPackage of this target's own key (fuzz_fixture.h
//      patch()), which is then re-signed when its signature key is still ours, so the
//      checks behind the signatures are reached with arbitrary field values.
// Properties: only MlsError is thrown; a KeyPackage that validates re-encodes to exactly
// the bytes decoded, has valid signatures, init_key != encryption_key, and a ref.
#include <cstdint>
#include <cstdlib>

#include "fuzz_fixture.h"
#include "lagrum/mls/codec.h"
#include "lagrum/mls/framing.h"
#include "lagrum/mls/key_package.h"

using namespace lagrum::mls;

namespace {

constexpr std::uint8_t kPatch = 0xA5;       // never the first byte of a KeyPackage (version 1)
constexpr std::uint64_t kNow = 1772452800;  // 2026-03-02

struct Fixture {
    SecretBytes signature_private;
    Bytes signature_public;
    Bytes valid;  // encoded KeyPackage
    ExtensionList group_extensions;
    CredentialPolicy policy = [](const Credential&, ByteView) { return true; };
};

const Fixture& fixture() {
    static const Fixture f = [] {
        Fixture x;
        x.signature_private = SecretBytes::copy_of(Bytes(kSignaturePrivateKeySize, 0x07));
        x.signature_public = signature_public_key(x.signature_private);
        const auto bundle = create_key_package(fuzz::credential("fuzz"), x.signature_private,
                                               Capabilities::lagrum_default(),
                                               Lifetime{kNow - 3600, kNow + 86400 * 30});
        x.valid = encode(bundle.key_package);
        return x;
    }();
    return f;
}

void validate(const KeyPackage& kp) {
    const auto& f = fixture();
    KeyPackageCheck check;
    check.now = kNow;
    check.max_lifetime = 86400ull * 365;
    check.group_extensions = &f.group_extensions;
    check.policy = &f.policy;
    validate_key_package(kp, check);
    // Accepted: the properties of a valid KeyPackage.
    if (!kp.verify_signature()) std::abort();
    if (kp.init_key == kp.leaf_node.encryption_key) std::abort();
    if (kp.ref().empty()) std::abort();
    if (!(decode_exact<KeyPackage>(encode(kp)) == kp)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const auto& f = fixture();
    if (data[0] != kPatch) {
        const ByteView in(data, size);
        fuzz::only_mls_errors([&] {
            KeyPackage kp;
            try {
                kp = decode_exact<KeyPackage>(in);
            } catch (const MlsError&) {
                auto message = decode_exact<MlsMessage>(in);
                const auto* p = std::get_if<KeyPackage>(&message.body);
                if (p == nullptr) return;
                kp = *p;
            }
            validate(kp);
        });
        return 0;
    }
    const Bytes patched = fuzz::patch(f.valid, data + 1, size - 1);
    fuzz::only_mls_errors([&] {
        auto kp = decode_exact<KeyPackage>(patched);
        if (kp.leaf_node.signature_key == f.signature_public) {
            kp.leaf_node.signature = sign_with_label(f.signature_private, "LeafNodeTBS",
                                                     kp.leaf_node.tbs({}, LeafIndex{0}));
            kp.sign(f.signature_private);
        }
        validate(kp);
    });
    return 0;
}
