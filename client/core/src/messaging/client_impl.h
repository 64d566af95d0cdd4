// Client::Impl, shared by the messaging source files (profile.cpp, rooms.cpp,
// send.cpp, sync.cpp). Not a public header.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lagrum/cert/cert.h"
#include "lagrum/core/messaging/client.h"
#include "lagrum/core/store/database.h"
#include "lagrum/crypto/secret.h"
#include "lagrum/mls/group.h"
#include "relay.pb.h"

namespace lagrum::core::messaging {

// Lagrum's GroupContext extension (private-use range, RFC 9420 §17.3) carrying the
// room's shared name as UTF-8; every Lagrum client lists it in its capabilities.
inline constexpr std::uint16_t kRoomNameExtension = 0xF1A0;
inline constexpr std::size_t kMaxRoomName = 128;
inline constexpr std::string_view kDirectPrefix = "direct:";

mls::Capabilities lagrum_capabilities();

// The rows of `rooms` we work with.
struct RoomRow {
    std::int64_t id = 0;
    std::string name;
    Bytes group_id;
    bool direct = false;
    bool active = true;
    std::uint64_t epoch = 0;
    std::optional<std::uint64_t> forked_epoch;  // set once a fork was seen
    std::string fork_reason;
};

// A verified leaf of a group's tree.
struct LeafMember {
    mls::LeafIndex leaf;
    std::optional<pki::Member> member;  // nullopt: the credential no longer verifies
    std::string why;                    // why not, when nullopt
    Bytes signature_key;
};

// A device about to be added: its KeyPackage and verified certificate.
struct NewDevice {
    mls::KeyPackage key_package;
    Bytes device;
    pki::Member member;
};

struct Client::Impl {
    std::filesystem::path dir;
    store::Database db;
    const legal::Catalog& catalog;
    crypto::SecretBytes device_seed;
    Bytes device_public;
    cert::TrustStore trust;
    std::optional<cert::v1::MemberCertificate> certificate;
    std::optional<pki::Member> self;
    std::string self_invalid;  // why our own certificate does not verify now, if it does not
    std::string relay_address;
    std::string relay_ca;
    crypto::SecretBytes pseudonym_key;
    std::function<std::int64_t()> clock;
    TransportFactory factory;
    std::unique_ptr<RelayTransport> transport;
    bool registered = false;

    Impl(std::filesystem::path d, store::Database database, const legal::Catalog& cat)
        : dir(std::move(d)), db(std::move(database)), catalog(cat) {}

    std::int64_t now() const { return clock(); }
    legal::Date today() const;

    // ---- profile.cpp
    void load();
    std::optional<Bytes> meta(const std::string& key);
    // The same for a value that is a secret (the device seed, the pseudonym key).
    std::optional<crypto::SecretBytes> secret_meta(const std::string& key);
    void set_meta(const std::string& key, ByteView value);
    std::int64_t cursor();
    void set_cursor(std::int64_t seq);
    mls::GroupConfig group_config() const;
    const pki::Member& require_self() const;
    // Connects and registers if needed; false when the relay is unreachable.
    bool connect();
    // Runs `fn` against the registered transport, registering again once if the
    // session expired. Throws relay_unavailable when offline.
    template <class F>
    auto with_relay(F&& fn) -> decltype(fn(*transport));
    void publish_key_packages(std::size_t want);
    // Tops up this device's one-time KeyPackages on the relay during a long-lived session
    // (the app, the daemon): after a sync that joined a room by Welcome, and otherwise at
    // most once per kKeyPackageCheckSeconds. A relay (or others fetching) that drains
    // them would otherwise leave only the last-resort package to hand out until restart.
    void replenish_key_packages(const SyncReport& report);
    std::int64_t key_packages_checked_at = 0;
    // What every sync does after taking the deliveries (sync() and the daemon alike):
    // finish verified handovers, send the outbox, top up KeyPackages. Needs the relay,
    // and runs outside the delivery transactions.
    void after_receive(SyncReport& report);
    // Records the problem in the profile and lists it in `report`; counts it among the
    // report's errors unless `is_error` is false (a duplicate is recorded, not an error).
    void record_sync_error(SyncReport& report, std::uint64_t seq, const std::string& kind,
                           const std::string& why, bool is_error = true);

    // ---- rooms.cpp
    std::optional<RoomRow> find_room_by_name(const std::string& name);
    std::optional<RoomRow> find_room_by_group(ByteView group_id);
    RoomRow require_room(const std::string& name);
    mls::Group load_group(std::int64_t room_id);
    void save_group(std::int64_t room_id, const mls::Group& group);
    std::vector<LeafMember> leaf_members(const mls::Group& group);
    void remember_contacts(const std::vector<LeafMember>& members);
    Room describe(const RoomRow& row);
    // ---- verification.cpp
    // The contact's device keys as stored (sorted), and its verification mark now.
    std::vector<Bytes> contact_keys(const std::string& address);
    ContactVerification verification_of(const std::string& address);
    RoomRow create_room_row(const std::string& name, bool direct,
                            const std::vector<std::string>& members,
                            const std::vector<NewDevice>* prefetched = nullptr);
    // Every registered device of each address, with a verified KeyPackage (consumed on
    // the relay) whose certificate is that member's.
    std::vector<NewDevice> fetch_devices(const std::vector<std::string>& addresses);
    // `prefetched`: devices already fetched for `add` (a direct conversation's first send).
    void change_members(const RoomRow& row, const std::vector<std::string>& add,
                        const std::vector<std::string>& remove,
                        const std::vector<NewDevice>* prefetched = nullptr);
    // Builds a commit with `build`, sends it, retries after a lost race (re-syncing).
    void commit_with_retry(const RoomRow& row,
                           const std::function<std::optional<mls::Group::CommitOutput>(
                               mls::Group&, relay::v1::SendCommitRequest&)>& build);
    // A pending commit of `room_id` is known accepted: adopt its state.
    void adopt_pending(std::int64_t room_id);
    void drop_pending(std::int64_t room_id);
    // After receiving: each pending Commit not held is resent (same envelope id) and
    // adopted, or dropped when it lost. One of a room found forked is held instead, with
    // fork_block_reason (counted in report.held and listed as "held_commit").
    void resolve_pending_commits(SyncReport& report);
    std::string direct_room_name(const std::string& peer) const;

    // ---- send.cpp
    void flush_outbox(SyncReport& report);
    // A room found forked (rooms.forked_epoch) takes nothing more: no message, no outbox
    // entry, no Commit goes into either branch. fork_block_reason is the one line that
    // says so and what to do (empty when the room is not forked); refuse_if_forked
    // throws it as Errc::conflict. Both read the room afresh: a sync may just have
    // marked it.
    std::string fork_block_reason(std::int64_t room_id);
    void refuse_if_forked(std::int64_t room_id);

    // ---- meetings/meeting.cpp: a verified MeetingEvent from `sender` in `room`
    // (inside the delivery's transaction).
    void process_meeting(const RoomRow& room, const content::v1::Content& content,
                         const pki::Member& sender, ByteView sender_key, SyncReport& report);
    // Queues a MeetingEvent for the room in the outbox (inside the caller's transaction).
    void queue_meeting_event(const RoomRow& row, const lagrum::meeting::v1::MeetingEvent& event);
    // A stored share (outgoing in send, incoming in sync, same transaction) naming an
    // agenda item: remembered for the minutes when the room is an open meeting.
    void note_meeting_share(std::int64_t room_id, std::int64_t message_row,
                            const content::v1::Content& content, const std::string& by,
                            const std::string& by_name, const std::string& by_authority);
    std::function<void(lagrum::meeting::v1::MeetingEvent&)> meeting_tamper_for_testing;
    // ---- handover/handover.cpp: a verified HandoverBundle or HandoverReceipt.
    void process_handover(const RoomRow& room, const content::v1::Content& content,
                          const pki::Member& sender, ByteView sender_key, SyncReport& report);
    // After receiving (outside any transaction, needs the relay): each verified handover
    // not yet finished removes the predecessor from the case's rooms and sends the receipt.
    void finish_handovers(SyncReport& report);
    // Encrypts `content` (group id and epoch set here) in `row`'s group and hands it to
    // the relay now: control traffic that is not a disclosure, so no outbox re-check.
    void send_control(const RoomRow& row, content::v1::Content& content);

    // ---- records/disclosure_log.cpp
    // One event for the disclosure log; position, hashes, time and actor are added.
    struct LogEvent {
        std::string kind;
        Bytes subject;  // 16-byte pseudonym, or empty
        std::string room;
        std::vector<std::string> recipients;
        std::string counterpart;
        std::string provision;
        std::string citation;
        std::vector<std::string> categories;
        Bytes content_hash;        // or empty
        std::string details_json;  // a JSON object; empty: {}
    };
    // Appends one signed entry. Runs inside the caller's transaction when there is one
    // (so the event and what it records commit together), else in its own.
    void log_append(const LogEvent& event);
    // The "sent" entry of an outbox entry that reached the relay (same transaction).
    void log_sent(std::int64_t outbox_id);
    // The "received" entry of a stored incoming message (same transaction).
    void log_received(const std::string& room, const content::v1::Content& content, bool content_ok,
                      const std::string& sender, const std::string& flags,
                      const std::string& flag_reasons);
    // The 16-byte keyed pseudonym of a personnummer (bad_input when malformed).
    Bytes pseudonym_of(const std::string& personnummer);

    // ---- records/consent.cpp
    // The check-format.md §2.6 consent object the register gives for a disclosure about
    // `subject` (pseudonym) to these recipient authorities, and the consent it rests on
    // (0: none in the register). corrupt_store when a consent's signature fails.
    struct RegisterConsent {
        std::string json;
        std::int64_t id = 0;
    };
    RegisterConsent register_consent(ByteView subject, const std::vector<std::string>& authorities);
    // A disclosure whose legal basis is consent (the provision's rules or a recorded consent).
    bool uses_consent(const content::v1::Content& content) const;
    // After a withdrawal or a case close (inside its transaction): every unsent outbox
    // entry about `subject` that rests on consent is checked again with the register as
    // it is now, and held with the reason when it no longer passes.
    void recheck_consent_outbox(ByteView subject, records::ConsentChange& change);
    // Remembers which consent an outbox entry was checked against (send, same transaction).
    void note_outbox_consent(std::int64_t message_row, std::int64_t consent_id);

    // ---- sync.cpp
    void receive(std::chrono::milliseconds wait, SyncReport& report,
                 const std::function<bool()>& stop = {});
    void process_delivery(const RelayDelivery& d, SyncReport& report);
    // Its body: throws for a delivery that cannot be processed; `label_lie` says how the
    // relay's labels differed from the message, when they did.
    void process_delivery_body(const RelayDelivery& d, SyncReport& report, std::string& label_lie);
    // Fork detection (docs/security.md (5)). Called for every Commit this device applies
    // (received, or its own adopted): remembers its hash for `epoch` (the epoch it was
    // sent in) and keeps `prior_state` (the group in `epoch`) for the newest one only.
    void note_applied_commit(std::int64_t room_id, std::uint64_t epoch, ByteView commit,
                             ByteView prior_state);
    // A Commit for `epoch`, an epoch this device has left. The same Commit it applied is
    // an honest duplicate (nothing happens). A different one that verifies against the
    // group as it was in that epoch proves equivocation: the room is marked forked
    // (returns true). One that does not verify, or that can no longer be checked, throws.
    bool check_old_commit(const RoomRow& row, std::uint64_t epoch, ByteView commit);
};

template <class F>
auto Client::Impl::with_relay(F&& fn) -> decltype(fn(*transport)) {
    if (!connect()) {
        throw Error(Errc::relay_unavailable, "the relay " + relay_address + " is unreachable");
    }
    try {
        return fn(*transport);
    } catch (const SessionExpired&) {
        registered = false;
        if (!connect()) {
            throw Error(Errc::relay_unavailable, "the relay " + relay_address + " is unreachable");
        }
        return fn(*transport);
    }
}

// Small helpers.
std::string to_str(ByteView b);
ByteView view_of(const std::string& s);
std::string authority_of(cert::v1::AuthorityType t);
// "ORG/MEMBER" → {org, member}; bad_input otherwise.
std::pair<std::string, std::string> split_address(const std::string& address);

// The legal check of a message as recorded in its Content, against `recipients`
// (verified addresses + authorities) and the sender's verified authority: what the
// receiver re-validates and what the outbox re-checks when membership changed.
struct Recheck {
    bool input_ok = false;
    std::string input_error;
    legal::Verdict verdict;
};
Recheck recheck_content(const legal::Catalog& catalog, const content::v1::Content& content,
                        const std::string& sender_authority,
                        const std::vector<legal::RecipientRef>& recipients);

}  // namespace lagrum::core::messaging
