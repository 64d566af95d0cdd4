// The seeds of control_fuzz (a mode byte, then a serialized Content; control_fuzz.cpp):
// a disclosure with its marking and recorded check, one under consent, each meeting
// event, a handover bundle and a receipt. Written by fuzz_seeds at test time into the
// fuzz corpus (control/). Binding fields are left empty: the target fills them in.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "content.pb.h"

namespace lagrum::control_seeds {

inline content::v1::Content disclosure(const std::string& provision, const std::string& facts) {
    content::v1::Content c;
    c.set_version(1);
    c.set_case_pseudonym(std::string(16, '\x33'));
    c.set_sent_at(1772452800);
    auto* d = c.mutable_disclosure();
    auto* m = d->mutable_marking();
    m->set_provision(provision);
    m->set_citation("10 kap. 2 § OSL");
    m->set_date("2026-03-02");
    m->set_authority("social_services");
    m->set_secrecy_provision("26 kap. 1 § OSL");
    m->set_legal_basis("Uppgiften lämnas med stöd av 10 kap. 2 § OSL.");
    auto* k = d->mutable_check();
    k->set_verdict("allowed");
    k->set_subject_age(18);
    k->set_age_basis("personnummer");
    k->set_facts_json(facts);
    k->add_recipients("se.polisen/per");
    d->set_text("Oro för en ung person.");
    return c;
}

inline std::vector<std::pair<std::string, std::string>> seeds() {
    std::vector<std::pair<std::string, std::string>> out;
    auto add = [&](const std::string& name, std::uint8_t mode, const content::v1::Content& c) {
        out.emplace_back(name, std::string(1, static_cast<char>(mode)) + c.SerializeAsString());
    };
    add("disclosure", 0, disclosure("osl-10-2", R"({"necessary_for_own_task":true})"));
    {
        auto c = disclosure("osl-10-1", "{}");
        c.mutable_disclosure()->mutable_check()->set_consent_json(
            R"({"given_by":"subject","scope":"all","documented":true})");
        c.mutable_disclosure()->mutable_check()->add_categories("third_party_health");
        c.mutable_disclosure()->set_agenda_item(1);
        add("consent", 0, c);
    }
    {
        content::v1::Content c;
        c.set_version(1);
        auto* cr = c.mutable_meeting()->mutable_created();
        cr->set_title("Samverkansmöte");
        cr->set_scheduled_at("2026-03-02 13:00");
        cr->set_chair("se.boras.soc/anna");
        cr->set_meeting_key(std::string(32, '\x44'));
        add("meeting_created", 0, c);
        c.mutable_meeting()->mutable_agenda_item()->set_number(1);
        c.mutable_meeting()->mutable_agenda_item()->set_subject_pseudonym(std::string(16, '\x55'));
        add("meeting_agenda", 0, c);
        c.mutable_meeting()->mutable_opened();
        add("meeting_opened", 0, c);
        auto* dec = c.mutable_meeting()->mutable_decision();
        dec->set_item(1);
        dec->set_text("Beslut");
        dec->set_follow_up("Uppföljning");
        add("meeting_decision", 0, c);
        auto* rf = c.mutable_meeting()->mutable_refused_share();
        rf->set_item(1);
        rf->set_provision("osl-10-18a");
        rf->add_reasons("recipient_not_allowed");
        rf->add_recipients_refused("se.skola/eva");
        add("meeting_refused", 0, c);
        lagrum::meeting::v1::Minutes mn;
        mn.set_version(1);
        mn.set_room("Unga");
        mn.set_title("Samverkansmöte");
        mn.mutable_chair()->set_address("se.boras.soc/anna");
        auto* item = mn.add_items();
        item->set_number(1);
        item->add_decisions()->set_text("Beslut");
        auto* signed_minutes = c.mutable_meeting()->mutable_closed()->mutable_minutes();
        signed_minutes->set_minutes(mn.SerializeAsString());
        signed_minutes->set_signature(std::string(64, '\x66'));
        add("meeting_closed", 0, c);
    }
    {
        content::v1::Content c;
        c.set_version(1);
        lagrum::handover::v1::HandoverManifest m;
        m.set_version(1);
        m.set_handover_id(std::string(16, '\x77'));
        m.set_subject("200801012386");
        m.set_predecessor("se.boras.soc/anna");
        m.set_predecessor_device(std::string(32, '\x01'));
        m.set_successor("se.polisen/per");
        m.set_created_at(1772452800);
        auto* room = m.add_rooms();
        room->set_name("Unga");
        room->set_group_id(std::string(16, '\x12'));
        lagrum::handover::v1::HandedOverMessage msg;
        msg.set_message_id(std::string(16, '\x21'));
        msg.set_text("historik");
        m.add_message_hashes(std::string(32, '\x00'));
        auto* e = m.add_log_excerpt();
        e->set_record("\x08\x01");
        e->set_hash(std::string(32, '\x02'));
        e->set_signature(std::string(64, '\x03'));
        m.add_consents_json(R"({"id":1})");
        auto* b = c.mutable_handover();
        b->set_manifest(m.SerializeAsString());
        b->set_signature(std::string(64, '\x04'));
        b->add_messages(msg.SerializeAsString());
        add("handover_bundle", 1, c);
        c.clear_handover();
        auto* r = c.mutable_handover_receipt();
        r->set_handover_id(std::string(16, '\x77'));
        r->set_manifest_hash(std::string(32, '\x05'));
        r->set_verified(true);
        r->add_rooms_joined("Unga");
        r->set_messages_stored(1);
        add("handover_receipt", 1, c);
        c.clear_handover_receipt();
        c.set_version(2);
        c.set_group_id("elsewhere");
        add("binding", 2, c);
    }
    return out;
}

}  // namespace lagrum::control_seeds
