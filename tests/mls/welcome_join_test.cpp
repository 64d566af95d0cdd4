// join_from_welcome (RFC 9420 §12.4.3.1) against passive-client-welcome.json (the join
// part: every check, then the epoch authenticator) and against negative variations.
#include <gtest/gtest.h>

#include "lagrum/mls/error.h"
#include "lagrum/mls/framing.h"
#include "lagrum/mls/welcome_join.h"
#include "vector_util.h"

using namespace lagrum::mls;
using namespace lagrum::mls::testing;

namespace {

const CredentialPolicy kAcceptAll = [](const Credential&, ByteView) { return true; };

struct JoinCase {
    KeyPackage kp;
    Welcome welcome;
    std::optional<RatchetTree> tree;
    std::vector<std::pair<Bytes, Bytes>> psks;
    Bytes init_priv;
    Bytes enc_priv;

    WelcomeJoinInput input() const {
        WelcomeJoinInput in;
        in.welcome = &welcome;
        in.key_package = &kp;
        in.init_private_key = init_priv;
        in.encryption_private_key = enc_priv;
        in.external_tree = tree ? &*tree : nullptr;
        in.psk_lookup = [this](const PreSharedKeyId& id) -> std::optional<SecretBytes> {
            for (const auto& [pid, v] : psks) {
                if (id.type == PskType::external && id.psk_id == pid) {
                    return SecretBytes::copy_of(v);
                }
            }
            return std::nullopt;
        };
        in.policy = &kAcceptAll;
        return in;
    }
};

JoinCase load_case(const nlohmann::json& c) {
    JoinCase jc;
    jc.kp = std::get<KeyPackage>(decode_exact<MlsMessage>(bytes_of(c.at("key_package"))).body);
    jc.welcome = std::get<Welcome>(decode_exact<MlsMessage>(bytes_of(c.at("welcome"))).body);
    if (!c.at("ratchet_tree").is_null()) {
        jc.tree = decode_exact<RatchetTree>(bytes_of(c.at("ratchet_tree")));
    }
    for (const auto& p : c.at("external_psks")) {
        jc.psks.emplace_back(bytes_of(p.at("psk_id")), bytes_of(p.at("psk")));
    }
    jc.init_priv = bytes_of(c.at("init_priv"));
    jc.enc_priv = bytes_of(c.at("encryption_priv"));
    return jc;
}

}  // namespace

TEST(MlsVectors, WelcomeJoinPassiveClient) {
    const auto cases = load_mls_vectors("passive-client-welcome.json");
    VectorCounter counter("passive-client-welcome.json (join_from_welcome)");
    for (std::size_t k = 0; k < cases.size(); ++k) {
        const auto& c = cases[k];
        if (!counter.wants(c.at("cipher_suite").get<std::uint16_t>())) continue;
        SCOPED_TRACE("case " + std::to_string(k));
        const JoinCase jc = load_case(c);
        const JoinedGroup g = join_from_welcome(jc.input());
        EXPECT_EQ(hex(g.epoch_secrets.epoch_authenticator.view()),
                  c.at("initial_epoch_authenticator").get<std::string>());
        EXPECT_NO_THROW(g.private_tree.check_consistent(g.tree));
        EXPECT_EQ(*g.tree.leaf(g.my_leaf), jc.kp.leaf_node);
        counter.ran();
    }
    counter.check();
}

TEST(MlsWelcomeJoin, Rejections) {
    const auto cases = load_mls_vectors("passive-client-welcome.json");
    for (const auto& c : cases) {
        if (c.at("cipher_suite").get<std::uint16_t>() != kSuite3) continue;
        const JoinCase base = load_case(c);
        {  // wrong init key
            JoinCase jc = load_case(c);
            jc.init_priv[5] ^= 1;  // not a bit X25519 clamping ignores
            EXPECT_THROW(join_from_welcome(jc.input()), MlsError);
        }
        {  // not addressed to us
            JoinCase jc = load_case(c);
            jc.welcome.secrets.at(0).new_member.at(0) ^= 1;
            if (jc.welcome.secrets.size() == 1) {
                EXPECT_EQ(code_of([&] { join_from_welcome(jc.input()); }), MlsErrc::invalid_state);
            }
        }
        {  // tampered encrypted GroupInfo
            JoinCase jc = load_case(c);
            jc.welcome.encrypted_group_info.back() ^= 1;
            EXPECT_THROW(join_from_welcome(jc.input()), MlsError);
        }
        {  // credential policy rejects everyone
            JoinCase jc = load_case(c);
            const CredentialPolicy no = [](const Credential&, ByteView) { return false; };
            auto in = jc.input();
            in.policy = &no;
            EXPECT_EQ(code_of([&] { join_from_welcome(in); }), MlsErrc::credential_rejected);
        }
        if (!base.psks.empty()) {  // PSK missing
            JoinCase jc = load_case(c);
            jc.psks.clear();
            EXPECT_EQ(code_of([&] { join_from_welcome(jc.input()); }), MlsErrc::invalid_state);
        }
        if (base.tree) {
            {  // tree missing
                JoinCase jc = load_case(c);
                jc.tree.reset();
                EXPECT_EQ(code_of([&] { join_from_welcome(jc.input()); }), MlsErrc::invalid_tree);
            }
            {  // a different tree (a leaf's signature flipped): hash no longer matches
                JoinCase jc = load_case(c);
                LeafNode l = *jc.tree->leaf(jc.tree->members().back());
                l.signature[0] ^= 1;
                jc.tree->set_leaf(jc.tree->members().back(), l);
                EXPECT_EQ(code_of([&] { join_from_welcome(jc.input()); }), MlsErrc::invalid_tree);
            }
        }
    }
}
