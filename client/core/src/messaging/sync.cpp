// Receiving: each delivery is decrypted, its sender's certificate and marking verified,
// and stored with the MLS state and the relay cursor in one transaction before the relay
// is told to delete it (Ack). Also the read side: inbox, outbox, safety numbers.
#include <algorithm>
#include <set>
#include <thread>

#include "client_impl.h"
#include "lagrum/core/legal/check_input.h"
#include "lagrum/core/messaging/content_codec.h"
#include "lagrum/core/pki/safety_number.h"
#include "lagrum/crypto/hash.h"
#include "lagrum/mls/codec.h"
#include "lagrum/mls/error.h"
#include "lagrum/mls/framing.h"

namespace lagrum::core::messaging {

namespace {

struct Flags {
    std::vector<std::string> codes;
    std::vector<std::string> reasons;
    void add(const std::string& code, const std::string& why) {
        if (std::find(codes.begin(), codes.end(), code) == codes.end()) codes.push_back(code);
        reasons.push_back(why);
    }
    std::string joined_codes() const {
        std::string s;
        for (const auto& c : codes) s += (s.empty() ? "" : ",") + c;
        return s;
    }
    std::string joined_reasons() const {
        std::string s;
        for (const auto& c : reasons) s += (s.empty() ? "" : "; ") + c;
        return s;
    }
};

std::string reasons_text(const legal::Verdict& v) {
    std::string s;
    for (const auto& r : v.reasons) {
        if (!legal::is_blocking(r.code)) continue;
        s += (s.empty() ? "" : ", ") + std::string(legal::to_string(r.code)) +
             (r.fact.empty() ? "" : " (" + r.fact + ")");
    }
    for (const auto& rv : v.recipients) {
        if (rv.verdict == legal::VerdictKind::allowed) continue;
        s += (s.empty() ? "" : ", ") + rv.id + " " + std::string(legal::to_string(rv.verdict));
    }
    if (!v.missing_facts.empty()) s += (s.empty() ? "" : ", ") + std::string("facts missing");
    return s;
}

}  // namespace

void Client::Impl::receive(std::chrono::milliseconds wait, SyncReport& report,
                           const std::function<bool()>& stop) {
    if (!self || !self_invalid.empty() || !connect()) {
        report.relay_reachable = false;
        return;
    }
    std::uint64_t last = 0;
    auto handle = [&](const RelayDelivery& del) {
        bool fresh = false;
        // The cursor is read inside the (IMMEDIATE) transaction: a daemon and a `sync` on
        // the same profile may both be handed this delivery, and only one may store it.
        db.transaction([&] {
            if (static_cast<std::int64_t>(del.seq) <= cursor()) return;
            process_delivery(del, report);
            set_cursor(static_cast<std::int64_t>(del.seq));
            fresh = true;
        });
        if (fresh) ++report.deliveries;
        last = std::max(last, del.seq);
        return true;
    };
    try {
        with_relay([&](RelayTransport& t) {
            t.subscribe(static_cast<std::uint64_t>(cursor()), wait, handle, stop);
            return 0;
        });
        if (last != 0)
            with_relay([&](RelayTransport& t) {
                t.ack(last);
                return 0;
            });
    } catch (const Error& e) {
        if (e.code() != Errc::relay_unavailable) throw;
        report.relay_reachable = false;
    }
    // Our Commits whose answer was lost, after the deliveries: these may settle them (a
    // later epoch adopts one, a rival Commit drops it) or show the room forked, in which
    // case a Commit is held rather than resent into one branch.
    if (report.relay_reachable) resolve_pending_commits(report);
}

void Client::Impl::process_delivery(const RelayDelivery& del, SyncReport& report) {
    std::string label_lie;
    try {
        process_delivery_body(del, report, label_lie);
    } catch (const mls::MlsError& e) {
        record_sync_error(report, del.seq, "mls",
                          std::string(mls::mls_errc_name(e.code())) + ": " + e.what());
        return;
    } catch (const Error& e) {
        if (e.code() == Errc::corrupt_store || e.code() == Errc::io_error ||
            e.code() == Errc::internal) {
            throw;
        }
        record_sync_error(report, del.seq, std::string(errc_name(e.code())), e.what());
        return;
    }
    // A delivery handled by its own epoch whose relay label said otherwise: recorded (the
    // relay lied) once it is known not to be an error of its own (one error a delivery).
    if (!label_lie.empty()) {
        record_sync_error(report, del.seq, "relay_label", label_lie);
    }
}

void Client::Impl::process_delivery_body(const RelayDelivery& del, SyncReport& report,
                                         std::string& label_lie) {
    using Kind = RelayDelivery::Kind;
    {
        if (del.kind == Kind::welcome) {
            mls::Reader r(del.payload);
            auto msg = mls::MlsMessage::decode(r);
            r.finish();
            auto* welcome = std::get_if<mls::Welcome>(&msg.body);
            if (welcome == nullptr)
                throw Error(Errc::bad_input, "a Welcome delivery holds no Welcome");
            std::optional<mls::KeyPackageBundle> bundle;
            Bytes ref;
            bool last_resort = false;
            for (const auto& s : welcome->secrets) {
                auto st = db.prepare(
                    "SELECT key_package, init_private, encryption_private, last_resort FROM "
                    "key_packages WHERE ref = ?");
                st.bind(1, s.new_member);
                if (!st.step()) continue;
                mls::KeyPackageBundle b;
                b.key_package = mls::decode_exact<mls::KeyPackage>(st.blob(0));
                b.init_private = st.secret_blob(1);
                b.encryption_private = st.secret_blob(2);
                b.signature_private = device_seed.clone();
                last_resort = st.int64(3) != 0;
                ref = s.new_member;
                bundle = std::move(b);
                break;
            }
            if (!bundle) throw Error(Errc::not_found, "a Welcome for none of our KeyPackages");
            auto g = mls::Group::join(*welcome, *bundle, group_config());
            if (auto existing = find_room_by_group(g.group_id())) {
                if (existing->active) return;  // joined already
                // Removed earlier and now added back: the old room (its name, history and
                // id) takes the new state. Only a later epoch: a replayed Welcome from
                // before the removal (last-resort KeyPackage) must not roll it back.
                if (g.epoch() <= existing->epoch) return;
                save_group(existing->id, g);
                db.prepare("UPDATE rooms SET joined_epoch = ? WHERE id = ?")
                    .bind(1, static_cast<std::int64_t>(g.epoch()))
                    .bind(2, existing->id)
                    .run();
                // States kept for fork checks belong to the membership that ended.
                db.prepare("DELETE FROM epoch_commits WHERE room_id = ?")
                    .bind(1, existing->id)
                    .run();
            } else {
                std::string name;
                for (const auto& e : g.context().extensions) {
                    if (e.type == kRoomNameExtension) name.assign(e.data.begin(), e.data.end());
                }
                if (name.empty() || name.size() > kMaxRoomName)
                    name = "room-" + crypto::to_hex(g.group_id()).substr(0, 8);
                if (find_room_by_name(name)) {
                    // Another room here already has this name: keep both, visibly.
                    name += " (" + crypto::to_hex(g.group_id()).substr(0, 6) + ")";
                }
                const bool direct = name.rfind(kDirectPrefix, 0) == 0;
                const crypto::SecretBytes state = g.serialize();
                db.prepare(
                      "INSERT INTO rooms(name, group_id, direct, active, epoch, state, "
                      "created_at, joined_epoch) VALUES (?, ?, ?, 1, ?, ?, ?, ?)")
                    .bind(1, name)
                    .bind(2, g.group_id())
                    .bind(3, direct ? 1 : 0)
                    .bind(4, static_cast<std::int64_t>(g.epoch()))
                    .bind(5, state.view())
                    .bind(6, now())
                    .bind(7, static_cast<std::int64_t>(g.epoch()))
                    .run();
            }
            if (!last_resort)
                db.prepare("DELETE FROM key_packages WHERE ref = ?").bind(1, ref).run();
            remember_contacts(leaf_members(g));
            ++report.joined;
            return;
        }
        auto row = find_room_by_group(del.group_id);
        if (!row) throw Error(Errc::not_found, "a delivery for a group we are not in");
        // The epoch, group and content type are read from the MLS message itself; the
        // relay's labels (Delivery.epoch, kind, group_id) are routing hints it could lie in.
        // (MlsMessage::decode throws MlsError for anything malformed, trailing bytes too.)
        const Bytes* msg_group = nullptr;
        std::uint64_t epoch = 0;
        mls::ContentType content_type{};
        mls::Reader header_reader(del.payload);
        const auto framed = mls::MlsMessage::decode(header_reader);
        header_reader.finish();
        if (const auto* priv = std::get_if<mls::PrivateMessage>(&framed.body)) {
            msg_group = &priv->group_id;
            epoch = priv->epoch;
            content_type = priv->content_type;
        } else if (const auto* pub = std::get_if<mls::PublicMessage>(&framed.body)) {
            msg_group = &pub->content.group_id;
            epoch = pub->content.epoch;
            content_type = pub->content.content_type();
        } else {
            throw Error(Errc::bad_input, "a group delivery holds no group message");
        }
        if (msg_group->size() != row->group_id.size() ||
            !crypto::ct_equal(*msg_group, row->group_id)) {
            throw Error(Errc::bad_input,
                        "the relay delivered a message of another group under this room");
        }
        const bool is_commit = content_type == mls::ContentType::commit;
        if (is_commit != (del.kind == Kind::commit)) {
            throw Error(Errc::bad_input, is_commit ? "the relay labels a Commit as a message"
                                                   : "the relay labels a message as a Commit");
        }
        if (del.epoch != epoch) {
            // Handled by the message's own epoch; the lie is recorded afterwards.
            label_lie = "the relay labels a message of epoch " + std::to_string(epoch) +
                        " as epoch " + std::to_string(del.epoch);
        }
        // A Commit of ours that the relay accepted but we never heard back about: a
        // delivery from a later epoch proves it won; one of the same epoch proves it lost.
        {
            // (A held one, of a forked room, is settled by nothing: it stays as it is.)
            auto st = db.prepare(
                "SELECT epoch FROM pending_commits WHERE room_id = ? AND held_reason IS NULL");
            st.bind(1, row->id);
            if (st.step()) {
                const auto pending_epoch = static_cast<std::uint64_t>(st.int64(0));
                if (epoch >= pending_epoch) {
                    adopt_pending(row->id);
                } else if (is_commit && epoch + 1 == pending_epoch) {
                    drop_pending(row->id);
                }
            }
        }
        auto g = load_group(row->id);
        if (is_commit) {
            if (epoch < g.epoch()) {
                // An epoch we have left: the same Commit again is harmless, another one
                // is equivocation (check_old_commit marks the room forked) or a forgery.
                if (check_old_commit(*row, epoch, del.payload)) {
                    ++report.forks;
                    record_sync_error(report, del.seq, "fork",
                                      "two different Commits for epoch " + std::to_string(epoch) +
                                          " of room \"" + row->name +
                                          "\": the relay split the room (it is marked forked)");
                }
                return;
            }
            auto prior = db.prepare("SELECT state FROM rooms WHERE id = ?");
            prior.bind(1, row->id);
            const crypto::SecretBytes prior_state =
                prior.step() ? prior.secret_blob(0) : crypto::SecretBytes{};
            g.handle(del.payload);
            save_group(row->id, g);
            note_applied_commit(row->id, epoch, del.payload, prior_state);
            remember_contacts(leaf_members(g));
            ++report.commits;
            return;
        }
        {
            // A message of an epoch before we joined was never for us (its epoch's keys
            // are not ours). The relay routes by the message's epoch and does not store
            // it for us (relay/README.md, "Routing by epoch"); an older or lying relay
            // might. Listed, not an error.
            auto st = db.prepare("SELECT joined_epoch FROM rooms WHERE id = ?");
            st.bind(1, row->id);
            const auto joined = st.step() ? static_cast<std::uint64_t>(st.int64(0)) : 0;
            if (epoch < joined) {
                record_sync_error(report, del.seq, "before_join",
                                  "a message of epoch " + std::to_string(epoch) +
                                      ", before this device joined the room (epoch " +
                                      std::to_string(joined) + ")",
                                  false);
                return;
            }
        }
        mls::Reader r(del.payload);
        auto msg = mls::MlsMessage::decode(r);
        r.finish();
        auto* pm = std::get_if<mls::PrivateMessage>(&msg.body);
        if (pm == nullptr || pm->content_type != mls::ContentType::application) {
            // A proposal: Lagrum clients commit by value, so nothing to cache for later;
            // still run it through the group so its checks apply.
            g.handle(del.payload);
            save_group(row->id, g);
            return;
        }
        const std::uint64_t msg_epoch = pm->epoch;
        auto app = g.unprotect(del.payload);
        save_group(row->id, g);  // the ratchet moved: never decrypt the same key twice
        // Who sent it, in the epoch it was sent in (a member removed since is still its
        // sender), verified now (revocation included).
        const mls::LeafNode* leaf = app.sender_leaf ? &*app.sender_leaf : nullptr;
        Flags flags;
        std::optional<pki::Member> sender;
        std::string why;
        if (leaf != nullptr) {
            sender = pki::verify_member(trust, leaf->credential, leaf->signature_key, now(), &why);
        }
        content::v1::Content c;
        bool content_ok = false;
        try {
            c = unpad_content(app.data);
            content_ok = true;
        } catch (const Error& e) {
            flags.add("content_invalid", e.what());
        }
        crypto::wipe(app.data);
        if (!sender) {
            flags.add("sender_rejected", "the sender's certificate does not verify: " +
                                             (why.empty() ? std::string("unknown leaf") : why));
        }
        // Meeting and handover traffic is not a message to show: it is handled by its
        // own code, and only from a verified sender with a correctly bound content.
        if (content_ok && (c.has_meeting() || c.has_handover() || c.has_handover_receipt())) {
            const bool bound = c.version() == 1 && c.message_id().size() == 16 &&
                               view_of(c.group_id()).size() == row->group_id.size() &&
                               crypto::ct_equal(view_of(c.group_id()), row->group_id) &&
                               c.epoch() == msg_epoch;
            if (!sender || !bound) {
                record_sync_error(report, del.seq, "control",
                                  !sender ? "a meeting or handover message from a sender whose "
                                            "certificate does not verify"
                                          : "a meeting or handover message bound to another "
                                            "room or epoch");
                return;
            }
            if (c.has_meeting()) {
                process_meeting(*row, c, *sender, leaf->signature_key, report);
            } else {
                process_handover(*row, c, *sender, leaf->signature_key, report);
            }
            return;
        }
        std::string text, attachment_name;
        Bytes attachment;
        std::optional<content::v1::Marking> marking;
        if (content_ok) {
            if (c.version() != 1) flags.add("content_invalid", "unknown content version");
            if (view_of(c.group_id()).size() != row->group_id.size() ||
                !crypto::ct_equal(view_of(c.group_id()), row->group_id) || c.epoch() != msg_epoch) {
                flags.add("binding_mismatch",
                          "the content names another room or epoch than it arrived in");
            }
            if (c.message_id().size() != 16) flags.add("content_invalid", "bad message id");
            if (!c.has_disclosure() || !c.disclosure().has_marking()) {
                flags.add("marking_missing", "the message carries no sekretessmarkering");
            } else {
                marking = c.disclosure().marking();
                if (sender) {
                    // Re-validate against our own catalog and the room as we see it.
                    std::vector<legal::RecipientRef> recips;
                    std::set<std::string> seen;
                    for (const auto& lm : leaf_members(g)) {
                        if (!lm.member || lm.member->address() == sender->address() ||
                            !seen.insert(lm.member->address()).second) {
                            continue;
                        }
                        recips.push_back({lm.member->address(),
                                          legal::parse_authority(authority_of(lm.member->authority))
                                              .value_or(legal::Authority::other)});
                    }
                    const std::string sender_auth = authority_of(sender->authority);
                    if (marking->authority() != sender_auth) {
                        flags.add("marking_invalid", "the marking names authority " +
                                                         marking->authority() +
                                                         " but the sender is " + sender_auth);
                    }
                    const auto* prov = catalog.find_provision(marking->provision());
                    if (prov == nullptr) {
                        flags.add("marking_invalid", "unknown provision \"" + marking->provision() +
                                                         "\" in our catalog");
                    } else if (marking->citation() != prov->citation_sv &&
                               marking->citation().rfind(prov->citation_sv, 0) != 0) {
                        flags.add("marking_invalid", "the citation does not match the provision");
                    }
                    auto re = recheck_content(catalog, c, sender_auth, recips);
                    if (!re.input_ok) {
                        flags.add("marking_invalid",
                                  "the recorded check is malformed: " + re.input_error);
                    } else if (re.verdict.verdict != legal::VerdictKind::allowed) {
                        flags.add("marking_invalid",
                                  "our check does not allow it: " + reasons_text(re.verdict));
                    } else if (re.verdict.marking &&
                               (re.verdict.marking->legal_basis != marking->legal_basis() ||
                                re.verdict.marking->provision.value_or("") !=
                                    marking->secrecy_provision())) {
                        flags.add("marking_invalid",
                                  "the marking's text differs from what the provision gives");
                    }
                }
            }
            if (c.has_disclosure()) {
                text = c.disclosure().text();
                attachment_name = c.disclosure().attachment().name();
                attachment.assign(c.disclosure().attachment().data().begin(),
                                  c.disclosure().attachment().data().end());
            }
        }
        if (!sender) {
            // Rejected: recorded (never silently dropped), but its content is not shown.
            text.clear();
            attachment_name.clear();
            attachment.clear();
        }
        // A replayed message id is recorded once.
        if (content_ok && c.message_id().size() == 16) {
            auto st = db.prepare("SELECT 1 FROM messages WHERE message_id = ?");
            st.bind(1, view_of(c.message_id()));
            if (st.step()) {
                // Not an error: a send killed after the relay took it is sent again with
                // the same id (new ciphertext) and shown once.
                record_sync_error(report, del.seq, "duplicate", "a message id seen before", false);
                return;
            }
        }
        cert::v1::MemberCertificateBody body;
        std::string s_org, s_member, s_name, s_auth;
        if (sender) {
            s_org = sender->organisation_id;
            s_member = sender->member_id;
            s_name = sender->display_name;
            s_auth = authority_of(sender->authority);
        } else if (leaf != nullptr && leaf->credential.type == mls::credential_type::basic) {
            // Say who it claims to be, from the (unverified) certificate.
            cert::v1::MemberCertificate mc;
            if (mc.ParseFromArray(leaf->credential.identity.data(),
                                  static_cast<int>(leaf->credential.identity.size())) &&
                body.ParseFromString(mc.body())) {
                s_org = body.organisation_id();
                s_member = body.member_id();
                s_name = body.display_name();
                s_auth = authority_of(body.authority_type());
            }
        }
        auto ins = db.prepare(
            "INSERT INTO messages(message_id, room_id, outgoing, sender_org, sender_member, "
            "sender_name, sender_authority, provision, marking, flags, flag_reasons, text, "
            "attachment_name, attachment, case_pseudonym, sent_at, received_at) "
            "VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        if (content_ok && c.message_id().size() == 16) {
            ins.bind(1, view_of(c.message_id()));
        } else {
            ins.bind_null(1);
        }
        ins.bind(2, row->id)
            .bind(3, s_org)
            .bind(4, s_member)
            .bind(5, s_name)
            .bind(6, s_auth)
            .bind(7, marking ? marking->provision() : std::string())
            .bind(10, flags.joined_reasons())
            .bind(9, flags.joined_codes())
            .bind(11, text)
            .bind(12, attachment_name)
            .bind(13, attachment)
            .bind(14, content_ok ? view_of(c.case_pseudonym()) : ByteView{})
            .bind(15, content_ok ? c.sent_at() : 0)
            .bind(16, now());
        if (marking) {
            ins.bind(8, view_of(marking->SerializeAsString()));
        } else {
            ins.bind_null(8);
        }
        ins.run();
        if (sender && content_ok)
            note_meeting_share(row->id, db.last_insert_rowid(), c, s_org + "/" + s_member, s_name,
                               s_auth);
        log_received(row->name, c, content_ok, s_org.empty() ? "" : s_org + "/" + s_member,
                     flags.joined_codes(), flags.joined_reasons());
        ++report.messages;
        if (!flags.codes.empty()) ++report.flagged;
    }
}

void Client::Impl::note_applied_commit(std::int64_t room_id, std::uint64_t epoch, ByteView commit,
                                       ByteView prior_state) {
    auto ins = db.prepare(
        "INSERT OR REPLACE INTO epoch_commits(room_id, epoch, commit_hash, prior_state) "
        "VALUES (?, ?, ?, ?)");
    ins.bind(1, room_id).bind(2, static_cast<std::int64_t>(epoch)).bind(3, crypto::sha256(commit));
    if (prior_state.empty()) {
        ins.bind_null(4);
    } else {
        ins.bind(4, prior_state);
    }
    ins.run();
    // Older epochs' states go: each holds that epoch's secrets, and keeping them longer
    // would stretch forward secrecy. Their hashes stay (32 bytes an epoch).
    db.prepare(
          "UPDATE epoch_commits SET prior_state = NULL WHERE room_id = ? AND epoch < ? AND "
          "prior_state IS NOT NULL")
        .bind(1, room_id)
        .bind(2, static_cast<std::int64_t>(epoch))
        .run();
}

bool Client::Impl::check_old_commit(const RoomRow& row, std::uint64_t epoch, ByteView commit) {
    auto st = db.prepare(
        "SELECT commit_hash, prior_state FROM epoch_commits WHERE room_id = ? AND epoch = ?");
    st.bind(1, row.id).bind(2, static_cast<std::int64_t>(epoch));
    // No record: an epoch from before we joined (a Welcome starts us later), so nothing
    // of ours to conflict with.
    if (!st.step()) return false;
    if (crypto::ct_equal(crypto::sha256(commit), st.blob(0))) return false;  // a duplicate
    if (st.is_null(1)) {
        throw Error(Errc::bad_input, "a different Commit for epoch " + std::to_string(epoch) +
                                         ", too old to check against the group as it was");
    }
    std::optional<mls::Group> then;
    try {
        then = mls::Group::restore(st.secret_blob(1), group_config());
    } catch (const mls::MlsError& e) {
        throw Error(Errc::corrupt_store,
                    std::string("a room's earlier group state is damaged: ") + e.what());
    }
    // Throws (MlsError) for a forged or tampered Commit: an error, not a fork. The copy
    // is thrown away either way; the room's state is untouched.
    then->handle(commit);
    if (row.forked_epoch) return true;  // seen before: keep the first reason
    const std::string reason =
        "the relay delivered two different, validly signed Commits for epoch " +
        std::to_string(epoch) +
        ": members in the other branch cannot read this one's messages, nor we theirs";
    db.prepare("UPDATE rooms SET forked_epoch = ?, fork_reason = ? WHERE id = ?")
        .bind(1, static_cast<std::int64_t>(epoch))
        .bind(2, reason)
        .bind(3, row.id)
        .run();
    return true;
}

void Client::Impl::after_receive(SyncReport& report) {
    finish_handovers(report);
    flush_outbox(report);
    replenish_key_packages(report);
}

SyncReport Client::sync(std::chrono::milliseconds wait) {
    auto& d = *impl_;
    d.require_self();
    SyncReport report;
    d.receive(std::chrono::milliseconds(0), report);
    if (wait.count() > 0 && report.relay_reachable && report.messages == 0) {
        // Nothing new yet: wait for the first delivery (or the time), then take the rest.
        bool got = false;
        if (d.connect()) {
            try {
                d.with_relay([&](RelayTransport& t) {
                    t.subscribe(static_cast<std::uint64_t>(d.cursor()), wait,
                                [&](const RelayDelivery&) {
                                    got = true;
                                    return false;
                                });
                    return 0;
                });
            } catch (const Error& e) {
                if (e.code() != Errc::relay_unavailable) throw;
            }
        }
        if (got) d.receive(std::chrono::milliseconds(0), report);
    }
    d.after_receive(report);
    return report;
}

void Client::run_daemon(const std::function<bool()>& stop,
                        const std::function<void(const SyncReport&)>& on_report) {
    auto& d = *impl_;
    d.require_self();
    while (!stop()) {
        SyncReport report;
        d.receive(std::chrono::milliseconds(0), report);
        d.after_receive(report);
        if (on_report && (report.deliveries > 0 || report.sent > 0 || report.held > 0))
            on_report(report);
        if (!report.relay_reachable) {
            d.registered = false;
            d.transport.reset();
            // Offline: try again in a moment (the relay coming back is not an event we
            // can wait on).
            for (int i = 0; i < 20 && !stop(); ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            continue;
        }
        // Wait on the stream for the next delivery; then loop to process it in order.
        bool got = false;
        try {
            d.with_relay([&](RelayTransport& t) {
                t.subscribe(
                    static_cast<std::uint64_t>(d.cursor()), std::chrono::milliseconds(5000),
                    [&](const RelayDelivery&) {
                        got = true;
                        return false;
                    },
                    stop);
                return 0;
            });
        } catch (const Error& e) {
            if (e.code() != Errc::relay_unavailable) throw;
        }
        (void)got;
    }
}

std::vector<Message> Client::inbox(const std::optional<std::string>& room) {
    auto& d = *impl_;
    std::optional<RoomRow> only;
    if (room) only = d.require_room(*room);
    std::string sql =
        "SELECT m.id, r.name, m.outgoing, m.sender_org, m.sender_member, m.sender_name, "
        "m.sender_authority, m.provision, m.marking, m.flags, m.flag_reasons, m.text, "
        "m.attachment_name, m.sent_at, m.received_at, m.via_handover, m.handed_over_by FROM "
        "messages m JOIN rooms r ON r.id = m.room_id ";
    if (only) sql += "WHERE m.room_id = ? ";
    sql += "ORDER BY m.id";
    auto st = d.db.prepare(sql);
    if (only) st.bind(1, only->id);
    std::vector<Message> out;
    while (st.step()) {
        Message m;
        m.id = st.int64(0);
        m.room = st.text(1);
        m.outgoing = st.int64(2) != 0;
        m.sender_organisation = st.text(3);
        m.sender_member = st.text(4);
        m.sender_name = st.text(5);
        m.sender_authority = st.text(6);
        m.provision = st.text(7);
        if (!st.is_null(8)) {
            const auto b = st.blob(8);
            m.has_marking = m.marking.ParseFromArray(b.data(), static_cast<int>(b.size()));
        }
        const std::string flags = st.text(9);
        for (std::size_t p = 0; p < flags.size();) {
            auto q = flags.find(',', p);
            if (q == std::string::npos) q = flags.size();
            if (q > p) m.flags.push_back(flags.substr(p, q - p));
            p = q + 1;
        }
        m.flag_reasons = st.text(10);
        m.text = st.text(11);
        m.attachment_name = st.text(12);
        m.sent_at = st.int64(13);
        m.received_at = st.int64(14);
        m.via_handover = st.int64(15) != 0;
        m.handed_over_by = st.text(16);
        out.push_back(std::move(m));
    }
    return out;
}

void Client::mark_read(const std::optional<std::string>& room) {
    auto& d = *impl_;
    d.db.transaction([&] {
        if (room) {
            auto row = d.require_room(*room);
            d.db.prepare("UPDATE messages SET read = 1 WHERE room_id = ?").bind(1, row.id).run();
        } else {
            d.db.exec("UPDATE messages SET read = 1");
        }
    });
}

std::vector<OutboxEntry> Client::outbox() {
    auto& d = *impl_;
    auto st = d.db.prepare(
        "SELECT o.id, r.name, m.provision, o.state, o.reason, o.created_at, o.sent_at FROM "
        "outbox o JOIN rooms r ON r.id = o.room_id LEFT JOIN messages m ON m.id = o.message_row "
        "ORDER BY o.id");
    std::vector<OutboxEntry> out;
    while (st.step()) {
        OutboxEntry e;
        e.id = st.int64(0);
        e.room = st.text(1);
        e.provision = st.is_null(2) ? "" : st.text(2);
        e.state = st.text(3);
        e.reason = st.text(4);
        e.created_at = st.int64(5);
        e.sent_at = st.is_null(6) ? 0 : st.int64(6);
        out.push_back(std::move(e));
    }
    return out;
}

SafetyNumberResult Client::safety_number(const std::string& address) {
    auto& d = *impl_;
    const auto& me = d.require_self();
    split_address(address);
    pki::SafetyParty mine{me.address(), {d.device_public}}, theirs{address, {}};
    theirs.device_keys = d.contact_keys(address);
    if (theirs.device_keys.empty()) {
        throw Error(Errc::not_found, "no verified device of " + address +
                                         " is known here yet: share a room with them first");
    }
    auto sn = pki::safety_number(mine, theirs);
    SafetyNumberResult r;
    r.groups = sn.groups;
    r.digits = sn.digits();
    r.qr_payload = "LAGRUM-SN:" +
                   std::string(me.address() < address ? me.address() + "," + address
                                                      : address + "," + me.address()) +
                   ":" + r.digits;
    auto v = d.verification_of(address);
    r.verified = v.verified;
    r.verification_lost = v.verification_lost;
    return r;
}

}  // namespace lagrum::core::messaging
