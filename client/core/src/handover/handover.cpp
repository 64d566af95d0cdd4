// Case handover (överlämning; DESIGN.md "Case handover", protocol/handover.proto).
//
// Predecessor (`lagrum handover --subject PNR --to ORG/MEMBER`, Client::hand_over):
//   1. finds every room holding messages about the subject (this device's pseudonym of
//      the subject, messages.case_pseudonym) and adds the successor to each group room;
//   2. sends a signed history bundle (those messages with their original senders,
//      markings and times, the consents, the log excerpt, the rooms) in the direct
//      conversation with the successor, and logs "handover_sent";
//   3. at a later sync, logs "handover_completed" when the successor's receipt arrives.
// Successor (process_handover, then finish_handovers after the receive loop):
//   1. verifies the bundle: the signature against the predecessor's verified device key
//      (the MLS leaf the bundle came from), every message hash, every log-excerpt entry;
//   2. stores the messages into the case's rooms, marked as received by handover, and
//      logs "handover_received", all in the delivery's transaction;
//   3. removes the predecessor's devices from those rooms, then sends the receipt.
//
// Why the successor commits the removal: MLS (RFC 9420 §12.2) does not let a member
// commit its own Remove, and this client commits by value only (it keeps no proposal
// cache), so a self-Remove proposal would need another member to cache and commit it
// later. The successor is a member of every handed-over room once it has the bundle,
// and the bundle is the predecessor's signed statement naming those rooms: committing
// the Remove there needs no new trust. Doing it before the receipt means that once the
// predecessor sees "handover_completed" it has already lost the rooms.
//
// A handover is not a disclosure under an OSL provision but a transfer of the case within
// the authority (the successor must be of the predecessor's organisation), so no legal
// check runs for the bundle or for adding the successor; the recipient check would also
// treat a same-organisation colleague as a recipient, an open question of its own. The
// messages inside keep the markings they were sent under.
//
// Known limit: the case pseudonym is per device, so a message received from another
// member carries that member's pseudonym, not ours, and is not found as "about the
// subject" here. Only what this device sent about the subject (and what it got by an
// earlier handover) is handed over; the rooms are still found through those messages.
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <nlohmann/json.hpp>
#include <set>

#include "../messaging/client_impl.h"
#include "handover.pb.h"
#include "lagrum/core/messaging/content_codec.h"
#include "lagrum/crypto/ed25519.h"
#include "lagrum/crypto/hash.h"
#include "lagrum/crypto/random.h"
#include "log.pb.h"

namespace lagrum::core::messaging {

namespace hv = lagrum::handover::v1;
using core::handover::HandoverCheck;
using core::handover::HandoverRecord;
using core::handover::HandoverRequest;
using core::handover::HandoverResult;
using core::handover::HandoverVerification;
using json = nlohmann::ordered_json;

namespace {

constexpr std::string_view kSignLabel = "lagrum-handover/1";
constexpr std::string_view kLogChainLabel = "lagrum-log/1";  // protocol/log.proto
constexpr std::size_t kIdSize = 16;

Bytes signed_message(ByteView manifest) {
    Bytes m(kSignLabel.begin(), kSignLabel.end());
    m.push_back(0);
    m.insert(m.end(), manifest.begin(), manifest.end());
    return m;
}

std::string serialize_deterministic(const google::protobuf::MessageLite& msg) {
    std::string out;
    {
        google::protobuf::io::StringOutputStream raw(&out);
        google::protobuf::io::CodedOutputStream coded(&raw);
        coded.SetSerializationDeterministic(true);
        if (!msg.SerializeToCodedStream(&coded)) {
            throw Error(Errc::internal, "a handover record does not serialize");
        }
    }
    return out;
}

// What checking a bundle found.
struct Checked {
    bool ok = false;
    std::string problem;
    hv::HandoverManifest manifest;
    bool manifest_read = false;
    std::vector<hv::HandedOverMessage> messages;
};

// The bundle as the predecessor signed it: the signature by `sender_key` (the verified
// device of `sender`), the manifest naming `sender` and that key as predecessor and `self`
// as successor, each message matching its hash, each log entry its chain hash and the
// same key's signature. Never throws for a bad bundle.
Checked check_bundle(const hv::HandoverBundle& b, ByteView sender_key, const std::string& sender,
                     const std::string& self) {
    Checked c;
    auto fail = [&](std::string why) {
        c.ok = false;
        c.problem = std::move(why);
        return c;
    };
    if (b.manifest().empty()) return fail("the bundle has no manifest");
    if (b.signature().size() != 64 ||
        !crypto::ed25519_verify(sender_key, signed_message(view_of(b.manifest())),
                                view_of(b.signature()))) {
        return fail("the bundle's signature does not verify against the predecessor's device key");
    }
    if (!c.manifest.ParseFromString(b.manifest()))
        return fail("the signed manifest cannot be read");
    c.manifest_read = true;
    const auto& m = c.manifest;
    if (m.version() != 1) return fail("unknown bundle version " + std::to_string(m.version()));
    if (m.handover_id().size() != kIdSize) return fail("the bundle has no valid handover id");
    if (m.predecessor() != sender) {
        return fail("the bundle names " + m.predecessor() + " as predecessor but came from " +
                    sender);
    }
    if (!crypto::ct_equal(view_of(m.predecessor_device()), sender_key)) {
        return fail("the bundle names another signing device than the one it came from");
    }
    if (m.successor() != self) return fail("the bundle is for " + m.successor() + ", not for us");
    if (m.message_hashes_size() != b.messages_size()) {
        return fail("the bundle holds " + std::to_string(b.messages_size()) +
                    " message(s) but its signed manifest lists " +
                    std::to_string(m.message_hashes_size()));
    }
    for (int i = 0; i < b.messages_size(); ++i) {
        const std::string n = std::to_string(i + 1);
        const Bytes h = crypto::sha256(view_of(b.messages(i)));
        if (!crypto::ct_equal(h, view_of(m.message_hashes(i)))) {
            return fail("message " + n + " of the bundle does not match its signed hash");
        }
        hv::HandedOverMessage msg;
        if (!msg.ParseFromString(b.messages(i))) return fail("message " + n + " cannot be read");
        if (msg.message_id().size() != kIdSize) return fail("message " + n + " has no valid id");
        c.messages.push_back(std::move(msg));
    }
    for (int i = 0; i < m.log_excerpt_size(); ++i) {
        const auto& e = m.log_excerpt(i);
        const std::string n = std::to_string(i + 1);
        log::v1::LogRecord r;
        if (!r.ParseFromString(e.record()))
            return fail("log excerpt entry " + n + " cannot be read");
        Bytes in(kLogChainLabel.begin(), kLogChainLabel.end());
        in.insert(in.end(), r.previous_hash().begin(), r.previous_hash().end());
        in.insert(in.end(), e.record().begin(), e.record().end());
        if (!crypto::ct_equal(crypto::sha256(in), view_of(e.hash())) ||
            !crypto::ed25519_verify(sender_key, view_of(e.hash()), view_of(e.signature()))) {
            return fail("log excerpt entry " + n + " (position " + std::to_string(r.position()) +
                        ") does not verify against the predecessor's device key");
        }
    }
    c.ok = true;
    return c;
}

HandoverRecord record_from(store::Statement& st) {
    // Columns: handover_id, direction, counterpart, subject_pseudonym, room name, bundle,
    // state, problem, created_at, completed_at.
    HandoverRecord r;
    r.handover_id = crypto::to_hex(st.blob(0));
    r.direction = st.text(1);
    r.counterpart = st.text(2);
    r.subject = st.is_null(3) ? "" : crypto::to_hex(st.blob(3));
    r.room = st.text(4);
    hv::HandoverBundle b;
    const Bytes bundle = st.blob(5);
    hv::HandoverManifest m;
    if (b.ParseFromArray(bundle.data(), static_cast<int>(bundle.size())) &&
        m.ParseFromString(b.manifest())) {
        for (const auto& room : m.rooms()) r.rooms.push_back(room.name());
        r.messages = static_cast<std::size_t>(b.messages_size());
        r.log_entries = static_cast<std::size_t>(m.log_excerpt_size());
        r.consents = static_cast<std::size_t>(m.consents_json_size());
    }
    r.state = st.text(6);
    r.problem = st.text(7);
    r.created_at = st.int64(8);
    r.completed_at = st.is_null(9) ? 0 : st.int64(9);
    return r;
}

constexpr const char* kRecordColumns =
    "SELECT h.handover_id, h.direction, h.counterpart, h.subject_pseudonym, r.name, h.bundle, "
    "h.state, h.problem, h.created_at, h.completed_at, h.sender_key, h.id, h.room_id "
    "FROM handovers h JOIN rooms r ON r.id = h.room_id ";

}  // namespace

// ---- sending control traffic ----------------------------------------------------------

void Client::Impl::send_control(const RoomRow& row, content::v1::Content& content) {
    const Bytes envelope = crypto::random_bytes(16);
    Bytes ciphertext;
    db.transaction([&] {
        auto g = load_group(row.id);
        if (!g.active()) {
            throw Error(Errc::conflict, "we are no longer a member of \"" + row.name + "\"");
        }
        content.set_version(1);
        content.set_group_id(to_str(row.group_id));
        content.set_epoch(g.epoch());
        Bytes padded = pad_content(content);
        ciphertext = g.protect(padded);
        crypto::wipe(padded);
        save_group(row.id, g);  // the ratchet moved before anything leaves
    });
    with_relay(
        [&](RelayTransport& t) { return t.send_message(row.group_id, envelope, ciphertext); });
}

// ---- the predecessor ------------------------------------------------------------------

namespace {

// What a handover of `request` would carry: the request checked (a colleague of the same
// organisation, not ourselves) and the case's material gathered from the store, as
// hand_over sends it and handover_preview counts it.
struct CaseMaterial {
    Bytes subject;                      // this device's pseudonym of the subject
    std::vector<std::string> messages;  // serialized HandedOverMessage
    std::set<std::int64_t> room_ids;    // rooms holding them
    std::vector<hv::HandedOverLogEntry> excerpt;
    std::vector<std::string> consents;  // JSON objects
};

void check_request(Client::Impl& d, const HandoverRequest& request) {
    const auto& me = d.require_self();
    if (request.subject.empty()) throw Error(Errc::bad_input, "--subject PNR is required");
    const auto [s_org, s_member] = split_address(request.successor);
    (void)s_member;
    if (request.successor == me.address()) {
        throw Error(Errc::bad_input, "--to names yourself: a case is handed over to a colleague");
    }
    if (s_org != me.organisation_id) {
        // Within the authority only: across authorities it would be a disclosure, which
        // goes through `send` and its legal check.
        throw Error(Errc::bad_input, "a case is handed over within the organisation: " +
                                         request.successor + " is not of " + me.organisation_id);
    }
    // The number itself (bad_input when malformed), before anything needs the relay.
    (void)d.pseudonym_of(request.subject);
}

CaseMaterial gather_case(Client::Impl& d, const std::string& personnummer) {
    CaseMaterial m;
    m.subject = d.pseudonym_of(personnummer);
    // The messages about the subject: received ones, and sent ones the relay took.
    {
        auto st = d.db.prepare(
            "SELECT m.message_id, r.group_id, r.name, m.sender_org, m.sender_member, "
            "m.sender_name, m.sender_authority, m.outgoing, m.provision, m.marking, m.flags, "
            "m.flag_reasons, m.text, m.attachment_name, m.attachment, m.sent_at, m.received_at, "
            "r.id FROM messages m JOIN rooms r ON r.id = m.room_id "
            "LEFT JOIN outbox o ON o.message_row = m.id "
            "WHERE m.case_pseudonym = ? AND m.message_id IS NOT NULL "
            "AND (m.outgoing = 0 OR o.state = 'sent') ORDER BY m.id");
        st.bind(1, m.subject);
        while (st.step()) {
            hv::HandedOverMessage hm;
            hm.set_message_id(to_str(st.blob(0)));
            hm.set_group_id(to_str(st.blob(1)));
            hm.set_room(st.text(2));
            hm.set_sender_organisation(st.text(3));
            hm.set_sender_member(st.text(4));
            hm.set_sender_name(st.text(5));
            hm.set_sender_authority(st.text(6));
            hm.set_sent_by_predecessor(st.int64(7) != 0);
            hm.set_provision(st.text(8));
            if (!st.is_null(9)) hm.set_marking(to_str(st.blob(9)));
            hm.set_flags(st.text(10));
            hm.set_flag_reasons(st.text(11));
            hm.set_text(st.text(12));
            hm.set_attachment_name(st.text(13));
            if (!st.is_null(14)) hm.set_attachment(to_str(st.blob(14)));
            hm.set_sent_at(st.int64(15));
            hm.set_received_at(st.int64(16));
            m.room_ids.insert(st.int64(17));
            m.messages.push_back(serialize_deterministic(hm));
        }
    }
    // The log excerpt: this device's signed entries about the subject, as stored.
    {
        auto st = d.db.prepare("SELECT record, hash, signature FROM log ORDER BY position");
        while (st.step()) {
            const Bytes record = st.blob(0);
            log::v1::LogRecord r;
            if (!r.ParseFromArray(record.data(), static_cast<int>(record.size()))) {
                throw Error(Errc::corrupt_store,
                            "a disclosure log entry is damaged (run `lagrum log verify`)");
            }
            if (!crypto::ct_equal(view_of(r.subject_pseudonym()), m.subject)) continue;
            hv::HandedOverLogEntry e;
            e.set_record(to_str(record));
            e.set_hash(to_str(st.blob(1)));
            e.set_signature(to_str(st.blob(2)));
            m.excerpt.push_back(std::move(e));
        }
    }
    // The consent register's records of the subject (records/consent.cpp), when the
    // register exists in this profile's schema: each as one JSON object, with the
    // predecessor's signature over the record, so the successor knows on what consent
    // the case rests. The register stays the predecessor's: the successor gets a copy.
    {
        auto t = d.db.prepare(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'consents'");
        if (t.step() && t.int64(0) > 0) {
            auto st = d.db.prepare(
                "SELECT id, given_by, recipients, purpose, valid_until, document_name, "
                "document_sha256, status, given_at, ended_at, signature FROM consents "
                "WHERE subject_pseudonym = ? ORDER BY id");
            st.bind(1, m.subject);
            while (st.step()) {
                json o = {{"id", st.int64(0)},
                          {"given_by", st.text(1)},
                          {"recipients", st.text(2)},
                          {"purpose", st.text(3)},
                          {"valid_until", st.text(4)},
                          {"document_name", st.text(5)},
                          {"document_sha256", st.is_null(6) ? "" : crypto::to_hex(st.blob(6))},
                          {"status", st.text(7)},
                          {"given_at", st.int64(8)},
                          {"ended_at", st.int64(9)},
                          {"signature", crypto::to_hex(st.blob(10))}};
                m.consents.push_back(o.dump());
            }
        }
    }
    if (m.messages.empty() && m.excerpt.empty() && m.consents.empty()) {
        throw Error(Errc::not_found,
                    "this device holds no messages and no log entries about that subject");
    }
    return m;
}

}  // namespace

HandoverResult Client::hand_over(const HandoverRequest& request) {
    auto& d = *impl_;
    const auto& me = d.require_self();
    check_request(d, request);
    // Catch up first: rooms and membership as they are now.
    SyncReport report;
    d.receive(std::chrono::milliseconds(0), report);
    if (!report.relay_reachable) {
        throw Error(Errc::relay_unavailable,
                    "a handover needs the relay (" + d.relay_address + "), which is unreachable");
    }

    auto material = gather_case(d, request.subject);
    const Bytes& subject = material.subject;
    const auto& messages = material.messages;
    const auto& room_ids = material.room_ids;
    auto& excerpt = material.excerpt;
    const auto& consents = material.consents;

    HandoverResult result;
    result.successor = request.successor;
    hv::HandoverManifest manifest;
    manifest.set_version(1);
    const Bytes handover_id = crypto::random_bytes(kIdSize);
    manifest.set_handover_id(to_str(handover_id));
    manifest.set_subject(request.subject);
    manifest.set_predecessor(me.address());
    manifest.set_predecessor_device(to_str(d.device_public));
    manifest.set_successor(request.successor);
    manifest.set_created_at(d.now());

    // The successor joins every group room of the case (a direct conversation stays the
    // two people's own: its messages travel as history only).
    for (const auto id : room_ids) {
        std::optional<RoomRow> row;
        {
            auto st = d.db.prepare("SELECT name FROM rooms WHERE id = ?");
            st.bind(1, id);
            if (st.step()) row = d.find_room_by_name(st.text(0));
        }
        if (!row) continue;
        auto* hr = manifest.add_rooms();
        hr->set_name(row->name);
        hr->set_group_id(to_str(row->group_id));
        hr->set_direct(row->direct || !row->active);
        if (row->direct || !row->active) {
            result.direct.push_back(row->name);
            continue;
        }
        bool present = false;
        for (const auto& lm : d.leaf_members(d.load_group(row->id))) {
            if (lm.member && lm.member->address() == request.successor) present = true;
        }
        if (!present) d.change_members(*row, {request.successor}, {});
        result.rooms.push_back(row->name);
    }
    for (const auto& m : messages) manifest.add_message_hashes(to_str(crypto::sha256(view_of(m))));
    for (auto& e : excerpt) *manifest.add_log_excerpt() = std::move(e);
    for (const auto& c : consents) manifest.add_consents_json(c);

    hv::HandoverBundle bundle;
    bundle.set_manifest(serialize_deterministic(manifest));
    auto sig =
        crypto::ed25519_sign(d.device_seed.view(), signed_message(view_of(bundle.manifest())));
    if (!sig) throw Error(Errc::internal, "the device key cannot sign");
    bundle.set_signature(to_str(*sig));
    for (const auto& m : messages) bundle.add_messages(m);
    if (request.tamper_for_testing) request.tamper_for_testing(bundle);

    // The direct conversation with the successor (made if there is none yet).
    result.room = d.direct_room_name(request.successor);
    auto direct = d.find_room_by_name(result.room);
    if (!direct) direct = d.create_room_row(result.room, true, {request.successor});
    if (!direct->active) {
        throw Error(Errc::conflict, "we are no longer a member of \"" + result.room + "\"");
    }
    for (const auto& lm : d.leaf_members(d.load_group(direct->id))) {
        if (!lm.member ||
            (lm.member->address() != me.address() && lm.member->address() != request.successor)) {
            throw Error(Errc::conflict, "\"" + result.room +
                                            "\" holds someone besides the two of you: the "
                                            "bundle is not sent there");
        }
    }

    content::v1::Content c;
    c.set_message_id(to_str(crypto::random_bytes(kIdSize)));
    c.set_case_pseudonym(to_str(subject));
    c.set_sent_at(d.now());
    *c.mutable_handover() = bundle;
    d.send_control(*direct, c);

    result.handover_id = crypto::to_hex(handover_id);
    result.messages = messages.size();
    result.log_entries = static_cast<std::size_t>(manifest.log_excerpt_size());
    result.consents = consents.size();
    d.db.transaction([&] {
        d.db.prepare(
                "INSERT INTO handovers(handover_id, direction, counterpart, subject_pseudonym, "
                "room_id, bundle, state, created_at) VALUES (?, 'sent', ?, ?, ?, ?, 'sent', ?)")
            .bind(1, handover_id)
            .bind(2, request.successor)
            .bind(3, subject)
            .bind(4, direct->id)
            .bind(5, view_of(bundle.SerializeAsString()))
            .bind(6, d.now())
            .run();
        Impl::LogEvent ev;
        ev.kind = "handover_sent";
        ev.subject = subject;
        ev.room = result.room;
        ev.recipients = {request.successor};
        ev.counterpart = request.successor;
        ev.content_hash = crypto::sha256(view_of(bundle.manifest()));
        ev.details_json = json{{"handover_id", result.handover_id}, {"rooms", result.rooms},
                               {"history_only", result.direct},     {"messages", result.messages},
                               {"log_entries", result.log_entries}, {"consents", result.consents}}
                              .dump();
        d.log_append(ev);
    });
    return result;
}

HandoverResult Client::handover_preview(const HandoverRequest& request) {
    auto& d = *impl_;
    check_request(d, request);
    const auto material = gather_case(d, request.subject);
    HandoverResult result;
    result.successor = request.successor;
    result.room = d.direct_room_name(request.successor);
    for (const auto id : material.room_ids) {
        auto st = d.db.prepare("SELECT name, direct, active FROM rooms WHERE id = ?");
        st.bind(1, id);
        if (!st.step()) continue;
        // As hand_over: the successor joins group rooms; direct ones go as history only.
        if (st.int64(1) != 0 || st.int64(2) == 0) {
            result.direct.push_back(st.text(0));
        } else {
            result.rooms.push_back(st.text(0));
        }
    }
    result.messages = material.messages.size();
    result.log_entries = material.excerpt.size();
    result.consents = material.consents.size();
    return result;
}

// ---- receiving ------------------------------------------------------------------------

void Client::Impl::process_handover(const RoomRow& room, const content::v1::Content& content,
                                    const pki::Member& sender, ByteView sender_key,
                                    SyncReport& report) {
    const auto& me = require_self();
    if (content.has_handover_receipt()) {
        const auto& rc = content.handover_receipt();
        auto st = db.prepare(
            "SELECT id, counterpart, state, bundle, subject_pseudonym FROM handovers "
            "WHERE handover_id = ? AND direction = 'sent'");
        st.bind(1, view_of(rc.handover_id()));
        if (!st.step()) {
            ++report.errors;
            return;  // a receipt for no handover of ours
        }
        const std::int64_t id = st.int64(0);
        const std::string counterpart = st.text(1), state = st.text(2);
        const Bytes bundle_bytes = st.blob(3);
        const Bytes subject = st.is_null(4) ? Bytes{} : st.blob(4);
        if (counterpart != sender.address()) {
            ++report.errors;
            return;  // only the successor answers for the bundle
        }
        if (state != "sent") return;  // answered already
        hv::HandoverBundle b;
        b.ParseFromArray(bundle_bytes.data(), static_cast<int>(bundle_bytes.size()));
        const bool same =
            crypto::ct_equal(crypto::sha256(view_of(b.manifest())), view_of(rc.manifest_hash()));
        const bool completed = rc.verified() && same;
        const std::string problem =
            completed ? ""
            : !same   ? "the successor's receipt names another manifest than the one sent"
                      : "the successor could not verify the bundle: " + rc.problem();
        db.prepare("UPDATE handovers SET state = ?, problem = ?, completed_at = ? WHERE id = ?")
            .bind(1, completed ? "completed" : "failed")
            .bind(2, problem)
            .bind(3, now())
            .bind(4, id)
            .run();
        LogEvent ev;
        ev.kind = completed ? "handover_completed" : "handover_failed";
        ev.subject = subject;
        ev.room = room.name;
        ev.counterpart = sender.address();
        ev.content_hash = crypto::sha256(view_of(b.manifest()));
        json details = {{"handover_id", crypto::to_hex(view_of(rc.handover_id()))},
                        {"rooms_joined", std::vector<std::string>(rc.rooms_joined().begin(),
                                                                  rc.rooms_joined().end())},
                        {"rooms_removed", std::vector<std::string>(rc.rooms_removed().begin(),
                                                                   rc.rooms_removed().end())},
                        {"messages_stored", rc.messages_stored()}};
        if (!completed) details["problem"] = problem;
        ev.details_json = details.dump();
        log_append(ev);
        return;
    }

    // A bundle. Checked in full before anything is written: a rejected bundle stores
    // nothing of its contents, only the record that it was rejected.
    const auto& b = content.handover();
    auto checked = check_bundle(b, sender_key, sender.address(), me.address());
    if (checked.ok && !room.direct) {
        checked.ok = false;
        checked.problem = "a handover bundle arrived in a room, not in a direct conversation";
    }
    Bytes subject;
    if (checked.ok) {
        try {
            subject = pseudonym_of(checked.manifest.subject());
        } catch (const Error&) {
            checked.ok = false;
            checked.problem = "the bundle's subject is not a valid personnummer";
        }
    }
    // The id the receipt names. From an unverified manifest too (only to tell the
    // predecessor which of its handovers failed; it checks the manifest hash itself).
    std::string handover_id = content.message_id();
    {
        hv::HandoverManifest claimed;
        if (checked.manifest_read) {
            claimed = checked.manifest;
        } else if (!claimed.ParseFromString(b.manifest())) {
            claimed.Clear();
        }
        if (claimed.handover_id().size() == kIdSize) handover_id = claimed.handover_id();
    }
    {
        auto st =
            db.prepare("SELECT 1 FROM handovers WHERE handover_id = ? AND direction = 'received'");
        st.bind(1, view_of(handover_id));
        if (st.step()) return;  // a copy of one we have
    }
    std::vector<std::string> rooms;
    std::size_t stored = 0;
    if (checked.ok) {
        for (const auto& r : checked.manifest.rooms()) rooms.push_back(r.name());
        for (const auto& m : checked.messages) {
            {
                auto st = db.prepare("SELECT 1 FROM messages WHERE message_id = ?");
                st.bind(1, view_of(m.message_id()));
                if (st.step()) continue;  // we have it already (we were in that room)
            }
            // Into the case's room when we are in it (we joined by the Welcome before this
            // bundle); a direct conversation's history goes into this handover's one.
            std::int64_t room_id = room.id;
            if (auto r = find_room_by_group(view_of(m.group_id())); r && r->active && !r->direct) {
                room_id = r->id;
            }
            auto ins = db.prepare(
                "INSERT INTO messages(message_id, room_id, outgoing, sender_org, sender_member, "
                "sender_name, sender_authority, provision, marking, flags, flag_reasons, text, "
                "attachment_name, attachment, case_pseudonym, sent_at, received_at, "
                "via_handover, handed_over_by) "
                "VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)");
            ins.bind(1, view_of(m.message_id()))
                .bind(2, room_id)
                .bind(3, m.sender_organisation())
                .bind(4, m.sender_member())
                .bind(5, m.sender_name())
                .bind(6, m.sender_authority())
                .bind(7, m.provision())
                .bind(9, m.flags())
                .bind(10, m.flag_reasons())
                .bind(11, m.text())
                .bind(12, m.attachment_name())
                .bind(13, view_of(m.attachment()))
                .bind(14, subject)
                .bind(15, m.sent_at())
                .bind(16, now())
                .bind(17, sender.address());
            if (m.marking().empty()) {
                ins.bind_null(8);
            } else {
                ins.bind(8, view_of(m.marking()));
            }
            ins.run();
            ++stored;
        }
    }
    db.prepare(
          "INSERT INTO handovers(handover_id, direction, counterpart, subject_pseudonym, "
          "room_id, bundle, sender_key, state, problem, created_at) "
          "VALUES (?, 'received', ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, view_of(handover_id))
        .bind(2, sender.address())
        .bind(3, subject)
        .bind(4, room.id)
        .bind(5, view_of(b.SerializeAsString()))
        .bind(6, sender_key)
        .bind(7, checked.ok ? "verified" : "rejected")
        .bind(8, checked.problem)
        .bind(9, now())
        .run();
    LogEvent ev;
    ev.kind = checked.ok ? "handover_received" : "handover_rejected";
    ev.subject = subject;
    ev.room = room.name;
    ev.counterpart = sender.address();
    ev.content_hash = crypto::sha256(view_of(b.manifest()));
    json details = {{"handover_id", crypto::to_hex(view_of(handover_id))},
                    {"validation", checked.ok ? "verified" : "rejected"}};
    if (checked.ok) {
        details["rooms"] = rooms;
        details["messages"] = checked.messages.size();
        details["messages_stored"] = stored;
        details["log_entries"] = checked.manifest.log_excerpt_size();
        details["consents"] = checked.manifest.consents_json_size();
    } else {
        details["problem"] = checked.problem;
    }
    ev.details_json = details.dump();
    log_append(ev);
    report.messages += stored;
    if (!checked.ok) ++report.errors;
}

void Client::Impl::finish_handovers(SyncReport& report) {
    if (!self || !self_invalid.empty()) return;
    struct Pending {
        std::int64_t id = 0, room_id = 0;
        std::string state;
        std::string problem;
        Bytes bundle;
        Bytes handover_id;
    };
    std::vector<Pending> pending;
    {
        auto st = db.prepare(
            "SELECT id, room_id, state, problem, bundle, handover_id FROM handovers "
            "WHERE direction = 'received' AND completed_at IS NULL ORDER BY id");
        while (st.step()) {
            pending.push_back(
                {st.int64(0), st.int64(1), st.text(2), st.text(3), st.blob(4), st.blob(5)});
        }
    }
    for (const auto& p : pending) {
        hv::HandoverBundle b;
        hv::HandoverManifest m;
        const bool readable =
            b.ParseFromArray(p.bundle.data(), static_cast<int>(p.bundle.size())) &&
            m.ParseFromString(b.manifest());
        hv::HandoverReceipt rc;
        rc.set_handover_id(to_str(p.handover_id));
        rc.set_manifest_hash(to_str(crypto::sha256(view_of(b.manifest()))));
        rc.set_verified(p.state == "verified" && readable);
        rc.set_problem(p.problem);
        rc.set_messages_stored(static_cast<std::uint32_t>(b.messages_size()));
        std::optional<RoomRow> direct;
        {
            auto st = db.prepare("SELECT name FROM rooms WHERE id = ?");
            st.bind(1, p.room_id);
            if (st.step()) direct = find_room_by_name(st.text(0));
        }
        if (!direct || !direct->active) continue;
        try {
            if (rc.verified()) {
                // The predecessor leaves every group room the signed bundle names.
                for (const auto& hr : m.rooms()) {
                    if (hr.direct()) continue;
                    auto row = find_room_by_group(view_of(hr.group_id()));
                    if (!row || !row->active) continue;
                    rc.add_rooms_joined(hr.name());
                    commit_with_retry(
                        *row,
                        [&](mls::Group& g, relay::v1::SendCommitRequest& req)
                            -> std::optional<mls::Group::CommitOutput> {
                            mls::Group::CommitOptions opts;
                            opts.include_cached_proposals = false;
                            for (const auto& lm : leaf_members(g)) {
                                if (!lm.member || lm.member->address() != m.predecessor() ||
                                    lm.leaf == g.own_leaf()) {
                                    continue;
                                }
                                opts.by_value.push_back(mls::Proposal{mls::Remove{lm.leaf}});
                                req.add_removed_device_ids(to_str(lm.signature_key));
                            }
                            if (opts.by_value.empty()) return std::nullopt;  // gone already
                            opts.force_path = true;
                            return g.commit(opts);
                        });
                    rc.add_rooms_removed(hr.name());
                }
            }
            content::v1::Content c;
            c.set_message_id(to_str(crypto::random_bytes(kIdSize)));
            c.set_sent_at(now());
            *c.mutable_handover_receipt() = rc;
            send_control(*direct, c);
        } catch (const Error& e) {
            if (e.code() == Errc::relay_unavailable) {
                report.relay_reachable = false;
                return;
            }
            if (e.code() == Errc::corrupt_store || e.code() == Errc::io_error ||
                e.code() == Errc::internal) {
                throw;
            }
            // Tried again at the next sync; the reason stays visible in `handover list`.
            ++report.errors;
            db.transaction([&] {
                db.prepare("UPDATE handovers SET problem = ? WHERE id = ?")
                    .bind(1, std::string("finishing the handover failed: ") + e.what())
                    .bind(2, p.id)
                    .run();
            });
            continue;
        }
        db.transaction([&] {
            db.prepare("UPDATE handovers SET state = ?, problem = ?, completed_at = ? WHERE id = ?")
                .bind(1, rc.verified() ? "done" : p.state)
                .bind(2, rc.verified() ? "" : p.problem)
                .bind(3, now())
                .bind(4, p.id)
                .run();
        });
    }
}

// ---- reading --------------------------------------------------------------------------

std::vector<HandoverRecord> Client::handovers() {
    auto& d = *impl_;
    std::vector<HandoverRecord> out;
    auto st = d.db.prepare(std::string(kRecordColumns) + "ORDER BY h.id");
    while (st.step()) out.push_back(record_from(st));
    return out;
}

HandoverVerification Client::verify_handovers() {
    auto& d = *impl_;
    const auto& me = d.require_self();
    HandoverVerification v;
    auto st =
        d.db.prepare(std::string(kRecordColumns) + "WHERE h.direction = 'received' ORDER BY h.id");
    while (st.step()) {
        HandoverCheck c;
        c.handover = record_from(st);
        const Bytes bundle = st.blob(5);
        const Bytes key = st.is_null(10) ? Bytes{} : st.blob(10);
        hv::HandoverBundle b;
        if (!b.ParseFromArray(bundle.data(), static_cast<int>(bundle.size()))) {
            c.problem = "the stored bundle cannot be read";
        } else if (key.size() != 32) {
            c.problem = "the predecessor's device key is not stored";
        } else {
            auto checked = check_bundle(b, key, c.handover.counterpart, me.address());
            c.problem = checked.ok ? (c.handover.state == "rejected" ? c.handover.problem : "")
                                   : checked.problem;
        }
        c.ok = c.problem.empty();
        if (!c.ok) v.ok = false;
        v.bundles.push_back(std::move(c));
    }
    if (v.bundles.empty()) v.ok = false;
    return v;
}

}  // namespace lagrum::core::messaging
