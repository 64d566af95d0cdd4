// The messenger: one device's profile, its rooms and messages, and delivery through the
// relay (DESIGN.md, "Sending a message", "Client store"). This is the API the CLI and the
// desktop app sit on; it has no Qt and no gRPC (the relay is a RelayTransport).
//
// Profile folder:
//   PROFILE/key        the wrapped database key (store/profile_key.h)
//   PROFILE/store.db   the SQLCipher store: device key, certificate, trust anchors,
//                      revocation lists, KeyPackage private keys, MLS group state, rooms,
//                      contacts, messages, outbox, relay cursor
//
// Durability: every state change is one transaction. A received delivery is stored and
// its MLS state advanced in one transaction, together with the relay cursor, before the
// relay is told (Ack); an outgoing message is checked, queued and (later) encrypted with
// the group state saved in one transaction before it leaves, so a crash can neither lose
// an acknowledged message nor reuse a ratchet key nor fork group state.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cert.pb.h"
#include "content.pb.h"
#include "lagrum/core/error.h"
#include "lagrum/core/handover/handover.h"
#include "lagrum/core/legal/catalog.h"
#include "lagrum/core/legal/check.h"
#include "lagrum/core/meetings/meeting.h"
#include "lagrum/core/pki/credential_policy.h"
#include "lagrum/core/records/consent.h"
#include "lagrum/core/records/disclosure_log.h"
#include "lagrum/core/relay_transport.h"
#include "lagrum/crypto/argon2.h"

namespace lagrum::core::messaging {

using crypto::Bytes;
using crypto::ByteView;

struct InitOptions {
    std::string relay;     // "unix:PATH" or "host:port" (TLS)
    std::string relay_ca;  // PEM file contents for host:port; empty: system roots
    std::vector<cert::v1::OrganisationRoot> trust;  // at least one
    crypto::Argon2Params kdf;
    std::size_t key_packages = 20;  // one-time KeyPackages made at init
};

struct RoomMember {
    std::string address;  // ORG/MEMBER
    std::string display_name;
    std::string role;
    std::string authority;  // check-format.md §2.1 name
    std::vector<Bytes> device_keys;
    bool self = false;
    // Verified in person (Client::mark_verified) for the device keys known now; when the
    // keys changed since the mark, verified is false and verification_lost true.
    bool verified = false;
    bool verification_lost = false;
};

struct Room {
    std::string name;
    bool direct = false;
    bool active = true;  // false after we were removed
    Bytes group_id;
    std::uint64_t epoch = 0;
    std::vector<RoomMember> members;
    std::int64_t unread = 0;
    std::int64_t queued = 0;  // outbox entries not yet sent
    // The relay showed this device two different, genuine Commits for one epoch
    // (equivocation, docs/security.md (5)): the room has split into branches whose
    // members cannot read each other. Stored: stays set across restarts. This device
    // keeps its own branch (what it applied first); see docs/security.md for recovery.
    bool forked = false;
    std::uint64_t forked_epoch = 0;  // the epoch with two Commits
    std::string fork_reason;         // English, for people
    // The current epoch's authenticator (RFC 9420 §8.7) as 5 groups of 4 hex digits:
    // members who see the same code at the same epoch share one view of the room; a
    // different code at the same epoch means a fork (compare on the safety-number screen).
    std::string epoch_code;
};

struct SendRequest {
    std::optional<std::string> room;  // --room NAME
    std::optional<std::string> to;    // --to ORG/MEMBER
    std::string subject;              // personnummer / samordningsnummer
    std::string provision;
    std::string facts_json;    // check-format.md §2.5 object; empty: {}
    std::string consent_json;  // §2.6 object; empty: none
    std::vector<std::string> categories;
    std::string text;
    std::optional<content::v1::Attachment> attachment;
    // A share within a meeting's agenda item (Disclosure.agenda_item); set by
    // Client::meeting_share, never by plain `send`.
    std::optional<std::uint32_t> agenda_item;
    // Test hook (a "modified sender"): alters the content after the check, before
    // encryption. Never set outside tests; the CLI has no way to set it.
    std::function<void(content::v1::Content&)> tamper_for_testing;
};

struct SendResult {
    legal::Verdict verdict;
    std::string verdict_json;  // exactly `lagrum check`'s output for the same draft
    bool allowed = false;
    bool sent = false;            // delivered to the relay now; false: queued (offline) or refused
    std::int64_t message_id = 0;  // local id, when allowed
    std::string room;
};

struct Message {
    std::int64_t id = 0;
    std::string room;
    bool outgoing = false;
    std::string sender_organisation;
    std::string sender_member;
    std::string sender_name;
    std::string sender_authority;
    std::string provision;
    content::v1::Marking marking;
    bool has_marking = false;
    std::vector<std::string> flags;  // empty when everything validated
    std::string flag_reasons;        // English, for people
    std::string text;
    std::string attachment_name;
    std::int64_t sent_at = 0;
    std::int64_t received_at = 0;
    // Stored from a case handover's verified bundle, not received from its sender: the
    // sender, marking and times are the original ones (handover/handover.cpp).
    bool via_handover = false;
    std::string handed_over_by;  // ORG/MEMBER of the predecessor
};

struct OutboxEntry {
    std::int64_t id = 0;
    std::string room;
    std::string provision;
    std::string state;   // queued | encrypted | sent | held
    std::string reason;  // why held
    std::int64_t created_at = 0;
    std::int64_t sent_at = 0;
};

// A delivery this sync could not process, as recorded in the profile (no message text:
// the kind and reason come from the MLS layer, the relay label or the content checks).
struct SyncProblem {
    std::uint64_t seq = 0;
    std::string kind;
    std::string reason;
};

struct SyncReport {
    std::size_t deliveries = 0;  // processed from the relay
    std::size_t messages = 0;    // new messages stored
    std::size_t flagged = 0;     // of which flagged
    std::size_t joined = 0;      // rooms joined by Welcome
    std::size_t commits = 0;
    std::size_t errors = 0;  // deliveries that could not be processed (recorded)
    std::size_t sent = 0;    // outbox entries delivered
    std::size_t held = 0;
    std::size_t forks = 0;  // rooms found forked by this sync (also counted in errors)
    bool relay_reachable = true;
    std::vector<SyncProblem> problems;  // one per error, in delivery order
};

struct SafetyNumberResult {
    std::string digits;
    std::vector<std::string> groups;
    std::string qr_payload;
    bool verified = false;           // marked verified for exactly these device keys
    bool verification_lost = false;  // marked once, but the contact's keys changed since
};

// Whether a contact was verified in person (`lagrum verify --mark`): the mark is bound
// to the contact's device keys at the time; a new or replaced device ends it.
struct ContactVerification {
    std::string address;
    bool verified = false;           // marked, and the device keys are the same as then
    bool verification_lost = false;  // marked, but the device keys changed: compare again
    std::string safety_number;       // the digits that were compared (when marked)
    std::int64_t verified_at = 0;    // Unix seconds (when marked)
};

class Client {
  public:
    // A new profile in `dir` (created if needed; must not hold one: profile_exists).
    // Returns the new device's public key (32 bytes).
    static Bytes init(const std::filesystem::path& dir, std::string_view passphrase,
                      const InitOptions& options);
    // Opens an existing profile (no_profile, wrong_passphrase, corrupt_store).
    static std::unique_ptr<Client> open(const std::filesystem::path& dir,
                                        std::string_view passphrase, const legal::Catalog& catalog);
    static void change_passphrase(const std::filesystem::path& dir, std::string_view old_pass,
                                  std::string_view new_pass);

    ~Client();

    // The transport is made from the stored relay address by the caller's factory
    // (lagrum_transport); without one the client is offline.
    using TransportFactory = std::function<std::unique_ptr<RelayTransport>(
        const std::string& address, const std::string& ca_pem)>;
    void set_transport_factory(TransportFactory factory);
    // Replaces the clock (tests): Unix seconds.
    void set_clock(std::function<std::int64_t()> clock);

    Bytes device_key() const;
    std::string relay_address() const;
    std::optional<pki::Member> self() const;  // nullopt before `cert import`

    // Verifies the certificate against the pinned roots (its device key must be ours),
    // stores it, registers with the relay and publishes KeyPackages. Offline: stored, and
    // registration happens at the next connection (returns false).
    bool import_certificate(const cert::v1::MemberCertificate& certificate);
    // A newer signed revocation list: installed locally (rooms' members re-checked) and
    // published to the relay when reachable.
    void import_revocation_list(const cert::v1::RevocationList& list);
    void add_trust_anchor(const cert::v1::OrganisationRoot& root);

    // Rooms. Members are ORG/MEMBER addresses; each of their registered devices joins.
    Room create_room(const std::string& name, const std::vector<std::string>& members);
    Room add_members(const std::string& name, const std::vector<std::string>& members);
    Room remove_members(const std::string& name, const std::vector<std::string>& members);
    std::vector<Room> rooms();
    Room room(const std::string& name);

    // Checks, and if allowed queues and tries to deliver. Never throws for a refused
    // verdict (allowed=false); throws bad_input for a malformed request.
    SendResult send(const SendRequest& request);

    // Receives (every stored delivery; with `wait`, also new ones until `wait` has passed
    // without... see .cpp), then delivers the outbox.
    SyncReport sync(std::chrono::milliseconds wait = std::chrono::milliseconds(0));
    // Runs until stop() returns true: a Subscribe stream, and the outbox delivered as
    // soon as the relay is reachable. `on_report` after each batch.
    void run_daemon(const std::function<bool()>& stop,
                    const std::function<void(const SyncReport&)>& on_report = {});

    std::vector<Message> inbox(const std::optional<std::string>& room = std::nullopt);
    // Marks the incoming messages of `room` (all rooms if nullopt) as read.
    void mark_read(const std::optional<std::string>& room = std::nullopt);
    std::vector<OutboxEntry> outbox();

    SafetyNumberResult safety_number(const std::string& address);
    // Records that the safety number with `address` was compared in person, bound to the
    // contact's device keys known now. With `compared_digits` (what the user was shown),
    // conflict when the number has changed since (the keys changed meanwhile). not_found
    // when no device of the contact is known; bad_input for a malformed address or self.
    ContactVerification mark_verified(const std::string& address,
                                      const std::string& compared_digits = {});
    // Removes the mark (no error when there was none).
    ContactVerification unmark_verified(const std::string& address);
    ContactVerification verification(const std::string& address);

    // ---- The disclosure log (records/disclosure_log.cpp)
    // Entries in order, optionally only those about one subject or within dates.
    std::vector<records::LogEntry> log(const records::LogFilter& filter = {});
    // Walks the whole chain: positions, hashes, signatures and the signed head.
    records::LogVerification verify_log();
    // The keyed pseudonym this device uses for a personnummer (32 hex digits); the same
    // number in any written form (10 or 12 digits, with or without separator) gives the
    // same pseudonym. bad_input for a malformed number.
    std::string subject_pseudonym(const std::string& personnummer);

    // ---- Risk meetings (meetings/meeting.cpp; protocol/meeting.proto)
    // A room whose creator chairs it: title, "YYYY-MM-DD HH:MM", members ORG/MEMBER.
    meetings::Meeting meeting_create(const std::string& name, const std::string& title,
                                     const std::string& at,
                                     const std::vector<std::string>& members);
    meetings::Meeting meeting(const std::string& name);
    std::vector<meetings::Meeting> meetings();
    // The chair adds a young person; the agenda shows only the meeting pseudonym.
    meetings::AgendaItem meeting_agenda_add(const std::string& name,
                                            const std::string& personnummer);
    meetings::Meeting meeting_open(const std::string& name);
    // The same legal check as send(); a refusal (allowed=false) is announced to the room
    // and recorded for the minutes (never its text).
    SendResult meeting_share(const meetings::ShareRequest& request);
    void meeting_decide(const std::string& name, std::uint32_t item, const std::string& text,
                        const std::string& follow_up = {});
    // The chair compiles, signs, stores, logs and sends the minutes.
    meetings::Minutes meeting_close(const std::string& name);
    // The stored minutes, their signature checked again.
    meetings::Minutes meeting_minutes(const std::string& name);
    // Test hooks (a "modified client"): send any event without the local checks, and
    // alter the Closed event after signing. Never used outside tests.
    void send_meeting_event_for_testing(const std::string& name,
                                        const lagrum::meeting::v1::MeetingEvent& event);
    void set_meeting_tamper_for_testing(
        std::function<void(lagrum::meeting::v1::MeetingEvent&)> tamper);

    // ---- The consent register (records/consent.cpp)
    // A new consent, signed by the device key and logged ("consent_given").
    records::Consent add_consent(const records::ConsentRequest& request);
    // Withdraws a given consent (not_found, conflict when it has ended), logs
    // "consent_withdrawn" and holds the unsent outbox entries that no longer pass.
    records::ConsentChange withdraw_consent(std::int64_t id);
    // The register, oldest first, optionally only one subject's consents.
    std::vector<records::Consent> consents(
        const std::optional<std::string>& subject = std::nullopt);
    // The social-services case about `subject` is closed: every given consent ends,
    // "case_closed" is logged and unsent outbox entries that rested on them are held.
    records::ConsentChange close_case(const std::string& subject);

    // ---- Case handover (handover/handover.cpp)
    // The predecessor's side of `lagrum handover`: adds the successor to every room
    // holding messages about the subject, sends the signed history bundle in a direct
    // conversation, and logs "handover_sent". The successor's client verifies it, stores
    // the messages, removes the predecessor from those rooms and sends a receipt, which
    // the predecessor logs as "handover_completed" at its next sync. Needs the relay.
    core::handover::HandoverResult hand_over(const core::handover::HandoverRequest& request);
    // What hand_over would carry now, from the store alone (offline, nothing written or
    // sent): the rooms the successor would join, the direct conversations going as
    // history, and the counts of messages, log entries and consents; handover_id is
    // empty. The same checks and errors as hand_over (bad_input, not_found) except the
    // relay's; hand_over syncs first, so its counts may include what arrived since.
    core::handover::HandoverResult handover_preview(const core::handover::HandoverRequest& request);
    // Every handover this device sent or received, oldest first.
    std::vector<core::handover::HandoverRecord> handovers();
    // Checks every received bundle again from the store (signature, message hashes, log
    // excerpt); ok is false when any fails or none was received.
    core::handover::HandoverVerification verify_handovers();

    struct Impl;

  private:
    explicit Client(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace lagrum::core::messaging
