// Sending: the legal check on the sender's laptop, the sekretessmarkering inside the
// signed content, the outbox, and delivery in order, exactly once.
#include <nlohmann/json.hpp>

#include "client_impl.h"
#include "lagrum/core/legal/check_input.h"
#include "lagrum/core/legal/personnummer.h"
#include "lagrum/core/legal/verdict_json.h"
#include "lagrum/core/messaging/content_codec.h"
#include "lagrum/core/messaging/draft_check.h"
#include "lagrum/crypto/hash.h"
#include "lagrum/crypto/random.h"
#include "lagrum/mls/error.h"

namespace lagrum::core::messaging {

using json = nlohmann::ordered_json;

namespace {

json parse_object(const std::string& text, const char* what) {
    if (text.empty()) return json::object();
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        throw Error(Errc::bad_input, std::string(what) + " must hold one JSON object");
    }
    return j;
}

std::string input_error_text(const legal::InputError& e) {
    return e.message + (e.path.empty() ? "" : " (at " + e.path + ")") + " [" + e.code + "]";
}

}  // namespace

Recheck recheck_content(const legal::Catalog& catalog, const content::v1::Content& content,
                        const std::string& sender_authority,
                        const std::vector<legal::RecipientRef>& recipients) {
    Recheck out;
    const auto& d = content.disclosure();
    json in = json::object();
    in["format"] = "lagrum-check/1";
    in["date"] = d.marking().date();
    in["sender"] = json{{"authority", sender_authority}};
    json rs = json::array();
    for (const auto& r : recipients) {
        rs.push_back(json{{"id", r.id}, {"authority", std::string(legal::to_string(r.authority))}});
    }
    in["recipients"] = rs;
    in["subject"] = json{{"presumed_age", d.check().subject_age()}};
    in["provision"] = d.marking().provision();
    json facts =
        json::parse(d.check().facts_json().empty() ? "{}" : d.check().facts_json(), nullptr, false);
    if (facts.is_discarded() || !facts.is_object()) {
        out.input_error = "the recorded facts are not a JSON object";
        return out;
    }
    in["facts"] = facts;
    if (!d.check().consent_json().empty()) {
        json consent = json::parse(d.check().consent_json(), nullptr, false);
        if (consent.is_discarded() || !consent.is_object()) {
            out.input_error = "the recorded consent is not a JSON object";
            return out;
        }
        in["consent"] = consent;
    }
    json cats = json::array();
    for (const auto& c : d.check().categories()) cats.push_back(c);
    in["categories"] = cats;
    if (recipients.empty()) {
        out.input_error = "no recipients";
        return out;
    }
    auto parsed = legal::parse_check_input(in.dump(), catalog);
    if (auto* e = std::get_if<legal::InputError>(&parsed)) {
        out.input_error = input_error_text(*e);
        return out;
    }
    out.input_ok = true;
    out.verdict = legal::check(std::get<legal::Draft>(parsed), catalog);
    return out;
}

SendResult Client::send(const SendRequest& request) {
    auto& d = *impl_;
    const auto& me = d.require_self();
    if (request.room.has_value() == request.to.has_value()) {
        throw Error(Errc::bad_input, "give exactly one of --room NAME and --to ORG/MEMBER");
    }
    if (request.subject.empty()) throw Error(Errc::bad_input, "--subject PNR is required");
    if (request.provision.empty()) throw Error(Errc::bad_input, "--provision ID is required");
    if (request.text.empty() && !request.attachment) {
        throw Error(Errc::bad_input, "give --text TEXT or --file PATH");
    }
    json facts = parse_object(request.facts_json, "--facts");
    json consent = parse_object(request.consent_json, "--consent");

    // Catch up first (online): the check must see the room's membership as it is now.
    SyncReport report;
    d.receive(std::chrono::milliseconds(0), report);

    SendResult result;
    std::optional<RoomRow> row;
    std::string room_name;
    // A first direct message: the peer's devices are fetched (and their certificates
    // verified) for the check, but the conversation is only created if the check allows
    // the message, so a refusal leaves nothing behind.
    std::optional<std::vector<NewDevice>> new_peer;
    std::vector<legal::RecipientRef> recipients;
    if (request.room) {
        row = d.require_room(*request.room);
    } else {
        split_address(*request.to);
        if (*request.to == me.address()) throw Error(Errc::bad_input, "--to names yourself");
        room_name = d.direct_room_name(*request.to);
        row = d.find_room_by_name(room_name);
        if (!row) {
            if (!d.connect()) {
                throw Error(Errc::relay_unavailable,
                            "a new conversation needs the relay (" + d.relay_address +
                                "), which is unreachable; nothing was queued");
            }
            new_peer = d.fetch_devices({*request.to});
            const auto& peer = new_peer->front().member;
            recipients.push_back(
                {peer.address(), legal::parse_authority(authority_of(peer.authority))
                                     .value_or(legal::Authority::other)});
        }
    }
    if (row) {
        if (!row->active) {
            throw Error(Errc::conflict, "we are no longer a member of \"" + row->name + "\"");
        }
        // Before the check and before anything is stored: a refusal leaves no trace.
        d.refuse_if_forked(row->id);
        result.room = row->name;
        // Recipients: every other member, with the authority from their verified certificate.
        auto group = d.load_group(row->id);
        std::set<std::string> seen;
        for (const auto& lm : d.leaf_members(group)) {
            if (!lm.member) {
                throw Error(Errc::certificate_invalid,
                            "a member's certificate no longer verifies (" + lm.why +
                                "): remove them before sending");
            }
            if (lm.member->address() == me.address() || !seen.insert(lm.member->address()).second) {
                continue;
            }
            auto a = legal::parse_authority(authority_of(lm.member->authority));
            recipients.push_back({lm.member->address(), a.value_or(legal::Authority::other)});
        }
        if (recipients.empty()) {
            throw Error(Errc::bad_input, "\"" + row->name + "\" has no other members to send to");
        }
    } else {
        result.room = room_name;
    }

    // A consent-based provision without an inline --consent: the consent register decides
    // (records/consent.cpp), and the outbox remembers which consent it rested on.
    std::int64_t consent_id = 0;
    if (consent.empty()) {
        const auto* p = d.catalog.find_provision(request.provision);
        if (p != nullptr && p->consent) {
            std::vector<std::string> authorities;
            for (const auto& r : recipients)
                authorities.emplace_back(legal::to_string(r.authority));
            auto rc = d.register_consent(d.pseudonym_of(request.subject), authorities);
            consent = json::parse(rc.json);
            consent_id = rc.id;
        }
    }
    // The check itself: the same call the app makes for its live verdict.
    auto checked = check_draft(d.catalog, authority_of(me.authority), recipients, request,
                               d.today(), consent.empty() ? std::string() : consent.dump());
    if (!checked.checked) throw Error(Errc::bad_input, checked.input_error);
    result.verdict = std::move(checked.verdict);
    result.verdict_json = legal::verdict_to_json(result.verdict, d.catalog);
    result.allowed = result.verdict.verdict == legal::VerdictKind::allowed;
    if (!result.allowed) {
        // A refused send is a record too: what was attempted, to whom, and why not.
        Impl::LogEvent ev;
        ev.kind = "refused";
        ev.subject = d.pseudonym_of(request.subject);
        ev.room = result.room;
        for (const auto& r : recipients) ev.recipients.push_back(r.id);
        ev.provision = result.verdict.provision;
        ev.citation = result.verdict.citation;
        ev.categories = request.categories;
        ev.details_json = json{{"verdict", json::parse(result.verdict_json)}}.dump();
        d.log_append(ev);
        return result;
    }
    if (!row) {
        row = d.create_room_row(room_name, true, {*request.to}, &*new_peer);
        // The room now holds the devices the check saw; anyone else is a relay's lie.
    }

    // The sekretessmarkering and the check, inside the content the sender signs.
    content::v1::Content c;
    c.set_version(1);
    c.set_group_id(to_str(row->group_id));
    c.set_message_id(to_str(crypto::random_bytes(16)));
    c.set_case_pseudonym(to_str(d.pseudonym_of(request.subject)));
    c.set_sent_at(d.now());
    auto* disc = c.mutable_disclosure();
    auto* mk = disc->mutable_marking();
    mk->set_provision(result.verdict.provision);
    mk->set_citation(result.verdict.citation);
    mk->set_date(legal::to_string(result.verdict.date));
    if (result.verdict.marking) {
        mk->set_authority(std::string(legal::to_string(result.verdict.marking->authority)));
        mk->set_secrecy_provision(result.verdict.marking->provision.value_or(""));
        mk->set_legal_basis(result.verdict.marking->legal_basis);
    } else {
        mk->set_authority(authority_of(me.authority));
    }
    auto* ck = disc->mutable_check();
    ck->set_verdict("allowed");
    ck->set_subject_age(static_cast<std::uint32_t>(std::max(0, result.verdict.age)));
    ck->set_age_basis(std::string(legal::to_string(result.verdict.age_basis)));
    ck->set_facts_json(facts.dump());
    ck->set_consent_json(consent.empty() ? "" : consent.dump());
    for (const auto& cat : request.categories) ck->add_categories(cat);
    for (const auto& r : recipients) ck->add_recipients(r.id);
    disc->set_text(request.text);
    if (request.attachment) *disc->mutable_attachment() = *request.attachment;
    if (request.agenda_item) disc->set_agenda_item(*request.agenda_item);
    if (request.tamper_for_testing) request.tamper_for_testing(c);
    pad_content(c);  // size limit now, before anything is stored

    d.db.transaction([&] {
        d.db.prepare(
                "INSERT INTO messages(message_id, room_id, outgoing, sender_org, sender_member, "
                "sender_name, sender_authority, provision, marking, text, attachment_name, "
                "attachment, case_pseudonym, sent_at, received_at, read) "
                "VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)")
            .bind(1, view_of(c.message_id()))
            .bind(2, row->id)
            .bind(3, me.organisation_id)
            .bind(4, me.member_id)
            .bind(5, me.display_name)
            .bind(6, authority_of(me.authority))
            .bind(7, disc->marking().provision())
            .bind(8, view_of(disc->marking().SerializeAsString()))
            .bind(9, disc->text())
            .bind(10, disc->attachment().name())
            .bind(11, view_of(disc->attachment().data()))
            .bind(12, view_of(c.case_pseudonym()))
            .bind(13, c.sent_at())
            .bind(14, d.now())
            .run();
        result.message_id = d.db.last_insert_rowid();
        d.note_meeting_share(row->id, result.message_id, c, me.address(), me.display_name,
                             authority_of(me.authority));
        d.db.prepare(
                "INSERT INTO outbox(room_id, message_row, content, state, created_at) "
                "VALUES (?, ?, ?, 'queued', ?)")
            .bind(1, row->id)
            .bind(2, result.message_id)
            .bind(3, view_of(c.SerializeAsString()))
            .bind(4, d.now())
            .run();
        d.note_outbox_consent(result.message_id, consent_id);
    });
    d.flush_outbox(report);
    {
        auto st = d.db.prepare("SELECT state FROM outbox WHERE message_row = ?");
        st.bind(1, result.message_id);
        result.sent = st.step() && st.text(0) == "sent";
    }
    return result;
}

std::string Client::Impl::fork_block_reason(std::int64_t room_id) {
    auto st = db.prepare("SELECT name, forked_epoch FROM rooms WHERE id = ?");
    st.bind(1, room_id);
    if (!st.step() || st.is_null(1)) return {};
    return "\"" + st.text(0) + "\" is forked: at epoch " + std::to_string(st.int64(1)) +
           " the relay gave members two different histories, so nothing more is sent in it; "
           "compare the epoch codes with the other members by phone or in person, then start "
           "a new room";
}

void Client::Impl::refuse_if_forked(std::int64_t room_id) {
    auto why = fork_block_reason(room_id);
    if (!why.empty()) throw Error(Errc::conflict, why);
}

void Client::Impl::flush_outbox(SyncReport& report) {
    if (!self || !self_invalid.empty()) return;
    struct Row {
        std::int64_t id, room_id;
        std::string state;
        Bytes content, envelope, ciphertext;
    };
    for (;;) {
        std::optional<Row> next;
        {
            auto st = db.prepare(
                "SELECT id, room_id, state, content, envelope_id, ciphertext FROM outbox "
                "WHERE state IN ('queued', 'encrypted') ORDER BY id LIMIT 1");
            if (st.step()) {
                next = Row{st.int64(0),
                           st.int64(1),
                           st.text(2),
                           st.blob(3),
                           st.is_null(4) ? Bytes{} : st.blob(4),
                           st.is_null(5) ? Bytes{} : st.blob(5)};
            }
        }
        if (!next) return;
        if (!connect()) {
            report.relay_reachable = false;
            return;
        }
        auto& r = *next;
        auto room = [&] {
            auto st = db.prepare("SELECT group_id, active, epoch FROM rooms WHERE id = ?");
            st.bind(1, r.room_id);
            st.step();
            return std::make_tuple(st.blob(0), st.int64(1) != 0,
                                   static_cast<std::uint64_t>(st.int64(2)));
        }();
        // A room found forked since the entry was queued (or encrypted): the entry is held
        // with the reason, visible in the outbox, and never sent into either branch.
        if (const auto why = fork_block_reason(r.room_id); !why.empty()) {
            bool held = false;
            db.transaction([&] {
                db.prepare(
                      "UPDATE outbox SET state = 'held', reason = ? WHERE id = ? AND state IN "
                      "('queued', 'encrypted')")
                    .bind(1, why)
                    .bind(2, r.id)
                    .run();
                held = db.changes() > 0;
            });
            if (held) ++report.held;
            continue;
        }
        if (r.state == "encrypted") {
            // Encrypted earlier, but the room has moved to a new epoch since (members may
            // have joined or left): the check ran against the old membership, so the
            // entry goes back to the queue and is checked and encrypted again. Its
            // message id is kept, so a copy the relay did take is shown once.
            content::v1::Content c;
            if (c.ParseFromArray(r.content.data(), static_cast<int>(r.content.size())) &&
                c.epoch() != std::get<2>(room)) {
                db.transaction([&] {
                    db.prepare(
                          "UPDATE outbox SET state = 'queued', envelope_id = NULL, ciphertext = "
                          "NULL "
                          "WHERE id = ? AND state = 'encrypted'")
                        .bind(1, r.id)
                        .run();
                });
                continue;
            }
        }
        if (r.state == "queued") {
            // Encrypt in the current epoch, with the ratchet state saved in the same
            // transaction: the ciphertext is fixed before it leaves, so a retry resends
            // the same bytes under the same envelope id.
            bool held = false, taken = false;
            db.transaction([&] {
                // Another process (the daemon) may have encrypted it meanwhile: re-read
                // under the write lock, so an entry is encrypted once.
                {
                    auto st = db.prepare(
                        "SELECT state, envelope_id, ciphertext FROM outbox WHERE id = ?");
                    st.bind(1, r.id);
                    if (!st.step()) return;
                    if (st.text(0) != "queued") {
                        taken = true;
                        if (st.text(0) == "encrypted") {
                            r.envelope = st.blob(1);
                            r.ciphertext = st.blob(2);
                        }
                        return;
                    }
                }
                content::v1::Content c;
                if (!c.ParseFromArray(r.content.data(), static_cast<int>(r.content.size()))) {
                    throw Error(Errc::corrupt_store, "an outbox entry is damaged");
                }
                auto hold = [&](const std::string& why) {
                    db.prepare("UPDATE outbox SET state = 'held', reason = ? WHERE id = ?")
                        .bind(1, why)
                        .bind(2, r.id)
                        .run();
                    held = true;
                };
                if (!std::get<1>(room)) return hold("we are no longer a member of the room");
                auto g = load_group(r.room_id);
                // Membership may have changed since the check: the message only goes out
                // if the check still allows it for everyone in the room now.
                std::vector<legal::RecipientRef> now_recipients;
                std::set<std::string> addresses;
                for (const auto& lm : leaf_members(g)) {
                    if (!lm.member)
                        return hold("a member's certificate no longer verifies: " + lm.why);
                    if (lm.member->address() == self->address() ||
                        !addresses.insert(lm.member->address()).second) {
                        continue;
                    }
                    now_recipients.push_back(
                        {lm.member->address(),
                         legal::parse_authority(authority_of(lm.member->authority))
                             .value_or(legal::Authority::other)});
                }
                std::set<std::string> checked(c.disclosure().check().recipients().begin(),
                                              c.disclosure().check().recipients().end());
                // Meeting and handover traffic carries no disclosure to re-check.
                if (c.has_disclosure() && checked != addresses) {
                    auto re =
                        recheck_content(catalog, c, authority_of(self->authority), now_recipients);
                    if (!re.input_ok)
                        return hold("the room changed and the check cannot run: " + re.input_error);
                    if (re.verdict.verdict != legal::VerdictKind::allowed) {
                        return hold(
                            "the room's members changed and the legal check no longer allows it");
                    }
                    c.mutable_disclosure()->mutable_check()->clear_recipients();
                    for (const auto& a : addresses)
                        c.mutable_disclosure()->mutable_check()->add_recipients(a);
                }
                c.set_epoch(g.epoch());
                Bytes padded = pad_content(c);
                Bytes ct = g.protect(padded);
                crypto::wipe(padded);
                save_group(r.room_id, g);
                r.envelope = crypto::random_bytes(16);
                r.ciphertext = ct;
                db.prepare(
                      "UPDATE outbox SET state = 'encrypted', envelope_id = ?, ciphertext = ?, "
                      "content = ? WHERE id = ?")
                    .bind(1, r.envelope)
                    .bind(2, r.ciphertext)
                    .bind(3, view_of(c.SerializeAsString()))
                    .bind(4, r.id)
                    .run();
            });
            if (held) {
                ++report.held;
                continue;
            }
            if (taken && r.ciphertext.empty()) continue;  // sent or held by the other process
        }
        try {
            with_relay([&](RelayTransport& t) {
                return t.send_message(std::get<0>(room), r.envelope, r.ciphertext);
            });
        } catch (const Error& e) {
            if (e.code() == Errc::relay_unavailable) {
                report.relay_reachable = false;
                return;
            }
            throw;
        }
        db.transaction([&] {
            // Another process may have recorded it meanwhile: log the disclosure once.
            {
                auto st = db.prepare("SELECT state FROM outbox WHERE id = ?");
                st.bind(1, r.id);
                if (!st.step() || st.text(0) == "sent") return;
            }
            db.prepare(
                  "UPDATE outbox SET state = 'sent', sent_at = ?, ciphertext = NULL WHERE id = ?")
                .bind(1, now())
                .bind(2, r.id)
                .run();
            // Only a disclosure is a "sent" entry; meeting traffic logs its own kinds.
            content::v1::Content sent;
            if (!sent.ParseFromArray(r.content.data(), static_cast<int>(r.content.size())) ||
                sent.has_disclosure())
                log_sent(r.id);
        });
        ++report.sent;
    }
}

}  // namespace lagrum::core::messaging
