// Passive-client test vectors (FORMAT.md "Passive Client Scenarios"): join from a Welcome
// (ratchet tree inline or external, external PSKs), then follow every commit; the
// epoch authenticator must match after the join and after every epoch.
#include <gtest/gtest.h>

#include "lagrum/mls/group.h"
#include "vector_util.h"

namespace lagrum::mls {
namespace {

using testing::bytes_of;
using testing::hex;
using testing::load_mls_vectors;
using testing::VectorCounter;

GroupConfig accept_all() {
    GroupConfig c;
    // The vectors carry test credentials; accepting them is this test's policy.
    c.credential_policy = [](const Credential&, ByteView) { return true; };
    return c;
}

void run_case(const nlohmann::json& tc, const std::string& label) {
    KeyPackageBundle kpb;
    {
        const Bytes msg = bytes_of(tc["key_package"]);
        Reader r(msg);
        ASSERT_EQ(r.u16(), 1) << label;
        ASSERT_EQ(r.u16(), static_cast<std::uint16_t>(WireFormat::key_package)) << label;
        kpb.key_package = KeyPackage::decode(r);
        r.finish();
    }
    kpb.init_private = SecretBytes::copy_of(bytes_of(tc["init_priv"]));
    kpb.encryption_private = SecretBytes::copy_of(bytes_of(tc["encryption_priv"]));
    kpb.signature_private = SecretBytes::copy_of(bytes_of(tc["signature_priv"]));
    // The private keys correspond to the KeyPackage's public keys.
    ASSERT_EQ(hpke_public_key(kpb.init_private), kpb.key_package.init_key) << label;
    ASSERT_EQ(hpke_public_key(kpb.encryption_private), kpb.key_package.leaf_node.encryption_key)
        << label;
    ASSERT_EQ(signature_public_key(kpb.signature_private), kpb.key_package.leaf_node.signature_key)
        << label;

    ExternalPsks psks;
    for (const auto& p : tc["external_psks"]) {
        psks.emplace(bytes_of(p["psk_id"]), SecretBytes::copy_of(bytes_of(p["psk"])));
    }
    std::optional<RatchetTree> tree;
    if (!tc["ratchet_tree"].is_null())
        tree = decode_exact<RatchetTree>(bytes_of(tc["ratchet_tree"]));

    Group g = Group::join_from_message(bytes_of(tc["welcome"]), kpb, accept_all(),
                                       tree ? &*tree : nullptr, psks);
    ASSERT_EQ(hex(g.epoch_authenticator()), tc["initial_epoch_authenticator"].get<std::string>())
        << label << ": initial epoch authenticator";
    int epoch = 0;
    for (const auto& e : tc["epochs"]) {
        for (const auto& p : e["proposals"]) {
            const auto r = g.handle(bytes_of(p));
            ASSERT_EQ(r.kind, Group::Received::proposal) << label;
        }
        const auto r = g.handle(bytes_of(e["commit"]));
        ASSERT_EQ(r.kind, Group::Received::commit) << label;
        ASSERT_EQ(hex(g.epoch_authenticator()), e["epoch_authenticator"].get<std::string>())
            << label << ": epoch " << epoch;
        ++epoch;
    }
}

void run_file(const std::string& file) {
    const auto vectors = load_mls_vectors(file);
    VectorCounter counter(file);
    int index = 0;
    for (const auto& tc : vectors) {
        const std::string label = file + " case " + std::to_string(index++);
        if (!counter.wants(tc["cipher_suite"].get<std::uint16_t>())) continue;
        try {
            run_case(tc, label);
        } catch (const MlsError& e) {
            ADD_FAILURE() << label << ": MlsError " << mls_errc_name(e.code()) << ": " << e.what();
            continue;
        }
        if (::testing::Test::HasFatalFailure()) return;
        counter.ran();
    }
    if (file == "passive-client-random.json") {
        // This file ships without suite-3 cases (only other suites); counted above.
        EXPECT_GT(index, 0) << file << " has no cases";
        return;
    }
    counter.check();
}

TEST(PassiveClient, Welcome) {
    run_file("passive-client-welcome.json");
}
TEST(PassiveClient, HandlingCommit) {
    run_file("passive-client-handling-commit.json");
}
TEST(PassiveClient, Random) {
    run_file("passive-client-random.json");
}

}  // namespace
}  // namespace lagrum::mls
