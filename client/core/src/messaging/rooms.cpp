// Rooms over MLS groups: create, add and remove members, the commit race, and what the
// app shows about a room.
#include <algorithm>
#include <set>

#include "client_impl.h"
#include "lagrum/crypto/hash.h"
#include "lagrum/crypto/random.h"
#include "lagrum/mls/codec.h"
#include "lagrum/mls/error.h"
#include "lagrum/mls/framing.h"
#include "mls_bridge.h"

namespace lagrum::core::messaging {

namespace {

constexpr int kCommitAttempts = 5;

RoomRow row_from(store::Statement& st) {
    RoomRow r;
    r.id = st.int64(0);
    r.name = st.text(1);
    r.group_id = st.blob(2);
    r.direct = st.int64(3) != 0;
    r.active = st.int64(4) != 0;
    r.epoch = static_cast<std::uint64_t>(st.int64(5));
    if (!st.is_null(6)) r.forked_epoch = static_cast<std::uint64_t>(st.int64(6));
    r.fork_reason = st.text(7);
    return r;
}

constexpr const char* kRoomColumns =
    "SELECT id, name, group_id, direct, active, epoch, forked_epoch, fork_reason FROM rooms ";

// RFC 9420 §8.7's epoch_authenticator, hashed (with a label of ours) and cut to 5 groups
// of 4 hex digits: short enough to read aloud, and it reveals nothing of the epoch's keys.
std::string epoch_code(const mls::Group& g) {
    static constexpr std::string_view label = "lagrum-epoch-code/1";
    Bytes in(label.begin(), label.end());
    const Bytes auth = g.epoch_authenticator();
    in.insert(in.end(), auth.begin(), auth.end());
    const std::string hex = crypto::to_hex(crypto::sha256(in)).substr(0, 20);
    std::string out;
    for (std::size_t i = 0; i < hex.size(); i += 4)
        out += (out.empty() ? "" : " ") + hex.substr(i, 4);
    return out;
}

void check_room_name(const std::string& name) {
    if (name.empty() || name.size() > kMaxRoomName) {
        throw Error(Errc::bad_input, "a room name is 1 to 128 bytes");
    }
    for (unsigned char c : name) {
        if (c < 0x20 || c == 0x7f)
            throw Error(Errc::bad_input, "a room name has no control characters");
    }
    if (name.rfind(kDirectPrefix, 0) == 0) {
        throw Error(Errc::bad_input,
                    "room names starting with \"direct:\" are for direct conversations");
    }
}

// The stored (protobuf) form of a pending Commit, as the transport takes it.
CommitRequest commit_request(const relay::v1::SendCommitRequest& req) {
    auto bytes = [](const std::string& s) { return Bytes(s.begin(), s.end()); };
    CommitRequest cr;
    cr.group_id = bytes(req.group_id());
    cr.envelope_id = bytes(req.envelope_id());
    cr.commit = bytes(req.commit());
    cr.welcome = bytes(req.welcome());
    for (const auto& d : req.added_device_ids()) cr.added_device_ids.push_back(bytes(d));
    for (const auto& d : req.removed_device_ids()) cr.removed_device_ids.push_back(bytes(d));
    for (const auto& d : req.welcome_device_ids()) cr.welcome_device_ids.push_back(bytes(d));
    return cr;
}

}  // namespace

std::optional<RoomRow> Client::Impl::find_room_by_name(const std::string& name) {
    auto st = db.prepare(std::string(kRoomColumns) + "WHERE name = ?");
    st.bind(1, name);
    if (!st.step()) return std::nullopt;
    return row_from(st);
}

std::optional<RoomRow> Client::Impl::find_room_by_group(ByteView group_id) {
    auto st = db.prepare(std::string(kRoomColumns) + "WHERE group_id = ?");
    st.bind(1, group_id);
    if (!st.step()) return std::nullopt;
    return row_from(st);
}

RoomRow Client::Impl::require_room(const std::string& name) {
    auto r = find_room_by_name(name);
    if (!r) throw Error(Errc::not_found, "no room named \"" + name + "\" (lagrum room list)");
    return *r;
}

mls::Group Client::Impl::load_group(std::int64_t room_id) {
    auto st = db.prepare("SELECT state FROM rooms WHERE id = ?");
    st.bind(1, room_id);
    if (!st.step()) throw Error(Errc::internal, "room vanished");
    const crypto::SecretBytes state = st.secret_blob(0);
    try {
        return mls::Group::restore(state, group_config());
    } catch (const mls::MlsError& e) {
        throw from_mls(Errc::corrupt_store, "a room's group state is damaged", e);
    }
}

void Client::Impl::save_group(std::int64_t room_id, const mls::Group& group) {
    const crypto::SecretBytes state = group.serialize();
    db.prepare("UPDATE rooms SET state = ?, epoch = ?, active = ? WHERE id = ?")
        .bind(1, state.view())
        .bind(2, static_cast<std::int64_t>(group.epoch()))
        .bind(3, group.active() ? 1 : 0)
        .bind(4, room_id)
        .run();
}

std::vector<LeafMember> Client::Impl::leaf_members(const mls::Group& group) {
    std::vector<LeafMember> out;
    for (auto idx : group.tree().members()) {
        const mls::LeafNode* leaf = group.tree().leaf(idx);
        if (leaf == nullptr) continue;
        LeafMember m;
        m.leaf = idx;
        m.signature_key = leaf->signature_key;
        m.member = pki::verify_member(trust, leaf->credential, leaf->signature_key, now(), &m.why);
        out.push_back(std::move(m));
    }
    return out;
}

void Client::Impl::remember_contacts(const std::vector<LeafMember>& members) {
    for (const auto& m : members) {
        if (!m.member) continue;
        db.prepare(
              "INSERT OR REPLACE INTO contacts(device_key, address, certificate, updated_at) "
              "VALUES (?, ?, ?, ?)")
            .bind(1, m.signature_key)
            .bind(2, m.member->address())
            .bind(3, view_of(m.member->certificate.SerializeAsString()))
            .bind(4, now())
            .run();
    }
}

Room Client::Impl::describe(const RoomRow& row) {
    Room r;
    r.name = row.name;
    r.direct = row.direct;
    r.active = row.active;
    r.group_id = row.group_id;
    r.epoch = row.epoch;
    r.forked = row.forked_epoch.has_value();
    r.forked_epoch = row.forked_epoch.value_or(0);
    r.fork_reason = row.fork_reason;
    auto g = load_group(row.id);
    r.epoch_code = epoch_code(g);
    std::map<std::string, RoomMember> by_address;
    std::vector<std::string> order;
    for (const auto& lm : leaf_members(g)) {
        std::string address = lm.member ? lm.member->address() : "(unverified)";
        auto [it, fresh] = by_address.try_emplace(address);
        if (fresh) order.push_back(address);
        auto& rm = it->second;
        rm.address = address;
        if (lm.member) {
            rm.display_name = lm.member->display_name;
            rm.role = lm.member->role;
            rm.authority = authority_of(lm.member->authority);
        }
        rm.device_keys.push_back(lm.signature_key);
        if (lm.leaf == g.own_leaf()) rm.self = true;
    }
    std::sort(order.begin(), order.end());
    for (const auto& a : order) {
        auto& rm = by_address[a];
        if (!rm.self) {
            auto v = verification_of(a);
            rm.verified = v.verified;
            rm.verification_lost = v.verification_lost;
        }
        r.members.push_back(rm);
    }
    {
        auto st = db.prepare(
            "SELECT COUNT(*) FROM messages WHERE room_id = ? AND outgoing = 0 AND read = 0");
        st.bind(1, row.id);
        if (st.step()) r.unread = st.int64(0);
    }
    {
        auto st = db.prepare(
            "SELECT COUNT(*) FROM outbox WHERE room_id = ? AND state IN ('queued','encrypted')");
        st.bind(1, row.id);
        if (st.step()) r.queued = st.int64(0);
    }
    return r;
}

std::string Client::Impl::direct_room_name(const std::string& peer) const {
    std::string a = require_self().address(), b = peer;
    if (b < a) std::swap(a, b);
    return std::string(kDirectPrefix) + a + "," + b;
}

RoomRow Client::Impl::create_room_row(const std::string& name, bool direct,
                                      const std::vector<std::string>& members,
                                      const std::vector<NewDevice>* prefetched) {
    const auto& me = require_self();
    if (find_room_by_name(name)) {
        throw Error(Errc::conflict, "a room named \"" + name + "\" already exists here");
    }
    for (const auto& m : members) split_address(m);
    const Bytes group_id = crypto::random_bytes(16);
    mls::ExtensionList ext;
    ext.push_back(mls::Extension{kRoomNameExtension, Bytes(name.begin(), name.end())});
    auto group = mls::Group::create(group_id, pki::credential_for(me.certificate),
                                    device_seed.view(), group_config(), ext, lagrum_capabilities());
    with_relay([&](RelayTransport& t) {
        t.create_group(group_id);
        return 0;
    });
    RoomRow row;
    db.transaction([&] {
        const crypto::SecretBytes state = group.serialize();
        db.prepare(
              "INSERT INTO rooms(name, group_id, direct, active, epoch, state, created_at) "
              "VALUES (?, ?, ?, 1, 0, ?, ?)")
            .bind(1, name)
            .bind(2, group_id)
            .bind(3, direct ? 1 : 0)
            .bind(4, state.view())
            .bind(5, now())
            .run();
        row = *find_room_by_group(group_id);
    });
    if (!members.empty()) change_members(row, members, {}, prefetched);
    return *find_room_by_group(group_id);
}

std::vector<NewDevice> Client::Impl::fetch_devices(const std::vector<std::string>& addresses) {
    // Each KeyPackage is one-time on the relay: fetched once, and a retried commit reuses it.
    std::vector<NewDevice> fresh;
    const auto policy = group_config().credential_policy;
    for (const auto& address : addresses) {
        // Plain variables, not a structured binding: clang 14 cannot capture those.
        const auto parts = split_address(address);
        const std::string org = parts.first, member = parts.second;
        auto devices = with_relay([&](RelayTransport& t) { return t.list_devices(org, member); });
        if (devices.empty()) {
            throw Error(Errc::not_found, address +
                                             " has no registered device on the relay (never "
                                             "registered, or its certificate was revoked)");
        }
        for (const auto& device : devices) {
            auto fetched =
                with_relay([&](RelayTransport& t) { return t.fetch_key_package(device); });
            mls::KeyPackage kp;
            try {
                mls::Reader r(fetched.key_package);
                auto msg = mls::MlsMessage::decode(r);
                r.finish();
                auto* p = std::get_if<mls::KeyPackage>(&msg.body);
                if (p == nullptr) throw mls::MlsError(mls::MlsErrc::decode, "not a KeyPackage");
                kp = *p;
                mls::KeyPackageCheck check;
                check.now = static_cast<std::uint64_t>(now());
                check.policy = &policy;
                mls::validate_key_package(kp, check);
            } catch (const mls::MlsError& e) {
                throw Error(Errc::certificate_invalid,
                            "the KeyPackage of " + address + " is not acceptable (" +
                                mls::mls_errc_name(e.code()) +
                                "): a revoked, expired or unknown certificate cannot join");
            }
            // The relay chose the device list and the package: both must be what we
            // asked for (this device, and a certificate of this member).
            std::string why;
            auto verified = pki::verify_member(trust, kp.leaf_node.credential,
                                               kp.leaf_node.signature_key, now(), &why);
            if (!crypto::ct_equal(kp.leaf_node.signature_key, device) || !verified ||
                verified->address() != address) {
                throw Error(
                    Errc::certificate_invalid,
                    "the relay returned a KeyPackage of another device or member for " + address);
            }
            fresh.push_back({std::move(kp), device, std::move(*verified)});
        }
    }
    return fresh;
}

void Client::Impl::change_members(const RoomRow& row, const std::vector<std::string>& add,
                                  const std::vector<std::string>& remove,
                                  const std::vector<NewDevice>* prefetched) {
    const auto& me = require_self();
    if (!row.active)
        throw Error(Errc::conflict, "we are no longer a member of \"" + row.name + "\"");
    refuse_if_forked(row.id);  // before any KeyPackage is fetched
    std::set<std::string> add_set, remove_set;
    for (const auto& a : add) {
        split_address(a);
        if (a == me.address()) throw Error(Errc::bad_input, "you are already in the room");
        add_set.insert(a);
    }
    for (const auto& a : remove) {
        split_address(a);
        if (a == me.address()) throw Error(Errc::bad_input, "you cannot remove yourself here");
        remove_set.insert(a);
    }
    std::vector<NewDevice> fresh;
    if (prefetched != nullptr) {
        fresh = *prefetched;
    } else if (!add_set.empty()) {
        auto current = load_group(row.id);
        for (const auto& lm : leaf_members(current)) {
            if (lm.member && add_set.count(lm.member->address()) != 0) {
                throw Error(Errc::conflict,
                            lm.member->address() + " is already a member of \"" + row.name + "\"");
            }
        }
        fresh = fetch_devices(std::vector<std::string>(add_set.begin(), add_set.end()));
    }
    bool first_attempt = true;
    commit_with_retry(
        row,
        [&](mls::Group& g,
            relay::v1::SendCommitRequest& req) -> std::optional<mls::Group::CommitOutput> {
            // Built from the group as it is now: after a lost race another member may already
            // have made (part of) the same change, which is then not made twice.
            const auto members = leaf_members(g);
            std::set<Bytes> present_devices;
            for (const auto& lm : members) present_devices.insert(lm.signature_key);
            mls::Group::CommitOptions opts;
            opts.include_cached_proposals = false;
            for (const auto& nd : fresh) {
                if (present_devices.count(nd.device) != 0) continue;
                opts.by_value.push_back(mls::Proposal{mls::Add{nd.key_package}});
                req.add_added_device_ids(to_str(nd.device));
                req.add_welcome_device_ids(to_str(nd.device));
            }
            if (!remove_set.empty()) {
                std::set<std::string> found;
                for (const auto& lm : members) {
                    if (!lm.member || remove_set.count(lm.member->address()) == 0) continue;
                    found.insert(lm.member->address());
                    opts.by_value.push_back(mls::Proposal{mls::Remove{lm.leaf}});
                    req.add_removed_device_ids(to_str(lm.signature_key));
                }
                for (const auto& a : remove_set) {
                    if (found.count(a) == 0 && first_attempt) {
                        throw Error(Errc::not_found,
                                    a + " is not a member of \"" + row.name + "\"");
                    }
                }
            }
            first_attempt = false;
            if (opts.by_value.empty()) return std::nullopt;  // nothing left to change
            opts.force_path = true;
            return g.commit(opts);
        });
}

void Client::Impl::commit_with_retry(const RoomRow& row,
                                     const std::function<std::optional<mls::Group::CommitOutput>(
                                         mls::Group&, relay::v1::SendCommitRequest&)>& build) {
    for (int attempt = 0; attempt < kCommitAttempts; ++attempt) {
        // Every Commit (members added or removed, a handover) and every retry: the sync
        // after a lost race may just have found the room forked.
        refuse_if_forked(row.id);
        relay::v1::SendCommitRequest req;
        std::uint64_t new_epoch = 0;
        bool nothing_to_do = false;
        db.transaction([&] {
            auto g = load_group(row.id);
            req.set_group_id(to_str(row.group_id));
            req.set_envelope_id(to_str(crypto::random_bytes(16)));
            std::optional<mls::Group::CommitOutput> built;
            try {
                built = build(g, req);
            } catch (const mls::MlsError& e) {
                throw from_mls(Errc::conflict, "the change is not possible", e);
            }
            if (!built) {
                nothing_to_do = true;
                return;
            }
            auto& out = *built;
            req.set_commit(to_str(out.commit));
            if (out.welcome) req.set_welcome(to_str(*out.welcome));
            g.merge_pending_commit();
            new_epoch = g.epoch();
            const crypto::SecretBytes state = g.serialize();
            db.prepare(
                  "INSERT OR REPLACE INTO pending_commits(room_id, epoch, request, state) "
                  "VALUES (?, ?, ?, ?)")
                .bind(1, row.id)
                .bind(2, static_cast<std::int64_t>(new_epoch))
                .bind(3, view_of(req.SerializeAsString()))
                .bind(4, state.view())
                .run();
        });
        if (nothing_to_do) return;
        const CommitRequest cr = commit_request(req);
        try {
            with_relay([&](RelayTransport& t) { return t.send_commit(cr); });
        } catch (const EpochMismatch&) {
            // Lost the race: another member's Commit took the epoch. Take theirs, rebuild.
            db.transaction([&] { drop_pending(row.id); });
            SyncReport ignored;
            receive(std::chrono::milliseconds(0), ignored);
            continue;
        } catch (...) {
            // Unknown outcome (e.g. the relay went away mid-call): the pending commit
            // stays and is resolved at the next sync (resent with the same envelope id).
            throw;
        }
        db.transaction([&] { adopt_pending(row.id); });
        return;
    }
    throw Error(Errc::relay_rejected, "the room kept changing under us; try again");
}

void Client::Impl::adopt_pending(std::int64_t room_id) {
    auto st = db.prepare("SELECT epoch, state, request FROM pending_commits WHERE room_id = ?");
    st.bind(1, room_id);
    if (!st.step()) return;  // already adopted (by the receive path)
    const auto epoch = st.int64(0);
    const crypto::SecretBytes state = st.secret_blob(1);
    {
        // Our own Commit is the one we applied in the epoch before: remember it, with the
        // state it left (still in rooms), so a different one for that epoch is a fork.
        relay::v1::SendCommitRequest req;
        auto prior = db.prepare("SELECT state FROM rooms WHERE id = ?");
        prior.bind(1, room_id);
        if (req.ParseFromString(to_str(st.blob(2))) && epoch > 0 && prior.step()) {
            const crypto::SecretBytes prior_state = prior.secret_blob(0);
            note_applied_commit(room_id, static_cast<std::uint64_t>(epoch - 1),
                                view_of(req.commit()), prior_state);
        }
    }
    db.prepare("UPDATE rooms SET state = ?, epoch = ? WHERE id = ?")
        .bind(1, state)
        .bind(2, epoch)
        .bind(3, room_id)
        .run();
    drop_pending(room_id);
    auto g = load_group(room_id);
    remember_contacts(leaf_members(g));
}

void Client::Impl::drop_pending(std::int64_t room_id) {
    db.prepare("DELETE FROM pending_commits WHERE room_id = ?").bind(1, room_id).run();
}

void Client::Impl::resolve_pending_commits(SyncReport& report) {
    std::vector<std::pair<std::int64_t, std::string>> pending;
    {
        auto st =
            db.prepare("SELECT room_id, request FROM pending_commits WHERE held_reason IS NULL");
        while (st.step()) pending.emplace_back(st.int64(0), to_str(st.blob(1)));
    }
    for (const auto& [room_id, blob] : pending) {
        // A room found forked since the Commit was made: it goes into neither branch. It
        // is held (like an outbox entry), with the same reason, and the room keeps the
        // state it had; a held Commit is neither resent nor adopted later.
        if (const auto why = fork_block_reason(room_id); !why.empty()) {
            db.transaction([&, id = room_id] {
                db.prepare(
                      "UPDATE pending_commits SET held_reason = ? WHERE room_id = ? AND "
                      "held_reason IS NULL")
                    .bind(1, why)
                    .bind(2, id)
                    .run();
                if (db.changes() == 0) return;  // another process held or resolved it
                ++report.held;
                record_sync_error(report, 0, "held_commit", "a Commit not sent: " + why, false);
            });
            continue;
        }
        relay::v1::SendCommitRequest req;
        if (!req.ParseFromString(blob)) {
            db.transaction([&, id = room_id] { drop_pending(id); });
            continue;
        }
        const CommitRequest cr = commit_request(req);
        try {
            transport->send_commit(cr);  // idempotent by envelope id
            db.transaction([&, id = room_id] { adopt_pending(id); });
        } catch (const EpochMismatch&) {
            db.transaction([&, id = room_id] { drop_pending(id); });
        }
    }
}

// ---- public API -------------------------------------------------------------------------

Room Client::create_room(const std::string& name, const std::vector<std::string>& members) {
    check_room_name(name);
    auto row = impl_->create_room_row(name, false, members);
    return impl_->describe(row);
}

Room Client::add_members(const std::string& name, const std::vector<std::string>& members) {
    if (members.empty()) throw Error(Errc::bad_input, "name at least one member to add");
    SyncReport ignored;
    impl_->receive(std::chrono::milliseconds(0), ignored);
    auto row = impl_->require_room(name);
    impl_->change_members(row, members, {});
    return impl_->describe(impl_->require_room(name));
}

Room Client::remove_members(const std::string& name, const std::vector<std::string>& members) {
    if (members.empty()) throw Error(Errc::bad_input, "name at least one member to remove");
    SyncReport ignored;
    impl_->receive(std::chrono::milliseconds(0), ignored);
    auto row = impl_->require_room(name);
    impl_->change_members(row, {}, members);
    return impl_->describe(impl_->require_room(name));
}

std::vector<Room> Client::rooms() {
    std::vector<RoomRow> rows;
    {
        auto st = impl_->db.prepare(std::string(kRoomColumns) + "ORDER BY name");
        while (st.step()) rows.push_back(row_from(st));
    }
    std::vector<Room> out;
    for (const auto& r : rows) out.push_back(impl_->describe(r));
    return out;
}

Room Client::room(const std::string& name) {
    return impl_->describe(impl_->require_room(name));
}

}  // namespace lagrum::core::messaging
