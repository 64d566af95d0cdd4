// The disclosure log (DESIGN.md, "Disclosure log"; the chain is described in
// protocol/log.proto): appending an entry inside the transaction of what it records,
// reading entries back, and verifying the whole chain.
//
// Why a signed head as well as a chain: the chain alone catches an edit, an insertion, a
// deletion or a reordering of entries, because every record names its position and the
// previous hash. Cutting off the tail leaves a valid shorter chain, so the device also
// signs the last position and hash (meta "log_head") in the same transaction as each
// append; a head that names more entries than are stored, or another hash, is a cut.
#include <ctime>
#include <nlohmann/json.hpp>

#include "../messaging/client_impl.h"
#include "lagrum/core/legal/personnummer.h"
#include "lagrum/crypto/bytes.h"
#include "lagrum/crypto/ed25519.h"
#include "lagrum/crypto/hash.h"
#include "log.pb.h"
#include "pseudonym.h"

namespace lagrum::core::messaging {

namespace {

constexpr std::string_view kChainLabel = "lagrum-log/1";
constexpr std::string_view kHeadLabel = "lagrum-log-head/1";
constexpr std::size_t kHashSize = 32;

Bytes chain_hash(ByteView previous, ByteView record) {
    Bytes in(kChainLabel.begin(), kChainLabel.end());
    in.insert(in.end(), previous.begin(), previous.end());
    in.insert(in.end(), record.begin(), record.end());
    return crypto::sha256(in);
}

// Appends the position as 8 bytes big-endian (the head's and the signed head message's
// encoding).
void append_be64(Bytes& out, std::int64_t position) {
    for (int i = 7; i >= 0; --i) {
        out.push_back(static_cast<std::uint8_t>(static_cast<std::uint64_t>(position) >> (8 * i)));
    }
}

Bytes head_message(std::int64_t position, ByteView hash) {
    Bytes m(kHeadLabel.begin(), kHeadLabel.end());
    append_be64(m, position);
    m.insert(m.end(), hash.begin(), hash.end());
    return m;
}

// Head as stored in meta: 8-byte big-endian position || 32-byte hash || 64-byte signature.
struct Head {
    std::int64_t position = 0;
    Bytes hash;
    Bytes signature;
};

std::optional<Head> parse_head(const Bytes& b) {
    if (b.size() != 8 + kHashSize + 64) return std::nullopt;
    Head h;
    std::uint64_t p = 0;
    for (int i = 0; i < 8; ++i) p = (p << 8) | b[static_cast<std::size_t>(i)];
    if (p > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    h.position = static_cast<std::int64_t>(p);
    h.hash.assign(b.begin() + 8, b.begin() + 8 + kHashSize);
    h.signature.assign(b.begin() + 8 + kHashSize, b.end());
    return h;
}

legal::Date utc_day(std::int64_t unix_seconds) {
    const std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return legal::Date{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

records::LogEntry to_entry(const log::v1::LogRecord& r, ByteView hash) {
    records::LogEntry e;
    e.position = static_cast<std::int64_t>(r.position());
    e.at = r.at();
    e.kind = r.kind();
    e.actor = r.actor();
    e.subject = r.subject_pseudonym().empty() ? "" : crypto::to_hex(view_of(r.subject_pseudonym()));
    e.room = r.room();
    e.recipients.assign(r.recipients().begin(), r.recipients().end());
    e.counterpart = r.counterpart();
    e.provision = r.provision();
    e.citation = r.citation();
    e.categories.assign(r.categories().begin(), r.categories().end());
    e.content_hash = r.content_hash().empty() ? "" : crypto::to_hex(view_of(r.content_hash()));
    e.details_json = r.details_json().empty() ? "{}" : r.details_json();
    e.hash = crypto::to_hex(hash);
    return e;
}

}  // namespace

Bytes Client::Impl::pseudonym_of(const std::string& personnummer) {
    // The same number in any written form gives the same pseudonym on this device.
    return keyed_pseudonym(pseudonym_key.view(), personnummer, today());
}

void Client::Impl::log_append(const LogEvent& event) {
    db.transaction([&] {
        std::int64_t position = 1;
        Bytes previous(kHashSize, 0);
        {
            auto st = db.prepare("SELECT position, hash FROM log ORDER BY position DESC LIMIT 1");
            if (st.step()) {
                position = st.int64(0) + 1;
                previous = st.blob(1);
            }
        }
        log::v1::LogRecord r;
        r.set_position(static_cast<std::uint64_t>(position));
        r.set_previous_hash(to_str(previous));
        r.set_at(now());
        r.set_kind(event.kind);
        r.set_actor(self ? self->address() : std::string());
        r.set_subject_pseudonym(to_str(event.subject));
        r.set_room(event.room);
        for (const auto& a : event.recipients) r.add_recipients(a);
        r.set_counterpart(event.counterpart);
        r.set_provision(event.provision);
        r.set_citation(event.citation);
        for (const auto& c : event.categories) r.add_categories(c);
        r.set_content_hash(to_str(event.content_hash));
        r.set_details_json(event.details_json.empty() ? "{}" : event.details_json);
        std::string bytes;
        if (!r.SerializeToString(&bytes)) throw Error(Errc::internal, "a log entry did not encode");
        const Bytes hash = chain_hash(previous, view_of(bytes));
        auto sig = crypto::ed25519_sign(device_seed.view(), hash);
        if (!sig) throw Error(Errc::internal, "the device key cannot sign");
        db.prepare("INSERT INTO log(position, record, hash, signature) VALUES (?, ?, ?, ?)")
            .bind(1, position)
            .bind(2, view_of(bytes))
            .bind(3, hash)
            .bind(4, *sig)
            .run();
        auto head_sig = crypto::ed25519_sign(device_seed.view(), head_message(position, hash));
        if (!head_sig) throw Error(Errc::internal, "the device key cannot sign");
        Bytes head;
        append_be64(head, position);
        head.insert(head.end(), hash.begin(), hash.end());
        head.insert(head.end(), head_sig->begin(), head_sig->end());
        set_meta("log_head", head);
    });
}

std::vector<records::LogEntry> Client::log(const records::LogFilter& filter) {
    auto& d = *impl_;
    std::optional<Bytes> subject;
    if (filter.subject) subject = d.pseudonym_of(*filter.subject);
    std::vector<records::LogEntry> out;
    auto st = d.db.prepare("SELECT position, record, hash FROM log ORDER BY position");
    while (st.step()) {
        const Bytes record = st.blob(1);
        log::v1::LogRecord r;
        if (!r.ParseFromArray(record.data(), static_cast<int>(record.size()))) {
            throw Error(Errc::corrupt_store, "disclosure log entry " + std::to_string(st.int64(0)) +
                                                 " is damaged (run `lagrum log verify`)");
        }
        if (subject && !crypto::ct_equal(view_of(r.subject_pseudonym()), *subject)) continue;
        if (filter.from && utc_day(r.at()) < *filter.from) continue;
        if (filter.to && *filter.to < utc_day(r.at())) continue;
        out.push_back(to_entry(r, st.blob(2)));
    }
    return out;
}

records::LogVerification Client::verify_log() {
    auto& d = *impl_;
    records::LogVerification v;
    auto fail = [&](std::int64_t position, std::string problem) {
        v.ok = false;
        v.first_bad = position;
        v.problem = std::move(problem);
        return v;
    };
    std::int64_t expected = 1;
    Bytes previous(kHashSize, 0);
    // Stored rows in the order of their stored position; each must be the next one.
    auto st = d.db.prepare("SELECT position, record, hash, signature FROM log ORDER BY position");
    while (st.step()) {
        const std::int64_t row_position = st.int64(0);
        const Bytes record = st.blob(1), hash = st.blob(2), signature = st.blob(3);
        ++v.entries;
        if (row_position != expected) {
            return fail(expected,
                        row_position > expected
                            ? "entry " + std::to_string(expected) +
                                  " is missing (the next stored entry is " +
                                  std::to_string(row_position) + ")"
                            : "entry " + std::to_string(row_position) + " is stored out of order");
        }
        log::v1::LogRecord r;
        if (!r.ParseFromArray(record.data(), static_cast<int>(record.size()))) {
            return fail(expected, "entry " + std::to_string(expected) + " cannot be read");
        }
        if (r.position() != static_cast<std::uint64_t>(expected)) {
            return fail(expected, "entry " + std::to_string(expected) + " names position " +
                                      std::to_string(r.position()) +
                                      " (moved from elsewhere in the log)");
        }
        if (!crypto::ct_equal(view_of(r.previous_hash()), previous)) {
            return fail(expected, "entry " + std::to_string(expected) +
                                      " does not follow the entry before it (one was inserted, "
                                      "removed or changed before it)");
        }
        const Bytes computed = chain_hash(previous, record);
        if (!crypto::ct_equal(computed, hash)) {
            return fail(expected,
                        "entry " + std::to_string(expected) + " was changed after it was written");
        }
        if (!crypto::ed25519_verify(d.device_public, hash, signature)) {
            return fail(expected, "entry " + std::to_string(expected) +
                                      " does not carry this device's signature");
        }
        previous = hash;
        ++expected;
    }
    const std::int64_t stored = expected - 1;
    auto head_bytes = d.meta("log_head");
    if (!head_bytes) {
        if (stored == 0) return v;
        return fail(1, "the log's signed head is missing");
    }
    auto head = parse_head(*head_bytes);
    if (!head) return fail(stored + 1, "the log's signed head is damaged");
    if (!crypto::ed25519_verify(d.device_public, head_message(head->position, head->hash),
                                head->signature)) {
        return fail(std::min(stored, head->position) + 1,
                    "the log's head does not carry this device's signature");
    }
    if (head->position > stored) {
        return fail(stored + 1, "the log was cut off: entries " + std::to_string(stored + 1) +
                                    " to " + std::to_string(head->position) + " are missing");
    }
    if (head->position < stored) {
        return fail(head->position + 1, "entry " + std::to_string(head->position + 1) +
                                            " was added after the last signed entry");
    }
    if (!crypto::ct_equal(head->hash, previous)) {
        return fail(stored,
                    "entry " + std::to_string(stored) + " is not the last entry the device signed");
    }
    return v;
}

std::string Client::subject_pseudonym(const std::string& personnummer) {
    return crypto::to_hex(impl_->pseudonym_of(personnummer));
}

}  // namespace lagrum::core::messaging

namespace lagrum::core::messaging {

namespace {

nlohmann::json marking_json(const content::v1::Marking& m) {
    return {{"provision", m.provision()},
            {"citation", m.citation()},
            {"date", m.date()},
            {"authority", m.authority()},
            {"secrecy_provision", m.secrecy_provision()},
            {"legal_basis", m.legal_basis()}};
}

}  // namespace

void Client::Impl::log_sent(std::int64_t outbox_id) {
    auto st = db.prepare(
        "SELECT o.content, r.name FROM outbox o JOIN rooms r ON r.id = o.room_id WHERE o.id = ?");
    st.bind(1, outbox_id);
    if (!st.step()) return;
    const Bytes bytes = st.blob(0);
    content::v1::Content c;
    if (!c.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
        throw Error(Errc::corrupt_store, "an outbox entry is damaged");
    }
    const auto& disc = c.disclosure();
    LogEvent ev;
    ev.kind = "sent";
    ev.subject = Bytes(c.case_pseudonym().begin(), c.case_pseudonym().end());
    ev.room = st.text(1);
    ev.recipients.assign(disc.check().recipients().begin(), disc.check().recipients().end());
    ev.provision = disc.marking().provision();
    ev.citation = disc.marking().citation();
    ev.categories.assign(disc.check().categories().begin(), disc.check().categories().end());
    ev.content_hash = crypto::sha256(bytes);
    nlohmann::json details = {{"message_id", crypto::to_hex(view_of(c.message_id()))},
                              {"epoch", c.epoch()},
                              {"marking", marking_json(disc.marking())}};
    if (!disc.check().consent_json().empty()) {
        details["consent"] = nlohmann::json::parse(disc.check().consent_json(), nullptr, false);
    }
    if (disc.has_attachment()) details["attachment"] = disc.attachment().name();
    ev.details_json = details.dump();
    log_append(ev);
}

void Client::Impl::log_received(const std::string& room, const content::v1::Content& c,
                                bool content_ok, const std::string& sender,
                                const std::string& flags, const std::string& flag_reasons) {
    LogEvent ev;
    ev.kind = "received";
    ev.room = room;
    ev.counterpart = sender;
    nlohmann::json details = {{"validation", flags.empty() ? "valid" : "flagged"}};
    if (!flags.empty()) {
        details["flags"] = flags;
        details["reasons"] = flag_reasons;
    }
    if (content_ok) {
        const auto& disc = c.disclosure();
        if (c.case_pseudonym().size() == 16) {
            ev.subject = Bytes(c.case_pseudonym().begin(), c.case_pseudonym().end());
        }
        ev.recipients.assign(disc.check().recipients().begin(), disc.check().recipients().end());
        ev.provision = disc.marking().provision();
        ev.citation = disc.marking().citation();
        ev.categories.assign(disc.check().categories().begin(), disc.check().categories().end());
        ev.content_hash = crypto::sha256(view_of(c.SerializeAsString()));
        details["message_id"] = crypto::to_hex(view_of(c.message_id()));
        details["marking"] = marking_json(disc.marking());
    }
    ev.details_json = details.dump();
    log_append(ev);
}

}  // namespace lagrum::core::messaging
