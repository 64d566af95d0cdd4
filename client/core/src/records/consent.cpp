// The consent register (lagrum/core/records/consent.h): adding, withdrawing and listing
// consents, closing a case, the §2.6 consent object `send` builds from the register, and
// the outbox re-check after a withdrawal or a case close.
//
// Why each row carries its own signature: the register decides whether a disclosure
// under 10 kap. 1 § OSL may leave the laptop, so a consent edited in the database (a
// wider scope, a later date, "withdrawn" turned back into "given") must not count. The
// device key signs the canonical encoding of the whole row, again after every change;
// reading checks it, and a consent that does not verify makes `send` fail rather than
// use it.
#include "lagrum/core/records/consent.h"

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>
#include <set>

#include "../messaging/client_impl.h"
#include "lagrum/core/legal/verdict_json.h"
#include "lagrum/crypto/bytes.h"
#include "lagrum/crypto/ed25519.h"
#include "lagrum/crypto/hash.h"

namespace lagrum::core::messaging {

namespace {

using json = nlohmann::ordered_json;

constexpr std::string_view kConsentLabel = "lagrum-consent/1";

// One stored row, as read.
struct Row {
    std::int64_t id = 0;
    Bytes subject;
    std::string given_by;
    std::string recipients;  // comma-separated, sorted
    std::string purpose;
    std::string valid_until;  // "" or YYYY-MM-DD
    std::string document_name;
    Bytes document_sha256;  // empty when none
    std::int64_t document_size = 0;
    std::string status;
    std::int64_t given_at = 0;
    std::int64_t ended_at = 0;
    Bytes signature;
};

void put(Bytes& out, std::string_view field) {
    const auto n = static_cast<std::uint32_t>(field.size());
    for (int i = 3; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(n >> (8 * i)));
    out.insert(out.end(), field.begin(), field.end());
}

// Every field, length-prefixed, under a label: no two different rows encode alike.
Bytes canonical(const Row& r) {
    Bytes out(kConsentLabel.begin(), kConsentLabel.end());
    put(out, std::to_string(r.id));
    put(out, to_str(r.subject));
    put(out, r.given_by);
    put(out, r.recipients);
    put(out, r.purpose);
    put(out, r.valid_until);
    put(out, r.document_name);
    put(out, to_str(r.document_sha256));
    put(out, std::to_string(r.document_size));
    put(out, r.status);
    put(out, std::to_string(r.given_at));
    put(out, std::to_string(r.ended_at));
    return out;
}

constexpr const char* kColumns =
    "id, subject_pseudonym, given_by, recipients, purpose, valid_until, document_name, "
    "document_sha256, document_size, status, given_at, ended_at, signature";

Row read_row(const store::Statement& st) {
    Row r;
    r.id = st.int64(0);
    r.subject = st.blob(1);
    r.given_by = st.text(2);
    r.recipients = st.text(3);
    r.purpose = st.text(4);
    r.valid_until = st.text(5);
    r.document_name = st.text(6);
    r.document_sha256 = st.is_null(7) ? Bytes{} : st.blob(7);
    r.document_size = st.int64(8);
    r.status = st.text(9);
    r.given_at = st.int64(10);
    r.ended_at = st.int64(11);
    r.signature = st.blob(12);
    return r;
}

std::vector<std::string> split_list(const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size() && !s.empty()) {
        const auto comma = s.find(',', start);
        out.push_back(
            s.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

std::string join_list(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
    return out;
}

}  // namespace

// ---- Impl helpers (declared in client_impl.h)

namespace {

struct Register {
    Client::Impl& d;

    bool verified(const Row& r) const {
        return crypto::ed25519_verify(d.device_public, canonical(r), r.signature);
    }

    void sign_and_store(Row& r) {
        auto sig = crypto::ed25519_sign(d.device_seed.view(), canonical(r));
        if (!sig) throw Error(Errc::internal, "the device key cannot sign");
        r.signature = *sig;
        d.db.prepare("UPDATE consents SET status = ?, ended_at = ?, signature = ? WHERE id = ?")
            .bind(1, r.status)
            .bind(2, r.ended_at)
            .bind(3, r.signature)
            .bind(4, r.id)
            .run();
    }

    std::vector<Row> rows(const std::optional<Bytes>& subject) {
        std::vector<Row> out;
        auto st = d.db.prepare(std::string("SELECT ") + kColumns + " FROM consents ORDER BY id");
        while (st.step()) {
            Row r = read_row(st);
            if (subject && !crypto::ct_equal(r.subject, *subject)) continue;
            out.push_back(std::move(r));
        }
        return out;
    }

    records::Consent describe(const Row& r) {
        records::Consent c;
        c.id = r.id;
        c.subject = crypto::to_hex(r.subject);
        c.given_by = r.given_by;
        c.recipients = split_list(r.recipients);
        c.purpose = r.purpose;
        if (!r.valid_until.empty()) c.valid_until = legal::parse_date(r.valid_until);
        c.document_name = r.document_name;
        c.document_sha256 = r.document_sha256.empty() ? "" : crypto::to_hex(r.document_sha256);
        c.document_size = r.document_size;
        c.status = r.status;
        if (c.status == "given" && c.valid_until && *c.valid_until < d.today()) {
            c.status = "expired";
        }
        c.given_at = r.given_at;
        c.ended_at = r.ended_at;
        c.signature_ok = verified(r);
        if (c.signature_ok && !r.document_sha256.empty()) {
            // The signature covers the document's hash; the stored bytes must still match.
            auto st = d.db.prepare("SELECT document FROM consents WHERE id = ?");
            st.bind(1, r.id);
            c.signature_ok = st.step() && !st.is_null(0) &&
                             crypto::ct_equal(crypto::sha256(st.blob(0)), r.document_sha256);
        }
        return c;
    }

    const legal::Provision* consent_provision() const { return d.catalog.consent_provision(); }

    void log(const std::string& kind, const Row& r, json details) {
        Client::Impl::LogEvent ev;
        ev.kind = kind;
        ev.subject = r.subject;
        ev.recipients = split_list(r.recipients);
        if (const auto* p = consent_provision()) {
            ev.provision = p->id;
            ev.citation = p->citation_sv;
        }
        details["consent_id"] = r.id;
        ev.details_json = details.dump();
        d.log_append(ev);
    }
};

}  // namespace

Client::Impl::RegisterConsent Client::Impl::register_consent(
    ByteView subject, const std::vector<std::string>& authorities) {
    Register reg{*this};
    const auto all = reg.rows(Bytes(subject.begin(), subject.end()));
    for (const auto& r : all) {
        if (!reg.verified(r)) {
            throw Error(Errc::corrupt_store,
                        "consent " + std::to_string(r.id) +
                            " in the register does not carry this device's signature (it was "
                            "changed outside Lagrum); it cannot be used");
        }
    }
    auto object = [](const Row& r, bool case_closed) {
        json o = json::object();
        o["status"] = "given";
        o["given_by"] = json::array({r.given_by});
        o["recipient_authorities"] = split_list(r.recipients);
        if (!r.valid_until.empty()) o["valid_until"] = r.valid_until;
        if (case_closed) o["case_closed"] = true;
        return o;
    };
    const Row* chosen = nullptr;
    // Newest first: the consent in force that covers every recipient and has not
    // expired; else the newest given one (the check then names what it lacks).
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
        if (it->status != "given") continue;
        const auto scope = split_list(it->recipients);
        const bool covers = std::all_of(authorities.begin(), authorities.end(), [&](const auto& a) {
            return std::find(scope.begin(), scope.end(), a) != scope.end();
        });
        const auto until = legal::parse_date(it->valid_until);
        const bool current = it->valid_until.empty() || (until && !(*until < today()));
        if (covers && current) {
            chosen = &*it;
            break;
        }
        if (chosen == nullptr) chosen = &*it;
    }
    if (chosen != nullptr) return {object(*chosen, false).dump(), chosen->id};
    if (!all.empty()) {
        const Row& last = all.back();
        if (last.status == "case_closed") return {object(last, true).dump(), last.id};
        return {json{{"status", "withdrawn"}}.dump(), last.id};
    }
    return {json{{"status", "none"}}.dump(), 0};
}

bool Client::Impl::uses_consent(const content::v1::Content& c) const {
    if (!c.has_disclosure()) return false;
    if (!c.disclosure().check().consent_json().empty()) return true;
    const auto* p = catalog.find_provision(c.disclosure().marking().provision());
    return p != nullptr && p->consent.has_value();
}

void Client::Impl::recheck_consent_outbox(ByteView subject, records::ConsentChange& change) {
    struct Entry {
        std::int64_t id, room_id;
        Bytes content;
    };
    std::vector<Entry> entries;
    {
        auto st = db.prepare(
            "SELECT id, room_id, content FROM outbox WHERE state IN ('queued', 'encrypted') "
            "ORDER BY id");
        while (st.step()) entries.push_back({st.int64(0), st.int64(1), st.blob(2)});
    }
    for (const auto& e : entries) {
        content::v1::Content c;
        if (!c.ParseFromArray(e.content.data(), static_cast<int>(e.content.size()))) {
            throw Error(Errc::corrupt_store, "an outbox entry is damaged");
        }
        if (!uses_consent(c) || !crypto::ct_equal(view_of(c.case_pseudonym()), subject)) continue;
        auto hold = [&](const std::string& why) {
            db.prepare(
                  "UPDATE outbox SET state = 'held', reason = ? WHERE id = ? AND state IN "
                  "('queued', 'encrypted')")
                .bind(1, why)
                .bind(2, e.id)
                .run();
            change.held.push_back(e.id);
            change.reasons.push_back(why);
        };
        // The recipients as the room holds them now, with their verified authorities.
        std::vector<legal::RecipientRef> recipients;
        std::vector<std::string> authorities;
        bool members_ok = true;
        {
            auto active = db.prepare("SELECT active FROM rooms WHERE id = ?");
            active.bind(1, e.room_id);
            if (!active.step() || active.int64(0) == 0) {
                hold("we are no longer a member of the room");
                continue;
            }
        }
        std::set<std::string> seen;
        for (const auto& lm : leaf_members(load_group(e.room_id))) {
            if (!lm.member) {
                members_ok = false;
                break;
            }
            if (self && lm.member->address() == self->address()) continue;
            if (!seen.insert(lm.member->address()).second) continue;
            const auto a = legal::parse_authority(authority_of(lm.member->authority))
                               .value_or(legal::Authority::other);
            recipients.push_back({lm.member->address(), a});
            authorities.emplace_back(legal::to_string(a));
        }
        if (!members_ok) {
            hold("a member's certificate no longer verifies");
            continue;
        }
        const auto now_consent = register_consent(subject, authorities);
        c.mutable_disclosure()->mutable_check()->set_consent_json(now_consent.json);
        const auto re =
            recheck_content(catalog, c, self ? authority_of(self->authority) : "", recipients);
        if (!re.input_ok) {
            hold("the consent changed and the check cannot run: " + re.input_error);
            continue;
        }
        if (re.verdict.verdict == legal::VerdictKind::allowed) continue;
        std::string why;
        for (const auto& reason : re.verdict.reasons) {
            if (!legal::is_blocking(reason.code)) continue;
            why = std::string(legal::to_string(reason.code));
            break;
        }
        hold("the consent register no longer allows it: " +
             (why.empty() ? std::string(legal::to_string(re.verdict.verdict)) : why) +
             " (lagrum consent list)");
    }
}

void Client::Impl::note_outbox_consent(std::int64_t message_row, std::int64_t consent_id) {
    if (consent_id == 0) return;
    db.prepare("UPDATE outbox SET consent_id = ? WHERE message_row = ?")
        .bind(1, consent_id)
        .bind(2, message_row)
        .run();
}

// ---- Client

records::Consent Client::add_consent(const records::ConsentRequest& request) {
    auto& d = *impl_;
    if (request.given_by != "subject" && request.given_by != "guardian") {
        throw Error(Errc::bad_input, "--given-by must be subject or guardian");
    }
    if (request.recipients.empty()) {
        throw Error(Errc::bad_input, "--recipients names no authority");
    }
    std::set<std::string> scope;
    for (const auto& a : request.recipients) {
        if (!legal::parse_authority(a)) {
            throw Error(Errc::bad_input, "unknown authority \"" + a +
                                             "\" in --recipients (e.g. police, school, "
                                             "health_care)");
        }
        scope.insert(a);
    }
    if (request.purpose.size() > 4096) throw Error(Errc::bad_input, "--purpose is too long");
    if (request.document && request.document->data.size() > records::kMaxConsentDocument) {
        throw Error(Errc::bad_input, "the consent document is larger than 10 MiB");
    }
    if (request.document &&
        (request.document->name.empty() || request.document->name.size() > 255)) {
        throw Error(Errc::bad_input, "the consent document needs a file name (at most 255 bytes)");
    }
    Row r;
    r.subject = d.pseudonym_of(request.subject);
    r.given_by = request.given_by;
    r.recipients = join_list(std::vector<std::string>(scope.begin(), scope.end()));
    r.purpose = request.purpose;
    if (request.valid_until) r.valid_until = legal::to_string(*request.valid_until);
    if (request.document) {
        r.document_name = request.document->name;
        r.document_sha256 = crypto::sha256(view_of(request.document->data));
        r.document_size = static_cast<std::int64_t>(request.document->data.size());
    }
    r.status = "given";
    r.given_at = d.now();
    Register reg{d};
    d.db.transaction([&] {
        auto ins = d.db.prepare(
            "INSERT INTO consents(subject_pseudonym, given_by, recipients, purpose, valid_until, "
            "document_name, document, document_sha256, document_size, status, given_at, "
            "ended_at, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, x'')");
        ins.bind(1, r.subject)
            .bind(2, r.given_by)
            .bind(3, r.recipients)
            .bind(4, r.purpose)
            .bind(5, r.valid_until)
            .bind(6, r.document_name);
        if (request.document) {
            ins.bind(7, view_of(request.document->data)).bind(8, r.document_sha256);
        } else {
            ins.bind_null(7).bind_null(8);
        }
        ins.bind(9, r.document_size).bind(10, r.status).bind(11, r.given_at).run();
        r.id = d.db.last_insert_rowid();
        reg.sign_and_store(r);
        json details = {{"given_by", r.given_by}};
        if (!r.purpose.empty()) details["purpose"] = r.purpose;
        if (!r.valid_until.empty()) details["valid_until"] = r.valid_until;
        if (request.document) {
            details["document"] = {{"name", r.document_name},
                                   {"sha256", crypto::to_hex(r.document_sha256)},
                                   {"size", r.document_size}};
        }
        reg.log("consent_given", r, details);
    });
    return reg.describe(r);
}

records::ConsentChange Client::withdraw_consent(std::int64_t id) {
    auto& d = *impl_;
    Register reg{d};
    records::ConsentChange change;
    d.db.transaction([&] {
        std::optional<Row> r;
        {
            auto st =
                d.db.prepare(std::string("SELECT ") + kColumns + " FROM consents WHERE id = ?");
            st.bind(1, id);
            if (st.step()) r = read_row(st);
        }
        if (!r)
            throw Error(Errc::not_found, "no consent " + std::to_string(id) + " in the register");
        if (!reg.verified(*r)) {
            throw Error(Errc::corrupt_store, "consent " + std::to_string(id) +
                                                 " does not carry this device's signature");
        }
        if (r->status != "given") {
            throw Error(Errc::conflict,
                        "consent " + std::to_string(id) + " has already ended (" + r->status + ")");
        }
        r->status = "withdrawn";
        r->ended_at = d.now();
        reg.sign_and_store(*r);
        d.recheck_consent_outbox(r->subject, change);
        reg.log("consent_withdrawn", *r, json{{"held_outbox", change.held}});
        change.consents.push_back(reg.describe(*r));
    });
    return change;
}

std::vector<records::Consent> Client::consents(const std::optional<std::string>& subject) {
    auto& d = *impl_;
    Register reg{d};
    std::optional<Bytes> pseudonym;
    if (subject) pseudonym = d.pseudonym_of(*subject);
    std::vector<records::Consent> out;
    for (const auto& r : reg.rows(pseudonym)) out.push_back(reg.describe(r));
    return out;
}

records::ConsentChange Client::close_case(const std::string& subject) {
    auto& d = *impl_;
    Register reg{d};
    records::ConsentChange change;
    const Bytes pseudonym = d.pseudonym_of(subject);
    d.db.transaction([&] {
        std::vector<std::int64_t> ended;
        for (auto& r : reg.rows(pseudonym)) {
            if (r.status != "given") continue;
            if (!reg.verified(r)) {
                throw Error(Errc::corrupt_store, "consent " + std::to_string(r.id) +
                                                     " does not carry this device's signature");
            }
            r.status = "case_closed";
            r.ended_at = d.now();
            reg.sign_and_store(r);
            ended.push_back(r.id);
            change.consents.push_back(reg.describe(r));
        }
        d.recheck_consent_outbox(pseudonym, change);
        Client::Impl::LogEvent ev;
        ev.kind = "case_closed";
        ev.subject = pseudonym;
        ev.details_json = json{{"consents_ended", ended}, {"held_outbox", change.held}}.dump();
        d.log_append(ev);
    });
    return change;
}

}  // namespace lagrum::core::messaging
