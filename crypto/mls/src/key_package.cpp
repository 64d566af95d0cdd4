#include "lagrum/mls/key_package.h"

#include "lagrum/mls/cipher_suite.h"

namespace lagrum::mls {

namespace {
void encode_content(const KeyPackage& kp, Writer& w) {
    w.u16(static_cast<std::uint16_t>(kp.version));
    w.u16(static_cast<std::uint16_t>(kp.cipher_suite));
    w.opaque(kp.init_key);
    kp.leaf_node.encode(w);
    encode_extensions(w, kp.extensions);
}
}  // namespace

void KeyPackage::encode(Writer& w) const {
    encode_content(*this, w);
    w.opaque(signature);
}

KeyPackage KeyPackage::decode(Reader& r) {
    KeyPackage kp;
    kp.version = static_cast<ProtocolVersion>(r.u16());
    kp.cipher_suite = static_cast<CipherSuite>(r.u16());
    kp.init_key = r.opaque();
    kp.leaf_node = LeafNode::decode(r);
    kp.extensions = decode_extensions(r);
    kp.signature = r.opaque();
    return kp;
}

Bytes KeyPackage::tbs() const {
    Writer w;
    encode_content(*this, w);
    return w.take();
}

void KeyPackage::sign(ByteView signature_private_key) {
    signature = sign_with_label(signature_private_key, "KeyPackageTBS", tbs());
}

bool KeyPackage::verify_signature() const noexcept {
    try {
        return verify_with_label(leaf_node.signature_key, "KeyPackageTBS", tbs(), signature);
    } catch (...) {
        return false;
    }
}

Bytes KeyPackage::ref() const {
    return make_key_package_ref(mls::encode(*this));
}

void validate_key_package(const KeyPackage& kp, const KeyPackageCheck& check) {
    if (kp.version != ProtocolVersion::mls10) {
        fail(MlsErrc::unsupported, "KeyPackage protocol version is not mls10");
    }
    if (static_cast<std::uint16_t>(kp.cipher_suite) != kSuite3) {
        fail(MlsErrc::unsupported, "KeyPackage cipher suite is not 0x0003");
    }
    if (kp.init_key.size() != kHpkePublicKeySize) {
        fail(MlsErrc::invalid_key_package, "KeyPackage init_key has the wrong length");
    }
    if (!kp.verify_signature()) fail(MlsErrc::bad_signature, "KeyPackage signature invalid");
    LeafNodeCheck leaf_check;
    leaf_check.expected_source = LeafNodeSource::key_package;
    leaf_check.now = check.now;
    leaf_check.max_lifetime = check.max_lifetime;
    leaf_check.group_extensions = check.group_extensions;
    leaf_check.policy = check.policy;
    validate_leaf_node(kp.leaf_node, leaf_check);
    // §10.1: init_key and encryption_key MUST differ.
    if (kp.init_key == kp.leaf_node.encryption_key) {
        fail(MlsErrc::invalid_key_package, "init_key equals the leaf encryption_key");
    }
}

}  // namespace lagrum::mls
