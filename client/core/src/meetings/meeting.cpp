// Risk meetings (DESIGN.md, "Meetings"; wire format and the pseudonym scheme in
// protocol/meeting.proto): a room whose creator chairs, an agenda of young people by
// meeting pseudonym, shares that go through the same legal check as `send`, and minutes
// the chair compiles, signs and sends at close.
//
// Trust. Every MeetingEvent arrives through process_delivery, which has already verified
// the sender's certificate and the content's binding to this room and epoch. Here the
// sender is checked against the meeting: the Created event must come from the group's
// creator (leaf 0) naming themselves as chair, and every later change of metadata,
// agenda, state or decisions must come from that chair's device key. A refused-share
// notice may come from any verified member (it is about their own attempt). Anything
// else is rejected whole, before anything is written, and recorded as a sync error.
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "../messaging/client_impl.h"
#include "../records/pseudonym.h"
#include "lagrum/core/legal/personnummer.h"
#include "lagrum/core/meetings/meeting.h"
#include "lagrum/core/messaging/content_codec.h"
#include "lagrum/crypto/ed25519.h"
#include "lagrum/crypto/hash.h"
#include "lagrum/crypto/random.h"
#include "meeting.pb.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

namespace lagrum::core::messaging {

namespace mv1 = lagrum::meeting::v1;

namespace {

constexpr std::string_view kMinutesLabel = "lagrum-minutes/1";
constexpr std::size_t kMeetingKeySize = 32;
constexpr std::size_t kMaxTitle = 200;
constexpr std::size_t kMaxDecision = 8000;
constexpr std::uint32_t kMaxItems = 200;

struct MeetingRow {
    std::int64_t room_id = 0;
    std::string title, scheduled_at, chair;
    Bytes chair_key, meeting_key;
    std::string state;
    std::int64_t opened_at = 0, closed_at = 0;
    Bytes minutes, signature;
};

std::optional<MeetingRow> find_meeting(store::Database& db, std::int64_t room_id) {
    auto st = db.prepare(
        "SELECT title, scheduled_at, chair, chair_key, meeting_key, state, opened_at, "
        "closed_at, minutes, minutes_signature FROM meetings WHERE room_id = ?");
    st.bind(1, room_id);
    if (!st.step()) return std::nullopt;
    MeetingRow m;
    m.room_id = room_id;
    m.title = st.text(0);
    m.scheduled_at = st.text(1);
    m.chair = st.text(2);
    m.chair_key = st.blob(3);
    m.meeting_key = st.blob(4);
    m.state = st.text(5);
    m.opened_at = st.is_null(6) ? 0 : st.int64(6);
    m.closed_at = st.is_null(7) ? 0 : st.int64(7);
    if (!st.is_null(8)) m.minutes = st.blob(8);
    if (!st.is_null(9)) m.signature = st.blob(9);
    return m;
}

bool has_control_chars(const std::string& s, bool allow_newline) {
    for (unsigned char c : s) {
        if (c == 0x7f || (c < 0x20 && !(allow_newline && (c == '\n' || c == '\t')))) return true;
    }
    return false;
}

// "YYYY-MM-DD HH:MM" with a real date and a 24-hour time.
bool valid_meeting_time(const std::string& at) {
    if (at.size() != 16 || at[10] != ' ' || at[13] != ':') return false;
    if (!legal::parse_date(at.substr(0, 10))) return false;
    auto two = [&](std::size_t p) -> int {
        if (at[p] < '0' || at[p] > '9' || at[p + 1] < '0' || at[p + 1] > '9') return -1;
        return (at[p] - '0') * 10 + (at[p + 1] - '0');
    };
    const int h = two(11), m = two(14);
    return h >= 0 && h < 24 && m >= 0 && m < 60;
}

Bytes minutes_message(ByteView minutes) {
    // Sized once and filled (GCC 12 reports a false -Warray-bounds for insert() here).
    Bytes m(kMinutesLabel.size() + minutes.size());
    for (std::size_t i = 0; i < kMinutesLabel.size(); ++i)
        m[i] = static_cast<std::uint8_t>(kMinutesLabel[i]);
    for (std::size_t i = 0; i < minutes.size(); ++i) m[kMinutesLabel.size() + i] = minutes[i];
    return m;
}

std::string serialize_deterministic(const google::protobuf::MessageLite& msg) {
    std::string out;
    {
        google::protobuf::io::StringOutputStream sos(&out);
        google::protobuf::io::CodedOutputStream cos(&sos);
        cos.SetSerializationDeterministic(true);
        if (!msg.SerializeToCodedStream(&cos))
            throw Error(Errc::internal, "minutes did not encode");
    }
    return out;
}

meetings::Participant participant_of(const mv1::Participant& p) {
    return {p.address(), p.name(), p.authority(), p.role(), p.organisation()};
}

std::string event_kind(const mv1::MeetingEvent& e) {
    switch (e.event_case()) {
        case mv1::MeetingEvent::kCreated:
            return "created";
        case mv1::MeetingEvent::kAgendaItem:
            return "agenda_item";
        case mv1::MeetingEvent::kOpened:
            return "opened";
        case mv1::MeetingEvent::kDecision:
            return "decision";
        case mv1::MeetingEvent::kRefusedShare:
            return "refused_share";
        case mv1::MeetingEvent::kClosed:
            return "closed";
        default:
            return "unknown";
    }
}

bool item_exists(store::Database& db, std::int64_t room_id, std::uint32_t item) {
    auto st = db.prepare("SELECT 1 FROM meeting_items WHERE room_id = ? AND number = ?");
    st.bind(1, room_id).bind(2, static_cast<std::int64_t>(item));
    return st.step();
}

std::uint32_t item_count(store::Database& db, std::int64_t room_id) {
    auto st = db.prepare("SELECT COUNT(*) FROM meeting_items WHERE room_id = ?");
    st.bind(1, room_id);
    st.step();
    return static_cast<std::uint32_t>(st.int64(0));
}

void insert_record(store::Database& db, std::int64_t room_id, std::uint32_t item,
                   const std::string& kind, const std::string& event, std::int64_t message_row,
                   const std::string& by, const std::string& by_name,
                   const std::string& by_authority, std::int64_t at) {
    auto st = db.prepare(
        "INSERT INTO meeting_records(room_id, item, kind, event, message_row, by_address, "
        "by_name, by_authority, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    st.bind(1, room_id).bind(2, static_cast<std::int64_t>(item)).bind(3, kind);
    if (event.empty()) {
        st.bind_null(4);
    } else {
        st.bind(4, view_of(event));
    }
    if (message_row > 0) {
        st.bind(5, message_row);
    } else {
        st.bind_null(5);
    }
    st.bind(6, by).bind(7, by_name).bind(8, by_authority).bind(9, at).run();
}

meetings::Minutes minutes_from(const mv1::Minutes& m, const Bytes& bytes, const Bytes& signature,
                               const Bytes& chair_key) {
    meetings::Minutes out;
    out.room = m.room();
    out.title = m.title();
    out.scheduled_at = m.scheduled_at();
    out.opened_at = m.opened_at();
    out.closed_at = m.closed_at();
    out.chair = participant_of(m.chair());
    for (const auto& p : m.attendance()) out.attendance.push_back(participant_of(p));
    for (const auto& it : m.items()) {
        meetings::MinutesItem item;
        item.number = it.number();
        item.pseudonym = crypto::to_hex(view_of(it.subject_pseudonym()));
        for (const auto& s : it.shares()) {
            item.shares.push_back({s.by(), s.by_name(), s.authority(), s.provision(), s.citation(),
                                   s.marking_date(), s.legal_basis(), s.at(), s.text(), s.flags()});
        }
        for (const auto& d : it.decisions()) {
            item.decisions.push_back({d.text(), d.follow_up(), d.at()});
        }
        for (const auto& r : it.refused()) {
            meetings::Refusal rf;
            rf.by = r.by();
            rf.by_name = r.by_name();
            rf.authority = r.authority();
            rf.provision = r.provision();
            rf.citation = r.citation();
            rf.reasons.assign(r.reasons().begin(), r.reasons().end());
            rf.recipients_refused.assign(r.recipients_refused().begin(),
                                         r.recipients_refused().end());
            rf.at = r.at();
            item.refused.push_back(std::move(rf));
        }
        out.items.push_back(std::move(item));
    }
    out.hash = crypto::to_hex(crypto::sha256(bytes));
    out.signature = crypto::to_hex(signature);
    out.chair_key = crypto::to_hex(chair_key);
    out.verified = crypto::ed25519_verify(chair_key, minutes_message(bytes), signature);
    return out;
}

}  // namespace

// ---- helpers on Impl (declared in client_impl.h, meetings block)

void Client::Impl::queue_meeting_event(const RoomRow& row, const mv1::MeetingEvent& event) {
    content::v1::Content c;
    c.set_version(1);
    c.set_group_id(to_str(row.group_id));
    c.set_message_id(to_str(crypto::random_bytes(16)));
    c.set_sent_at(now());
    *c.mutable_meeting() = event;
    pad_content(c);  // the size limit now, before anything is stored
    db.prepare(
          "INSERT INTO outbox(room_id, message_row, content, state, created_at) "
          "VALUES (?, NULL, ?, 'queued', ?)")
        .bind(1, row.id)
        .bind(2, view_of(c.SerializeAsString()))
        .bind(3, now())
        .run();
}

void Client::Impl::note_meeting_share(std::int64_t room_id, std::int64_t message_row,
                                      const content::v1::Content& content, const std::string& by,
                                      const std::string& by_name, const std::string& by_authority) {
    if (!content.has_disclosure() || content.disclosure().agenda_item() == 0) return;
    auto m = find_meeting(db, room_id);
    if (!m) return;
    // A share for an item that does not exist, or after the minutes were signed, is
    // still an ordinary message in the inbox; it is just not part of the minutes.
    const auto item = content.disclosure().agenda_item();
    if (m->state == "closed" || !item_exists(db, room_id, item)) return;
    insert_record(db, room_id, item, "share", "", message_row, by, by_name, by_authority,
                  content.sent_at());
}

void Client::Impl::process_meeting(const RoomRow& room, const content::v1::Content& content,
                                   const pki::Member& sender, ByteView sender_key,
                                   SyncReport& report) {
    const auto& ev = content.meeting();
    auto reject = [&](const std::string& why) {
        throw Error(Errc::bad_input,
                    "meeting " + event_kind(ev) + " in \"" + room.name + "\" rejected: " + why);
    };
    auto m = find_meeting(db, room.id);
    const std::string from = sender.address();
    if (ev.has_created()) {
        const auto& c = ev.created();
        if (m) reject("the room already is a meeting");
        auto g = load_group(room.id);
        const auto* creator = g.tree().leaf(mls::LeafIndex{0});
        if (creator == nullptr ||
            !crypto::ct_equal(creator->signature_key, Bytes(sender_key.begin(), sender_key.end())))
            reject("only the room's creator may chair it");
        if (c.chair() != from) reject("the chair named is not the sender");
        if (c.meeting_key().size() != kMeetingKeySize) reject("bad meeting key");
        if (c.title().empty() || c.title().size() > kMaxTitle ||
            has_control_chars(c.title(), false))
            reject("bad title");
        if (!valid_meeting_time(c.scheduled_at())) reject("bad time");
        db.prepare(
              "INSERT INTO meetings(room_id, title, scheduled_at, chair, chair_key, meeting_key, "
              "state, created_at) VALUES (?, ?, ?, ?, ?, ?, 'scheduled', ?)")
            .bind(1, room.id)
            .bind(2, c.title())
            .bind(3, c.scheduled_at())
            .bind(4, c.chair())
            .bind(5, sender_key)
            .bind(6, view_of(c.meeting_key()))
            .bind(7, now())
            .run();
        return;
    }
    if (!m) reject("the room is not a meeting (its metadata has not arrived)");
    const bool from_chair = from == m->chair && crypto::ct_equal(sender_key, m->chair_key);
    if (ev.has_refused_share()) {
        const auto& r = ev.refused_share();
        if (m->state != "open") reject("the meeting is not open");
        if (!item_exists(db, room.id, r.item())) reject("no such agenda item");
        insert_record(db, room.id, r.item(), "refused", ev.SerializeAsString(), 0, from,
                      sender.display_name, authority_of(sender.authority), content.sent_at());
        return;
    }
    if (!from_chair) reject("only the chair (" + m->chair + ") may do this; it came from " + from);
    if (m->state == "closed") reject("the meeting is closed");
    if (ev.has_agenda_item()) {
        const auto& a = ev.agenda_item();
        if (a.subject_pseudonym().size() != kPseudonymSize) reject("bad pseudonym");
        const auto n = item_count(db, room.id);
        if (a.number() != n + 1 || a.number() > kMaxItems) reject("agenda items out of order");
        db.prepare(
              "INSERT INTO meeting_items(room_id, number, pseudonym, personnummer) "
              "VALUES (?, ?, ?, NULL)")
            .bind(1, room.id)
            .bind(2, static_cast<std::int64_t>(a.number()))
            .bind(3, view_of(a.subject_pseudonym()))
            .run();
    } else if (ev.has_opened()) {
        if (m->state != "scheduled") reject("the meeting is already open");
        db.prepare("UPDATE meetings SET state = 'open', opened_at = ? WHERE room_id = ?")
            .bind(1, content.sent_at())
            .bind(2, room.id)
            .run();
    } else if (ev.has_decision()) {
        const auto& d = ev.decision();
        if (m->state != "open") reject("the meeting is not open");
        if (!item_exists(db, room.id, d.item())) reject("no such agenda item");
        if (d.text().empty() || d.text().size() > kMaxDecision ||
            d.follow_up().size() > kMaxDecision)
            reject("bad decision text");
        insert_record(db, room.id, d.item(), "decision", ev.SerializeAsString(), 0, from,
                      sender.display_name, authority_of(sender.authority), content.sent_at());
    } else if (ev.has_closed()) {
        if (m->state != "open") reject("the meeting is not open");
        const auto& sm = ev.closed().minutes();
        if (!crypto::ed25519_verify(sender_key, minutes_message(view_of(sm.minutes())),
                                    view_of(sm.signature())))
            reject("the minutes' signature does not verify against the chair's device key");
        mv1::Minutes minutes;
        if (!minutes.ParseFromString(sm.minutes()) || minutes.version() != 1)
            reject("the minutes cannot be read");
        if (!crypto::ct_equal(view_of(minutes.group_id()), room.group_id))
            reject("the minutes are for another room");
        if (minutes.chair().address() != m->chair) reject("the minutes name another chair");
        const Bytes hash = crypto::sha256(view_of(sm.minutes()));
        db.prepare(
              "UPDATE meetings SET state = 'closed', closed_at = ?, minutes = ?, "
              "minutes_signature = ? WHERE room_id = ?")
            .bind(1, minutes.closed_at())
            .bind(2, view_of(sm.minutes()))
            .bind(3, view_of(sm.signature()))
            .bind(4, room.id)
            .run();
        Impl::LogEvent le;
        le.kind = "meeting_minutes";
        le.room = room.name;
        le.counterpart = from;
        le.content_hash = hash;
        nlohmann::json items = nlohmann::json::array();
        for (const auto& it : minutes.items())
            items.push_back(crypto::to_hex(view_of(it.subject_pseudonym())));
        le.details_json = nlohmann::json{
            {"title", minutes.title()}, {"scheduled_at", minutes.scheduled_at()},
            {"chair", m->chair},        {"role", "participant"},
            {"signature", "verified"},  {"minutes_hash", crypto::to_hex(hash)},
            {"agenda", items}}.dump();
        log_append(le);
    } else {
        reject("an event this client does not know");
    }
    (void)report;
}

// ---- public API

meetings::Meeting Client::meeting_create(const std::string& name, const std::string& title,
                                         const std::string& at,
                                         const std::vector<std::string>& members) {
    auto& d = *impl_;
    const auto& me = d.require_self();
    if (title.empty() || title.size() > kMaxTitle || has_control_chars(title, false))
        throw Error(Errc::bad_input, "--title is 1 to 200 bytes without control characters");
    if (!valid_meeting_time(at))
        throw Error(Errc::bad_input, "--at must be \"YYYY-MM-DD HH:MM\" (24-hour)");
    if (members.empty()) throw Error(Errc::bad_input, "--members names at least one member");
    if (d.find_room_by_name(name)) throw Error(Errc::conflict, "a room \"" + name + "\" exists");
    create_room(name, members);
    auto row = d.require_room(name);
    mv1::MeetingEvent ev;
    auto* c = ev.mutable_created();
    c->set_title(title);
    c->set_scheduled_at(at);
    c->set_chair(me.address());
    const Bytes key = crypto::random_bytes(kMeetingKeySize);
    c->set_meeting_key(to_str(key));
    d.db.transaction([&] {
        d.db.prepare(
                "INSERT INTO meetings(room_id, title, scheduled_at, chair, chair_key, meeting_key, "
                "state, created_at) VALUES (?, ?, ?, ?, ?, ?, 'scheduled', ?)")
            .bind(1, row.id)
            .bind(2, title)
            .bind(3, at)
            .bind(4, me.address())
            .bind(5, d.device_public)
            .bind(6, key)
            .bind(7, d.now())
            .run();
        d.queue_meeting_event(row, ev);
    });
    SyncReport report;
    d.flush_outbox(report);
    return meeting(name);
}

meetings::Meeting Client::meeting(const std::string& name) {
    auto& d = *impl_;
    auto row = d.require_room(name);
    auto m = find_meeting(d.db, row.id);
    if (!m) throw Error(Errc::not_found, "\"" + name + "\" is not a meeting (yet: lagrum sync)");
    meetings::Meeting out;
    out.name = row.name;
    out.title = m->title;
    out.scheduled_at = m->scheduled_at;
    out.chair = m->chair;
    out.chair_is_self =
        d.self && d.self->address() == m->chair && crypto::ct_equal(d.device_public, m->chair_key);
    out.state = m->state;
    out.opened_at = m->opened_at;
    out.closed_at = m->closed_at;
    {
        auto st = d.db.prepare(
            "SELECT number, pseudonym, personnummer IS NOT NULL FROM meeting_items "
            "WHERE room_id = ? ORDER BY number");
        st.bind(1, row.id);
        while (st.step()) {
            out.agenda.push_back({static_cast<std::uint32_t>(st.int64(0)),
                                  crypto::to_hex(st.blob(1)), st.int64(2) != 0});
        }
    }
    for (const auto& rm : d.describe(row).members) {
        out.participants.push_back({rm.address, rm.display_name, rm.authority, rm.role,
                                    rm.address.substr(0, rm.address.find('/'))});
    }
    return out;
}

std::vector<meetings::Meeting> Client::meetings() {
    std::vector<std::string> names;
    {
        auto st = impl_->db.prepare(
            "SELECT r.name FROM meetings m JOIN rooms r ON r.id = m.room_id ORDER BY r.name");
        while (st.step()) names.push_back(st.text(0));
    }
    std::vector<meetings::Meeting> out;
    for (const auto& n : names) out.push_back(meeting(n));
    return out;
}

meetings::AgendaItem Client::meeting_agenda_add(const std::string& name,
                                                const std::string& personnummer) {
    auto& d = *impl_;
    d.require_self();
    SyncReport report;
    d.receive(std::chrono::milliseconds(0), report);
    auto row = d.require_room(name);
    meetings::AgendaItem out;
    d.db.transaction([&] {
        auto m = find_meeting(d.db, row.id);
        if (!m) throw Error(Errc::not_found, "\"" + name + "\" is not a meeting");
        if (d.self->address() != m->chair || !crypto::ct_equal(d.device_public, m->chair_key))
            throw Error(Errc::conflict, "only the chair (" + m->chair + ") sets the agenda");
        if (m->state == "closed") throw Error(Errc::conflict, "the meeting is closed");
        // The agenda pseudonym (meeting.proto): under the meeting's key, so it links
        // nothing outside this meeting; every written form of the number agrees.
        const Bytes p = keyed_pseudonym(m->meeting_key, personnummer, d.today());
        {
            auto st = d.db.prepare(
                "SELECT number FROM meeting_items WHERE room_id = ? AND pseudonym = ?");
            st.bind(1, row.id).bind(2, p);
            if (st.step())
                throw Error(Errc::conflict, "that young person is already item " +
                                                std::to_string(st.int64(0)) + " on the agenda");
        }
        const auto n = item_count(d.db, row.id) + 1;
        if (n > kMaxItems) throw Error(Errc::bad_input, "an agenda has at most 200 items");
        d.db.prepare(
                "INSERT INTO meeting_items(room_id, number, pseudonym, personnummer) "
                "VALUES (?, ?, ?, ?)")
            .bind(1, row.id)
            .bind(2, static_cast<std::int64_t>(n))
            .bind(3, p)
            .bind(4, personnummer)
            .run();
        mv1::MeetingEvent ev;
        ev.mutable_agenda_item()->set_number(n);
        ev.mutable_agenda_item()->set_subject_pseudonym(to_str(p));
        d.queue_meeting_event(row, ev);
        out = {n, crypto::to_hex(p), true};
    });
    d.flush_outbox(report);
    return out;
}

meetings::Meeting Client::meeting_open(const std::string& name) {
    auto& d = *impl_;
    d.require_self();
    SyncReport report;
    d.receive(std::chrono::milliseconds(0), report);
    auto row = d.require_room(name);
    d.db.transaction([&] {
        auto m = find_meeting(d.db, row.id);
        if (!m) throw Error(Errc::not_found, "\"" + name + "\" is not a meeting");
        if (d.self->address() != m->chair || !crypto::ct_equal(d.device_public, m->chair_key))
            throw Error(Errc::conflict, "only the chair (" + m->chair + ") opens the meeting");
        if (m->state != "scheduled")
            throw Error(Errc::conflict, "the meeting is " + m->state + ", not scheduled");
        d.db.prepare("UPDATE meetings SET state = 'open', opened_at = ? WHERE room_id = ?")
            .bind(1, d.now())
            .bind(2, row.id)
            .run();
        mv1::MeetingEvent ev;
        ev.mutable_opened();
        d.queue_meeting_event(row, ev);
    });
    d.flush_outbox(report);
    return meeting(name);
}

SendResult Client::meeting_share(const meetings::ShareRequest& request) {
    auto& d = *impl_;
    const auto& me = d.require_self();
    if (request.item == 0) throw Error(Errc::bad_input, "--item N starts at 1");
    SyncReport report;
    d.receive(std::chrono::milliseconds(0), report);
    auto row = d.require_room(request.meeting);
    auto m = find_meeting(d.db, row.id);
    if (!m) throw Error(Errc::not_found, "\"" + request.meeting + "\" is not a meeting");
    if (m->state != "open")
        throw Error(Errc::conflict, "the meeting is " + m->state + ": shares need an open meeting");
    std::string subject;
    {
        auto st = d.db.prepare(
            "SELECT pseudonym, personnummer FROM meeting_items WHERE room_id = ? AND number = ?");
        st.bind(1, row.id).bind(2, static_cast<std::int64_t>(request.item));
        if (!st.step())
            throw Error(Errc::bad_input, "the agenda has no item " + std::to_string(request.item));
        const Bytes pseudonym = st.blob(0);
        if (request.subject) {
            // Whoever gives the number: it must be this item's young person.
            const Bytes p = keyed_pseudonym(m->meeting_key, *request.subject, d.today());
            if (!crypto::ct_equal(p, pseudonym)) {
                throw Error(Errc::bad_input, "--subject is not the young person of item " +
                                                 std::to_string(request.item));
            }
            subject = *request.subject;
        } else if (!st.is_null(1)) {
            subject = st.text(1);  // the chair's own agenda
        } else {
            throw Error(Errc::bad_input, "give --subject PNR: the young person of item " +
                                             std::to_string(request.item) + " (" +
                                             crypto::to_hex(pseudonym).substr(0, 8) + ")");
        }
    }
    SendRequest sr;
    sr.room = row.name;
    sr.subject = subject;
    sr.provision = request.provision;
    sr.facts_json = request.facts_json;
    sr.text = request.text;
    sr.categories = request.categories;
    sr.agenda_item = request.item;
    auto result = send(sr);
    if (!result.allowed) {
        // The refusal goes to the minutes: who, which item, which provision and why, never
        // the text that was not shared. Applied here and announced to the room.
        mv1::MeetingEvent ev;
        auto* r = ev.mutable_refused_share();
        r->set_item(request.item);
        r->set_provision(result.verdict.provision);
        r->set_citation(result.verdict.citation);
        std::set<std::string> reasons;
        for (const auto& rs : result.verdict.reasons)
            if (legal::is_blocking(rs.code)) reasons.insert(std::string(legal::to_string(rs.code)));
        for (const auto& rv : result.verdict.recipients) {
            if (rv.verdict == legal::VerdictKind::allowed) continue;
            r->add_recipients_refused(rv.id);
            for (const auto& rs : rv.reasons)
                if (legal::is_blocking(rs.code))
                    reasons.insert(std::string(legal::to_string(rs.code)));
        }
        if (!result.verdict.missing_facts.empty()) reasons.insert("missing_facts");
        for (const auto& s : reasons) r->add_reasons(s);
        d.db.transaction([&] {
            insert_record(d.db, row.id, request.item, "refused", ev.SerializeAsString(), 0,
                          me.address(), me.display_name, authority_of(me.authority), d.now());
            d.queue_meeting_event(row, ev);
        });
        SyncReport ignored;
        d.flush_outbox(ignored);
    }
    return result;
}

void Client::meeting_decide(const std::string& name, std::uint32_t item, const std::string& text,
                            const std::string& follow_up) {
    auto& d = *impl_;
    const auto& me = d.require_self();
    if (text.empty() || text.size() > kMaxDecision || follow_up.size() > kMaxDecision)
        throw Error(Errc::bad_input, "--text is 1 to 8000 bytes");
    SyncReport report;
    d.receive(std::chrono::milliseconds(0), report);
    auto row = d.require_room(name);
    d.db.transaction([&] {
        auto m = find_meeting(d.db, row.id);
        if (!m) throw Error(Errc::not_found, "\"" + name + "\" is not a meeting");
        if (me.address() != m->chair || !crypto::ct_equal(d.device_public, m->chair_key))
            throw Error(Errc::conflict, "only the chair (" + m->chair + ") records decisions");
        if (m->state != "open")
            throw Error(Errc::conflict, "the meeting is " + m->state + ", not open");
        if (!item_exists(d.db, row.id, item))
            throw Error(Errc::bad_input, "the agenda has no item " + std::to_string(item));
        mv1::MeetingEvent ev;
        ev.mutable_decision()->set_item(item);
        ev.mutable_decision()->set_text(text);
        ev.mutable_decision()->set_follow_up(follow_up);
        insert_record(d.db, row.id, item, "decision", ev.SerializeAsString(), 0, me.address(),
                      me.display_name, authority_of(me.authority), d.now());
        d.queue_meeting_event(row, ev);
    });
    d.flush_outbox(report);
}

meetings::Minutes Client::meeting_close(const std::string& name) {
    auto& d = *impl_;
    const auto& me = d.require_self();
    // Catch up first: every share and refusal that reached the relay belongs in the minutes.
    SyncReport report;
    d.receive(std::chrono::milliseconds(0), report);
    auto row = d.require_room(name);
    const auto room = d.describe(row);
    Bytes bytes, signature, chair_key;
    d.db.transaction([&] {
        auto m = find_meeting(d.db, row.id);
        if (!m) throw Error(Errc::not_found, "\"" + name + "\" is not a meeting");
        if (me.address() != m->chair || !crypto::ct_equal(d.device_public, m->chair_key))
            throw Error(Errc::conflict, "only the chair (" + m->chair + ") closes the meeting");
        if (m->state != "open")
            throw Error(Errc::conflict, "the meeting is " + m->state + ", not open");
        mv1::Minutes mn;
        mn.set_version(1);
        mn.set_group_id(to_str(row.group_id));
        mn.set_room(row.name);
        mn.set_title(m->title);
        mn.set_scheduled_at(m->scheduled_at);
        mn.set_opened_at(m->opened_at);
        mn.set_closed_at(d.now());
        auto fill = [](mv1::Participant* p, const RoomMember& rm) {
            p->set_address(rm.address);
            p->set_name(rm.display_name);
            p->set_authority(rm.authority);
            p->set_role(rm.role);
            p->set_organisation(rm.address.substr(0, rm.address.find('/')));
        };
        for (const auto& rm : room.members) {
            fill(mn.add_attendance(), rm);
            if (rm.self) fill(mn.mutable_chair(), rm);
        }
        std::map<std::uint32_t, mv1::MinutesItem*> items;
        {
            auto st = d.db.prepare(
                "SELECT number, pseudonym FROM meeting_items WHERE room_id = ? ORDER BY number");
            st.bind(1, row.id);
            while (st.step()) {
                auto* it = mn.add_items();
                it->set_number(static_cast<std::uint32_t>(st.int64(0)));
                it->set_subject_pseudonym(to_str(st.blob(1)));
                items[it->number()] = it;
            }
        }
        auto st = d.db.prepare(
            "SELECT r.item, r.kind, r.event, r.by_address, r.by_name, r.by_authority, r.at, "
            "m.provision, m.marking, m.text, m.flags, m.sent_at FROM meeting_records r "
            "LEFT JOIN messages m ON m.id = r.message_row WHERE r.room_id = ? ORDER BY r.id");
        st.bind(1, row.id);
        while (st.step()) {
            auto found = items.find(static_cast<std::uint32_t>(st.int64(0)));
            if (found == items.end()) continue;
            auto* it = found->second;
            const std::string kind = st.text(1);
            if (kind == "share") {
                if (st.is_null(7)) continue;  // the message is gone
                auto* s = it->add_shares();
                s->set_by(st.text(3));
                s->set_by_name(st.text(4));
                s->set_authority(st.text(5));
                s->set_provision(st.text(7));
                if (!st.is_null(8)) {
                    content::v1::Marking mk;
                    const Bytes b = st.blob(8);
                    if (mk.ParseFromArray(b.data(), static_cast<int>(b.size()))) {
                        s->set_citation(mk.citation());
                        s->set_marking_date(mk.date());
                        s->set_legal_basis(mk.legal_basis());
                    }
                }
                s->set_text(st.text(9));
                s->set_flags(st.text(10));
                s->set_at(st.int64(11));
                continue;
            }
            mv1::MeetingEvent ev;
            const Bytes b = st.is_null(2) ? Bytes{} : st.blob(2);
            if (!ev.ParseFromArray(b.data(), static_cast<int>(b.size()))) continue;
            if (kind == "decision" && ev.has_decision()) {
                auto* dc = it->add_decisions();
                dc->set_text(ev.decision().text());
                dc->set_follow_up(ev.decision().follow_up());
                dc->set_at(st.int64(6));
            } else if (kind == "refused" && ev.has_refused_share()) {
                const auto& r = ev.refused_share();
                auto* rf = it->add_refused();
                rf->set_by(st.text(3));
                rf->set_by_name(st.text(4));
                rf->set_authority(st.text(5));
                rf->set_provision(r.provision());
                rf->set_citation(r.citation());
                for (const auto& x : r.reasons()) rf->add_reasons(x);
                for (const auto& x : r.recipients_refused()) rf->add_recipients_refused(x);
                rf->set_at(st.int64(6));
            }
        }
        {
            const std::string encoded = serialize_deterministic(mn);
            bytes.assign(encoded.begin(), encoded.end());
        }
        auto sig = crypto::ed25519_sign(d.device_seed.view(), minutes_message(bytes));
        if (!sig) throw Error(Errc::internal, "the device key cannot sign");
        signature = *sig;
        chair_key = d.device_public;
        d.db.prepare(
                "UPDATE meetings SET state = 'closed', closed_at = ?, minutes = ?, "
                "minutes_signature = ? WHERE room_id = ?")
            .bind(1, mn.closed_at())
            .bind(2, bytes)
            .bind(3, signature)
            .bind(4, row.id)
            .run();
        const Bytes hash = crypto::sha256(bytes);
        Impl::LogEvent le;
        le.kind = "meeting_minutes";
        le.room = row.name;
        for (const auto& rm : room.members)
            if (!rm.self) le.recipients.push_back(rm.address);
        le.content_hash = hash;
        nlohmann::json agenda = nlohmann::json::array();
        for (const auto& it : mn.items())
            agenda.push_back(crypto::to_hex(view_of(it.subject_pseudonym())));
        le.details_json =
            nlohmann::json{{"title", mn.title()},   {"scheduled_at", mn.scheduled_at()},
                           {"chair", me.address()}, {"role", "chair"},
                           {"signature", "signed"}, {"minutes_hash", crypto::to_hex(hash)},
                           {"agenda", agenda}}
                .dump();
        d.log_append(le);
        mv1::MeetingEvent ev;
        ev.mutable_closed()->mutable_minutes()->set_minutes(to_str(bytes));
        ev.mutable_closed()->mutable_minutes()->set_signature(to_str(signature));
        if (d.meeting_tamper_for_testing) d.meeting_tamper_for_testing(ev);
        d.queue_meeting_event(row, ev);
    });
    d.flush_outbox(report);
    return meeting_minutes(name);
}

meetings::Minutes Client::meeting_minutes(const std::string& name) {
    auto& d = *impl_;
    auto row = d.require_room(name);
    auto m = find_meeting(d.db, row.id);
    if (!m) throw Error(Errc::not_found, "\"" + name + "\" is not a meeting");
    if (m->minutes.empty())
        throw Error(Errc::not_found,
                    "\"" + name + "\" has no minutes yet (the meeting is " + m->state + ")");
    mv1::Minutes mn;
    if (!mn.ParseFromArray(m->minutes.data(), static_cast<int>(m->minutes.size())))
        throw Error(Errc::corrupt_store, "the stored minutes of \"" + name + "\" are damaged");
    return minutes_from(mn, m->minutes, m->signature, m->chair_key);
}

void Client::send_meeting_event_for_testing(const std::string& name,
                                            const lagrum::meeting::v1::MeetingEvent& event) {
    auto& d = *impl_;
    auto row = d.require_room(name);
    d.db.transaction([&] { d.queue_meeting_event(row, event); });
    SyncReport report;
    d.flush_outbox(report);
}

void Client::set_meeting_tamper_for_testing(
    std::function<void(lagrum::meeting::v1::MeetingEvent&)> tamper) {
    impl_->meeting_tamper_for_testing = std::move(tamper);
}

}  // namespace lagrum::core::messaging
