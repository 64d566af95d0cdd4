// The seed contents of content_fuzz (tests/fuzz/client/seeds/*.bin): built here, written
// by `messaging_tests` when LAGRUM_WRITE_CONTENT_SEEDS names a folder, and checked
// against the files in every run (ContentCodec.SeedsAreTheGeneratorsOutput).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "content.pb.h"
#include "lagrum/core/messaging/content_codec.h"

namespace lagrum::content_seeds {

struct Seed {
    std::string name;
    crypto::Bytes bytes;
    bool canonical = true;  // pad_content(unpad_content(bytes)) == bytes
};

inline content::v1::Content minimal() {
    content::v1::Content c;
    c.set_version(1);
    c.set_group_id(std::string(16, '\x11'));
    c.set_epoch(3);
    c.set_message_id(std::string(16, '\x22'));
    c.set_case_pseudonym(std::string(16, '\x33'));
    c.set_sent_at(1772452800);
    return c;
}

inline content::v1::Content disclosure() {
    auto c = minimal();
    auto* d = c.mutable_disclosure();
    auto* m = d->mutable_marking();
    m->set_provision("osl-10-18a");
    m->set_citation("10 kap. 18 a § OSL");
    m->set_date("2026-03-02");
    m->set_authority("social_services");
    m->set_secrecy_provision("26 kap. 1 § OSL");
    m->set_legal_basis("Uppgiften lämnas med stöd av 10 kap. 18 a § OSL.");
    auto* k = d->mutable_check();
    k->set_verdict("allowed");
    k->set_subject_age(18);
    k->set_age_basis("personnummer");
    k->set_facts_json(R"({"may_help_prevent":true,"risk_of_criminal_activity":true})");
    k->add_categories("third_party_health");
    k->add_recipients("se.polisen/anna");
    k->add_recipients("se.polisen/per");
    d->set_text("Oro för en ung person – se bifogat. Åäö.");
    return c;
}

inline content::v1::Content with_attachment() {
    auto c = disclosure();
    auto* a = c.mutable_disclosure()->mutable_attachment();
    a->set_name("anteckning.txt");
    std::string data;
    for (int i = 0; i < 600; ++i) data.push_back(static_cast<char>(i * 7));
    a->set_data(data);
    return c;
}

// uint32 length || body || zeros, in a bucket of `total` bytes.
inline crypto::Bytes frame(const crypto::Bytes& body, std::size_t total) {
    crypto::Bytes out(total, 0);
    const auto n = static_cast<std::uint32_t>(body.size());
    out[0] = static_cast<std::uint8_t>(n >> 24);
    out[1] = static_cast<std::uint8_t>(n >> 16);
    out[2] = static_cast<std::uint8_t>(n >> 8);
    out[3] = static_cast<std::uint8_t>(n);
    std::copy(body.begin(), body.end(), out.begin() + 4);
    return out;
}

inline std::vector<Seed> seeds() {
    using core::messaging::pad_content;
    std::vector<Seed> out;
    out.push_back({"empty", pad_content(content::v1::Content{}), true});
    out.push_back({"minimal", pad_content(minimal()), true});
    out.push_back({"disclosure", pad_content(disclosure()), true});
    out.push_back({"attachment", pad_content(with_attachment()), true});  // 1024 bucket
    // Accepted but not what pad_content writes: a field twice, an empty message field.
    out.push_back({"noncanonical", frame({0x08, 0x02, 0x08, 0x01, 0x3a, 0x00}, 256), false});
    // A bucket larger than needed.
    const std::string body = minimal().SerializeAsString();
    out.push_back({"large_bucket", frame(crypto::Bytes(body.begin(), body.end()), 1024), false});
    return out;
}

}  // namespace lagrum::content_seeds
