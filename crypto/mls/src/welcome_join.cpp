#include "lagrum/mls/welcome_join.h"

#include "lagrum/mls/extensions.h"
#include "lagrum/mls/transcript.h"
#include "lagrum/mls/tree_math.h"

namespace lagrum::mls {

Welcome create_welcome(const GroupInfo& signed_group_info, ByteView joiner_secret,
                       ByteView psk_secret, const std::vector<PreSharedKeyId>& psks,
                       const std::vector<WelcomeRecipient>& recipients) {
    Welcome w;
    w.cipher_suite = signed_group_info.group_context.cipher_suite;
    const SecretBytes welcome_secret = compute_welcome_secret(joiner_secret, psk_secret);
    w.encrypted_group_info = encrypt_group_info(welcome_secret, signed_group_info);
    for (const auto& r : recipients) {
        if (r.key_package == nullptr)
            fail(MlsErrc::invalid_state, "Welcome recipient without KeyPackage");
        GroupSecrets gs;
        gs.joiner_secret = SecretBytes::copy_of(joiner_secret);
        if (r.path_secret != nullptr) gs.path_secret = r.path_secret->clone();
        gs.psks = psks;
        w.secrets.push_back(encrypt_group_secrets(r.key_package->ref(), r.key_package->init_key,
                                                  w.encrypted_group_info, gs));
    }
    return w;
}

JoinedGroup join_from_welcome(const WelcomeJoinInput& in) {
    if (in.welcome == nullptr || in.key_package == nullptr) {
        fail(MlsErrc::invalid_state, "join_from_welcome without Welcome or KeyPackage");
    }
    const Welcome& welcome = *in.welcome;
    const KeyPackage& kp = *in.key_package;
    if (static_cast<std::uint16_t>(welcome.cipher_suite) != kSuite3 ||
        welcome.cipher_suite != kp.cipher_suite) {
        fail(MlsErrc::unsupported, "Welcome cipher suite is not 0x0003 / not the KeyPackage's");
    }

    // GroupSecrets addressed to our KeyPackage.
    const EncryptedGroupSecrets* mine = welcome.find(kp.ref());
    if (mine == nullptr) fail(MlsErrc::invalid_state, "Welcome is not addressed to this client");
    GroupSecrets secrets = decrypt_group_secrets(in.init_private_key, welcome.encrypted_group_info,
                                                 mine->encrypted_group_secrets);

    // PSKs: all must be available; at most one resumption PSK of usage reinit/branch.
    // Keeps the values alive for the PskWithSecret views (reserved: no reallocation, and a
    // moved SecretBytes keeps its secure buffer anyway); wiped when it goes out of scope.
    std::vector<SecretBytes> psk_values;
    psk_values.reserve(secrets.psks.size());
    std::vector<PskWithSecret> psks;
    bool special_resumption = false;
    for (const auto& id : secrets.psks) {
        if (id.type == PskType::resumption && id.usage != ResumptionPskUsage::application) {
            if (special_resumption) {
                fail(MlsErrc::invalid_commit, "more than one reinit/branch resumption PSK");
            }
            special_resumption = true;
        }
        auto value = in.psk_lookup ? in.psk_lookup(id) : std::nullopt;
        if (!value) fail(MlsErrc::invalid_state, "Welcome needs a PSK this client lacks");
        psk_values.push_back(std::move(*value));
        psks.push_back(PskWithSecret{id, psk_values.back().view()});
    }
    const SecretBytes psk_secret = compute_psk_secret(psks);

    const SecretBytes welcome_secret = compute_welcome_secret(secrets.joiner_secret, psk_secret);
    GroupInfo gi = decrypt_group_info(welcome_secret, welcome.encrypted_group_info);
    const GroupContext& gc = gi.group_context;
    if (gc.version != ProtocolVersion::mls10) fail(MlsErrc::unsupported, "GroupInfo version");
    if (gc.cipher_suite != kp.cipher_suite) {
        fail(MlsErrc::unsupported, "GroupInfo cipher suite differs from the KeyPackage's");
    }

    // The tree: from the ratchet_tree extension, else supplied by the caller.
    RatchetTree tree;
    if (const Extension* rt = find_extension(gi.extensions, extension_type::ratchet_tree)) {
        tree = RatchetTree::decode_extension(rt->data, in.max_tree_leaves);
    } else if (in.external_tree != nullptr) {
        tree = *in.external_tree;
    } else {
        fail(MlsErrc::invalid_tree, "no ratchet tree in the GroupInfo and none supplied");
    }

    // GroupInfo signature by a member.
    const LeafNode* signer = tree.leaf(gi.signer);
    if (signer == nullptr) fail(MlsErrc::not_member, "GroupInfo signer leaf is blank");
    if (!gi.verify_signature(signer->signature_key)) {
        fail(MlsErrc::bad_signature, "GroupInfo signature does not verify");
    }

    // Tree integrity.
    if (tree.tree_hash() != gc.tree_hash) {
        fail(MlsErrc::invalid_tree, "ratchet tree does not match the GroupContext tree_hash");
    }
    TreeCheck tc;
    tc.group_id = gc.group_id;
    tc.group_extensions = &gc.extensions;
    tc.policy = in.policy;
    tree.validate(tc);

    // Our leaf.
    std::optional<LeafIndex> my_leaf;
    for (auto m : tree.members()) {
        if (*tree.leaf(m) == kp.leaf_node) {
            my_leaf = m;
            break;
        }
    }
    if (!my_leaf) fail(MlsErrc::invalid_tree, "our LeafNode is not in the tree");
    if (hpke_public_key(in.encryption_private_key) != kp.leaf_node.encryption_key) {
        fail(MlsErrc::invalid_state, "encryption private key does not match our leaf");
    }
    TreeKemPrivate priv(*my_leaf, SecretBytes::copy_of(in.encryption_private_key));
    if (secrets.path_secret) {
        const NodeIndex ca = tree_math::common_ancestor(
            tree_math::leaf_to_node(*my_leaf), tree_math::leaf_to_node(gi.signer), tree.n_leaves());
        priv.implant(tree, ca, *secrets.path_secret);
    }

    // Key schedule, confirmation tag, interim transcript hash.
    EpochSecrets epoch =
        derive_epoch_secrets(secrets.joiner_secret.clone(), psk_secret, encode(gc));
    if (!verify_confirmation_tag(epoch.confirmation_key, gc.confirmed_transcript_hash,
                                 gi.confirmation_tag)) {
        fail(MlsErrc::invalid_commit, "GroupInfo confirmation tag does not verify");
    }
    if (special_resumption && gc.epoch != 1) {
        fail(MlsErrc::invalid_commit, "reinit/branch Welcome must start at epoch 1");
    }

    JoinedGroup out{std::move(gi),          std::move(tree),  *my_leaf,
                    std::move(priv),        std::move(epoch), {},
                    std::move(secrets.psks)};
    out.interim_transcript_hash = compute_interim_transcript_hash(
        out.group_info.group_context.confirmed_transcript_hash, out.group_info.confirmation_tag);
    return out;
}

}  // namespace lagrum::mls
