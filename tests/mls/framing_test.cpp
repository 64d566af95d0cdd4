// RFC 9420 §6 framing and §8.2 transcript hashes: message-protection.json,
// transcript-hashes.json, and negative tests for every receiver check framing owns.
#include <gtest/gtest.h>

#include <functional>

#include "lagrum/crypto/aead.h"
#include "lagrum/mls/framing.h"
#include "lagrum/mls/transcript.h"
#include "vector_util.h"

using namespace lagrum::mls;
using namespace lagrum::mls::testing;

namespace {

SignatureKeyLookup fixed_key(Bytes key) {
    return [key = std::move(key)](const FramedContent&) { return key; };
}

Bytes body_bytes(const FramedContent& c) {
    Writer w;
    std::visit(
        [&](const auto& b) {
            if constexpr (std::is_same_v<std::decay_t<decltype(b)>, Bytes>) {
                w.raw(b);
            } else {
                b.encode(w);
            }
        },
        c.body);
    return w.take();
}

}  // namespace

// ---- message-protection.json -----------------------------------------------------------

TEST(MlsVectors, MessageProtection) {
    const auto cases = load_mls_vectors("message-protection.json");
    VectorCounter counter("message-protection.json");
    for (const auto& c : cases) {
        if (!counter.wants(c.at("cipher_suite").get<std::uint16_t>())) continue;
        GroupContext gc;
        gc.group_id = bytes_of(c.at("group_id"));
        gc.epoch = c.at("epoch").get<std::uint64_t>();
        gc.tree_hash = bytes_of(c.at("tree_hash"));
        gc.confirmed_transcript_hash = bytes_of(c.at("confirmed_transcript_hash"));
        const Bytes sig_priv = bytes_of(c.at("signature_priv"));
        const Bytes sig_pub = bytes_of(c.at("signature_pub"));
        const Bytes enc_secret = bytes_of(c.at("encryption_secret"));
        const Bytes sd_secret = bytes_of(c.at("sender_data_secret"));
        const Bytes membership_key = bytes_of(c.at("membership_key"));
        const auto lookup = fixed_key(sig_pub);

        for (const char* kind : {"proposal", "commit", "application"}) {
            SCOPED_TRACE(kind);
            const Bytes raw = bytes_of(c.at(kind));
            FramedContent fc;
            fc.group_id = gc.group_id;
            fc.epoch = gc.epoch;
            fc.sender = Sender{SenderType::member, 1};
            if (std::string(kind) == "proposal") {
                fc.body = decode_exact<Proposal>(raw);
            } else if (std::string(kind) == "commit") {
                fc.body = decode_exact<Commit>(raw);
            } else {
                fc.body = raw;
            }

            if (std::string(kind) != "application") {
                // The vector's PublicMessage verifies and carries the raw content.
                const auto msg =
                    decode_exact<MlsMessage>(bytes_of(c.at(std::string(kind) + "_pub")));
                ASSERT_EQ(msg.wire_format(), WireFormat::public_message);
                const auto ac = open_public_message(std::get<PublicMessage>(msg.body), gc,
                                                    membership_key, lookup);
                EXPECT_EQ(hex(body_bytes(ac.content)), hex(raw));
                // Our own PublicMessage verifies too.
                auto signed_pub = sign_content(WireFormat::public_message, fc, gc, sig_priv);
                if (std::string(kind) == "commit") signed_pub.auth.confirmation_tag = Bytes(32, 7);
                const auto pub = make_public_message(signed_pub, gc, membership_key);
                const auto reparsed =
                    decode_exact<MlsMessage>(encode(MlsMessage{pub}));  // through the wire
                const auto back = open_public_message(std::get<PublicMessage>(reparsed.body), gc,
                                                      membership_key, lookup);
                EXPECT_EQ(hex(body_bytes(back.content)), hex(raw));
            } else {
                // Application data must not be sent as a PublicMessage.
                auto signed_pub = sign_content(WireFormat::public_message, fc, gc, sig_priv);
                EXPECT_EQ(code_of([&] { make_public_message(signed_pub, gc, membership_key); }),
                          MlsErrc::invalid_state);
            }

            {
                // The vector's PrivateMessage decrypts with a fresh secret tree.
                SecretTree tree(enc_secret, 2);
                const auto msg =
                    decode_exact<MlsMessage>(bytes_of(c.at(std::string(kind) + "_priv")));
                ASSERT_EQ(msg.wire_format(), WireFormat::private_message);
                const auto ac = decrypt_private_message(std::get<PrivateMessage>(msg.body), gc,
                                                        tree, sd_secret, lookup);
                EXPECT_EQ(hex(body_bytes(ac.content)), hex(raw));
                EXPECT_EQ(ac.content.sender.index, 1u);
            }
            {
                // Our own PrivateMessage decrypts with an independent tree.
                SecretTree sender_tree(enc_secret, 2);
                SecretTree receiver_tree(enc_secret, 2);
                auto signed_priv = sign_content(WireFormat::private_message, fc, gc, sig_priv);
                if (std::string(kind) == "commit") {
                    signed_priv.auth.confirmation_tag = Bytes(32, 7);
                }
                const auto priv = encrypt_private_message(signed_priv, sender_tree, sd_secret, 13);
                const auto reparsed = decode_exact<MlsMessage>(encode(MlsMessage{priv}));
                const auto ac = decrypt_private_message(std::get<PrivateMessage>(reparsed.body), gc,
                                                        receiver_tree, sd_secret, lookup);
                EXPECT_EQ(ac, signed_priv);
            }
        }
        counter.ran();
    }
    counter.check();
}

// ---- transcript-hashes.json ------------------------------------------------------------

TEST(MlsVectors, TranscriptHashes) {
    const auto cases = load_mls_vectors("transcript-hashes.json");
    VectorCounter counter("transcript-hashes.json");
    for (const auto& c : cases) {
        if (!counter.wants(c.at("cipher_suite").get<std::uint16_t>())) continue;
        const Bytes encoded = bytes_of(c.at("authenticated_content"));
        const auto ac = decode_exact<AuthenticatedContent>(encoded);
        EXPECT_EQ(encode(ac), encoded);
        ASSERT_EQ(ac.content.content_type(), ContentType::commit);
        ASSERT_TRUE(ac.auth.confirmation_tag.has_value());
        const Bytes confirmed_after = bytes_of(c.at("confirmed_transcript_hash_after"));
        EXPECT_TRUE(verify_confirmation_tag(bytes_of(c.at("confirmation_key")), confirmed_after,
                                            *ac.auth.confirmation_tag));
        EXPECT_EQ(compute_confirmation_tag(bytes_of(c.at("confirmation_key")), confirmed_after),
                  *ac.auth.confirmation_tag);
        const Bytes confirmed =
            compute_confirmed_transcript_hash(bytes_of(c.at("interim_transcript_hash_before")), ac);
        EXPECT_EQ(hex(confirmed), hex(confirmed_after));
        EXPECT_EQ(hex(compute_interim_transcript_hash(confirmed, *ac.auth.confirmation_tag)),
                  c.at("interim_transcript_hash_after").get<std::string>());
        counter.ran();
    }
    counter.check();
}

// ---- negative tests --------------------------------------------------------------------

class FramingNegative : public ::testing::Test {
  protected:
    FramingNegative()
        : signer(generate_signature_key_pair()),
          enc_secret(32, 0x11),
          sd_secret(32, 0x22),
          membership_key(32, 0x33) {
        gc.group_id = {0xaa, 0xbb};
        gc.epoch = 5;
        gc.tree_hash = Bytes(32, 1);
        gc.confirmed_transcript_hash = Bytes(32, 2);
    }

    FramedContent content(ContentType type, std::uint32_t leaf = 1) const {
        FramedContent fc;
        fc.group_id = gc.group_id;
        fc.epoch = gc.epoch;
        fc.sender = Sender{SenderType::member, leaf};
        fc.authenticated_data = {1, 2, 3};
        if (type == ContentType::application) {
            fc.body = Bytes{'h', 'e', 'j'};
        } else if (type == ContentType::proposal) {
            fc.body = Proposal{Remove{LeafIndex{0}}};
        } else {
            fc.body = Commit{};
        }
        return fc;
    }

    PublicMessage public_message(ContentType type = ContentType::proposal) const {
        auto ac = sign_content(WireFormat::public_message, content(type), gc, signer.private_key);
        if (type == ContentType::commit) ac.auth.confirmation_tag = Bytes(32, 9);
        return make_public_message(ac, gc, membership_key);
    }

    PrivateMessage private_message(SecretTree& tree, ContentType type = ContentType::application,
                                   std::uint32_t leaf = 1) const {
        auto ac =
            sign_content(WireFormat::private_message, content(type, leaf), gc, signer.private_key);
        if (type == ContentType::commit) ac.auth.confirmation_tag = Bytes(32, 9);
        return encrypt_private_message(ac, tree, sd_secret);
    }

    MlsErrc open_pub(const PublicMessage& m) {
        return code_of(
            [&] { open_public_message(m, gc, membership_key, fixed_key(signer.public_key)); });
    }
    MlsErrc open_priv(const PrivateMessage& m, SecretTree& tree) {
        return code_of(
            [&] { decrypt_private_message(m, gc, tree, sd_secret, fixed_key(signer.public_key)); });
    }

    SignatureKeyPair signer;
    GroupContext gc;
    Bytes enc_secret, sd_secret, membership_key;
};

TEST_F(FramingNegative, PublicMessageAcceptedWhenIntact) {
    const auto m = public_message();
    EXPECT_NO_THROW(open_public_message(m, gc, membership_key, fixed_key(signer.public_key)));
    const auto c = public_message(ContentType::commit);
    EXPECT_NO_THROW(open_public_message(c, gc, membership_key, fixed_key(signer.public_key)));
}

TEST_F(FramingNegative, BadSignature) {
    auto m = public_message();
    // Re-sign with another key but keep a valid membership tag: only the signature is bad.
    const auto other = generate_signature_key_pair();
    auto ac = sign_content(WireFormat::public_message, m.content, gc, other.private_key);
    const auto forged = make_public_message(ac, gc, membership_key);
    EXPECT_EQ(open_pub(forged), MlsErrc::bad_signature);

    SecretTree s(enc_secret, 4), r(enc_secret, 4);
    auto priv = private_message(s);
    EXPECT_EQ(code_of([&] {
                  decrypt_private_message(priv, gc, r, sd_secret, fixed_key(other.public_key));
              }),
              MlsErrc::bad_signature);
    // The key was not consumed by the rejected message: the genuine check still works.
    EXPECT_NO_THROW(decrypt_private_message(priv, gc, r, sd_secret, fixed_key(signer.public_key)));
}

TEST_F(FramingNegative, BadMembershipTag) {
    auto m = public_message();
    (*m.membership_tag)[0] ^= 1;
    EXPECT_EQ(open_pub(m), MlsErrc::bad_membership_tag);
    auto wrong_key = public_message();
    EXPECT_EQ(code_of([&] {
                  open_public_message(wrong_key, gc, Bytes(32, 0x34), fixed_key(signer.public_key));
              }),
              MlsErrc::bad_membership_tag);
    // Tag computed for another epoch's context.
    GroupContext other = gc;
    other.confirmed_transcript_hash[0] ^= 1;
    auto ac = sign_content(WireFormat::public_message, content(ContentType::proposal), gc,
                           signer.private_key);
    const auto m2 = make_public_message(ac, other, membership_key);
    EXPECT_EQ(open_pub(m2), MlsErrc::bad_membership_tag);
    // Truncated tag.
    auto m3 = public_message();
    m3.membership_tag->pop_back();
    EXPECT_EQ(open_pub(m3), MlsErrc::bad_membership_tag);
}

TEST_F(FramingNegative, WrongEpochAndWrongGroup) {
    auto m = public_message();
    m.content.epoch = 4;
    EXPECT_EQ(open_pub(m), MlsErrc::wrong_epoch);
    m = public_message();
    m.content.group_id = {0xaa};
    EXPECT_EQ(open_pub(m), MlsErrc::wrong_group);

    SecretTree s(enc_secret, 4), r(enc_secret, 4);
    auto priv = private_message(s);
    auto p2 = priv;
    p2.epoch = 6;
    EXPECT_EQ(open_priv(p2, r), MlsErrc::wrong_epoch);
    p2 = priv;
    p2.group_id = {0xab, 0xbb};
    EXPECT_EQ(open_priv(p2, r), MlsErrc::wrong_group);
    // Wrong suite in the receiver's context.
    GroupContext bad = gc;
    bad.cipher_suite = static_cast<CipherSuite>(1);
    EXPECT_EQ(code_of([&] {
                  decrypt_private_message(priv, bad, r, sd_secret, fixed_key(signer.public_key));
              }),
              MlsErrc::unsupported);
}

TEST_F(FramingNegative, ReplayedAndTooOldGeneration) {
    SecretTree s(enc_secret, 4), r(enc_secret, 4);
    const auto m0 = private_message(s);
    const auto m1 = private_message(s);
    EXPECT_NO_THROW(decrypt_private_message(m1, gc, r, sd_secret, fixed_key(signer.public_key)));
    EXPECT_EQ(open_priv(m1, r), MlsErrc::generation_too_old);  // replay
    EXPECT_NO_THROW(decrypt_private_message(m0, gc, r, sd_secret, fixed_key(signer.public_key)));
    EXPECT_EQ(open_priv(m0, r), MlsErrc::generation_too_old);  // replay of out-of-order one

    // Beyond the retained window.
    SecretTreeConfig tight;
    tight.max_retained_keys = 2;
    SecretTree s2(enc_secret, 4), r2(enc_secret, 4, tight);
    std::vector<PrivateMessage> msgs;
    for (int i = 0; i < 6; ++i) msgs.push_back(private_message(s2));
    EXPECT_NO_THROW(
        decrypt_private_message(msgs[5], gc, r2, sd_secret, fixed_key(signer.public_key)));
    EXPECT_EQ(open_priv(msgs[0], r2), MlsErrc::generation_too_old);
    EXPECT_NO_THROW(
        decrypt_private_message(msgs[4], gc, r2, sd_secret, fixed_key(signer.public_key)));

    // Too far ahead.
    SecretTreeConfig near;
    near.max_forward_distance = 3;
    SecretTree s3(enc_secret, 4), r3(enc_secret, 4, near);
    for (int i = 0; i < 4; ++i) (void)private_message(s3);
    EXPECT_EQ(open_priv(private_message(s3), r3), MlsErrc::generation_too_far);
}

TEST_F(FramingNegative, TamperedCiphertextAadAndSenderData) {
    SecretTree s(enc_secret, 4), r(enc_secret, 4);
    const auto m = private_message(s);
    auto t = m;
    t.ciphertext.back() ^= 1;  // the content tag; also changes nothing in the sample
    EXPECT_EQ(open_priv(t, r), MlsErrc::decryption_failed);
    t = m;
    t.ciphertext[0] ^= 1;  // changes the sample, so the sender data key too
    EXPECT_EQ(open_priv(t, r), MlsErrc::decryption_failed);
    t = m;
    t.authenticated_data.push_back(0);  // PrivateContentAAD
    EXPECT_EQ(open_priv(t, r), MlsErrc::decryption_failed);
    t = m;
    t.content_type = ContentType::proposal;  // SenderDataAAD and ratchet choice
    EXPECT_EQ(open_priv(t, r), MlsErrc::decryption_failed);
    t = m;
    t.encrypted_sender_data[3] ^= 0x40;
    EXPECT_EQ(open_priv(t, r), MlsErrc::decryption_failed);
    // After all those failures the genuine message still decrypts (no key consumed).
    EXPECT_NO_THROW(decrypt_private_message(m, gc, r, sd_secret, fixed_key(signer.public_key)));

    // PublicMessage content tampering breaks the membership tag.
    auto p = public_message();
    p.content.authenticated_data.push_back(1);
    EXPECT_EQ(open_pub(p), MlsErrc::bad_membership_tag);
}

TEST_F(FramingNegative, SenderNotMember) {
    // The key lookup refuses (a blank leaf in the group's tree).
    SecretTree s(enc_secret, 4), r(enc_secret, 4);
    const auto m = private_message(s, ContentType::application, 2);
    const SignatureKeyLookup blank = [](const FramedContent&) -> Bytes {
        fail(MlsErrc::not_member, "blank leaf");
    };
    EXPECT_EQ(code_of([&] { decrypt_private_message(m, gc, r, sd_secret, blank); }),
              MlsErrc::not_member);
    // A leaf index outside the tree (sender tree larger than the receiver's).
    SecretTree big(enc_secret, 8), small(enc_secret, 4);
    const auto far = private_message(big, ContentType::application, 6);
    EXPECT_EQ(open_priv(far, small), MlsErrc::not_member);
}

TEST_F(FramingNegative, ForbiddenSenderAndContentCombinations) {
    // Application data in a PublicMessage (sent by a non-conforming sender).
    PublicMessage m;
    m.content = content(ContentType::application);
    m.auth.signature = Bytes(64, 0);
    m.membership_tag = compute_membership_tag(membership_key, m.content, m.auth, gc);
    EXPECT_EQ(open_pub(m), MlsErrc::invalid_proposal);
    // An external sender sending a Commit.
    auto fc = content(ContentType::commit);
    fc.sender = Sender{SenderType::external, 0};
    PublicMessage e;
    e.content = fc;
    e.auth.signature = Bytes(64, 0);
    e.auth.confirmation_tag = Bytes(32, 0);
    EXPECT_EQ(open_pub(e), MlsErrc::invalid_proposal);
    // new_member_proposal must carry an Add.
    auto fp = content(ContentType::proposal);
    fp.sender = Sender{SenderType::new_member_proposal, 0};
    PublicMessage np;
    np.content = fp;
    np.auth.signature = Bytes(64, 0);
    EXPECT_EQ(open_pub(np), MlsErrc::invalid_proposal);
    // new_member_commit must carry a Commit.
    fp.sender = Sender{SenderType::new_member_commit, 0};
    np.content = fp;
    EXPECT_EQ(open_pub(np), MlsErrc::invalid_commit);
}

TEST_F(FramingNegative, NonZeroPaddingIsMalformed) {
    // Build a PrivateMessage by hand whose padding has a non-zero byte.
    SecretTree s(enc_secret, 4), r(enc_secret, 4);
    auto ac = sign_content(WireFormat::private_message, content(ContentType::application), gc,
                           signer.private_key);
    PrivateMessage m;
    m.group_id = gc.group_id;
    m.epoch = gc.epoch;
    m.content_type = ContentType::application;
    m.authenticated_data = ac.content.authenticated_data;
    Writer pt;
    pt.opaque(std::get<Bytes>(ac.content.body));
    ac.auth.encode(pt);
    pt.u8(0);
    pt.u8(1);  // non-zero padding byte
    Writer aad;
    aad.opaque(m.group_id);
    aad.u64(m.epoch);
    aad.u8(1);
    aad.opaque(m.authenticated_data);
    const auto key = s.next_key(LeafIndex{1}, RatchetType::application);
    m.ciphertext =
        lagrum::crypto::ChaCha20Poly1305::seal(key.key, key.nonce, aad.bytes(), pt.bytes()).value();
    Writer sda;
    sda.opaque(m.group_id);
    sda.u64(m.epoch);
    sda.u8(1);
    SenderData sd{1, key.generation, {0, 0, 0, 0}};
    m.encrypted_sender_data =
        lagrum::crypto::ChaCha20Poly1305::seal(sender_data_key(sd_secret, m.ciphertext),
                                               sender_data_nonce(sd_secret, m.ciphertext),
                                               sda.bytes(), encode(sd))
            .value();
    EXPECT_EQ(open_priv(m, r), MlsErrc::decode);
}

TEST_F(FramingNegative, TruncatedTrailingOversizedAndNonMinimal) {
    const Bytes wire = encode(MlsMessage{public_message(ContentType::commit)});
    EXPECT_NO_THROW(decode_exact<MlsMessage>(wire));
    // Every truncation fails with decode (never a crash, never success).
    for (std::size_t n = 0; n < wire.size(); ++n) {
        const MlsErrc code = code_of([&] { decode_exact<MlsMessage>(ByteView(wire).first(n)); });
        EXPECT_EQ(code, MlsErrc::decode) << n;
    }
    Bytes trailing = wire;
    trailing.push_back(0);
    EXPECT_EQ(code_of([&] { decode_exact<MlsMessage>(trailing); }), MlsErrc::decode);

    // Oversized length prefix: group_id claims 2^30-1 bytes (bounded before allocation).
    Bytes huge = {0x00, 0x01, 0x00, 0x02, 0xbf, 0xff, 0xff, 0xff, 0x01, 0x02};
    EXPECT_EQ(code_of([&] { decode_exact<MlsMessage>(huge); }), MlsErrc::decode);
    // Invalid 8-byte varint prefix (0b11).
    Bytes bad_prefix = {0x00, 0x01, 0x00, 0x02, 0xc0, 0, 0, 0, 0, 0, 0, 2, 0xaa, 0xbb};
    EXPECT_EQ(code_of([&] { decode_exact<MlsMessage>(bad_prefix); }), MlsErrc::decode);
    // Non-minimal varint: group_id length 2 encoded in two bytes (0x4002).
    const PrivateMessage pm{gc.group_id,  5,           ContentType::application, {},
                            Bytes(10, 1), Bytes(20, 2)};
    Bytes ok = encode(MlsMessage{pm});
    EXPECT_NO_THROW(decode_exact<MlsMessage>(ok));
    Bytes non_minimal = {ok.begin(), ok.begin() + 4};
    non_minimal.push_back(0x40);
    non_minimal.insert(non_minimal.end(), ok.begin() + 4, ok.end());
    EXPECT_EQ(code_of([&] { decode_exact<MlsMessage>(non_minimal); }), MlsErrc::decode);

    // Unknown version / wire format / content type / sender type.
    Bytes v = ok;
    v[1] = 2;
    EXPECT_EQ(code_of([&] { decode_exact<MlsMessage>(v); }), MlsErrc::unsupported);
    v = ok;
    v[3] = 9;
    EXPECT_EQ(code_of([&] { decode_exact<MlsMessage>(v); }), MlsErrc::unsupported);
    v = ok;
    v[4 + 1 + 2 + 8] = 4;  // content_type after group_id<V> and epoch
    EXPECT_EQ(code_of([&] { decode_exact<MlsMessage>(v); }), MlsErrc::decode);
    Bytes pubw = encode(MlsMessage{public_message()});
    pubw[4 + 1 + 2 + 8] = 9;  // sender_type
    EXPECT_EQ(code_of([&] { decode_exact<MlsMessage>(pubw); }), MlsErrc::decode);

    // SenderData must be exactly 12 bytes.
    EXPECT_THROW(decode_exact<SenderData>(Bytes(11, 0)), MlsError);
    EXPECT_THROW(decode_exact<SenderData>(Bytes(13, 0)), MlsError);
}

TEST_F(FramingNegative, MisuseOnTheSendingSide) {
    SecretTree s(enc_secret, 4);
    auto pub_signed = sign_content(WireFormat::public_message, content(ContentType::application),
                                   gc, signer.private_key);
    EXPECT_EQ(code_of([&] { encrypt_private_message(pub_signed, s, sd_secret); }),
              MlsErrc::invalid_state);
    auto commit_no_tag = sign_content(WireFormat::private_message, content(ContentType::commit), gc,
                                      signer.private_key);
    EXPECT_EQ(code_of([&] { encrypt_private_message(commit_no_tag, s, sd_secret); }),
              MlsErrc::invalid_state);
    auto ok = sign_content(WireFormat::private_message, content(ContentType::application), gc,
                           signer.private_key);
    EXPECT_EQ(code_of([&] { encrypt_private_message(ok, s, sd_secret, kMaxPadding + 1); }),
              MlsErrc::length_limit);
}
