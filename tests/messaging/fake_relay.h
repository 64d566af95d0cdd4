// An in-memory lagrum-relay for client core unit tests: a FakeRelayHub holds what the
// relay stores (devices, sessions, KeyPackages, groups, mailboxes) with the semantics of
// protocol/relay.proto and relay/src (compare-and-set commits, idempotent envelope ids,
// one-time KeyPackages consumed once, increasing seq per mailbox), and hands out one
// core::RelayTransport per client connection.
//
// Errors are those of the gRPC transport (relay_transport.h): relay_unavailable when
// offline, SessionExpired for an unknown session, EpochMismatch, not_found (NOT_FOUND),
// conflict (ALREADY_EXISTS) and relay_rejected for everything else.
//
// Single-threaded: every call runs on the caller's thread, and subscribe() with a wait
// returns once nothing new is stored (nothing can arrive while the caller is inside).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "cert.pb.h"
#include "lagrum/cert/cert.h"
#include "lagrum/core/messaging/client.h"
#include "lagrum/core/relay_transport.h"

namespace lagrum::messaging_test {

using crypto::Bytes;
using crypto::ByteView;

// Adversary hooks (tests/adversary): the relay is untrusted, so tests make it lie. Each
// hook is empty by default, which is the honest relay above.
struct FakeAdversary {
    // Called for every delivery as the relay stores it for `recipient` (a Commit, Welcome
    // or message fanned out): it may change any field (tamper with payload, kind, epoch,
    // group id), and returns false to drop the delivery (never stored: withheld or lost).
    std::function<bool(const Bytes& recipient, core::RelayDelivery& delivery)> on_store;
    // Called for every FetchKeyPackage answer: it may substitute the package.
    std::function<void(const Bytes& device_id, core::FetchedKeyPackage& answer)>
        on_fetch_key_package;
    // An equivocating relay: a Commit for an epoch already taken is accepted anyway and
    // fanned out to the members (their clients decide which Commit they see first).
    bool accept_stale_commits = false;
};

// One client's connection, shared by every transport its factory makes (the client may
// drop and re-make its transport). The switches are for tests.
struct FakeLink {
    std::string name;
    // Every call of this client throws core::Error(relay_unavailable).
    bool offline = false;
    // Runs once, inside this client's next send_commit, before the relay decides on it:
    // whatever it commits (e.g. another client's add_members) takes the epoch first, so
    // this commit loses the race (EpochMismatch) unless it was a retry.
    std::function<void()> before_next_commit;
    // Runs once, inside this client's next send_message, before the relay stores it: what
    // it commits (e.g. an add_members) lands between this client's catch-up and its send.
    std::function<void()> before_next_message;
    // The next send_commit is accepted and stored, then the caller gets
    // relay_unavailable, as if the connection dropped before the answer.
    bool drop_next_commit_answer = false;
    // The next send_commit never reaches the relay: relay_unavailable, nothing stored.
    bool lose_next_commit = false;
    // The same as drop_next_commit_answer for the next send_message.
    bool drop_next_message_answer = false;

    // Counters.
    std::size_t calls = 0;               // every call attempted (offline ones too)
    std::size_t registrations = 0;       // successful register_device
    std::size_t commits_accepted = 0;    // new commits stored (not duplicates)
    std::size_t commits_rejected = 0;    // EpochMismatch
    std::size_t commit_duplicates = 0;   // retries of an accepted envelope id
    std::size_t messages_accepted = 0;   // new messages stored
    std::size_t message_duplicates = 0;  // retries of an accepted envelope id
};

class FakeRelayHub {
  public:
    FakeRelayHub(const std::vector<cert::v1::OrganisationRoot>& roots,
                 std::function<std::int64_t()> clock);
    ~FakeRelayHub();
    FakeRelayHub(const FakeRelayHub&) = delete;
    FakeRelayHub& operator=(const FakeRelayHub&) = delete;

    std::shared_ptr<FakeLink> link(const std::string& name);
    // A new transport (no session yet) over `link`.
    std::unique_ptr<core::RelayTransport> connect(std::shared_ptr<FakeLink> link);
    // For Client::set_transport_factory. The hub must outlive the client.
    core::messaging::Client::TransportFactory factory(std::shared_ptr<FakeLink> link);

    // The whole relay down: every call of every client throws relay_unavailable.
    bool offline = false;

    // Forgets every session: the next call of each client throws SessionExpired.
    void expire_sessions();

    // ---- adversary (tests only; see FakeAdversary)
    FakeAdversary& adversary();
    // Stores `delivery` in the mailbox of `device_id` under a new seq (its own seq is
    // ignored; received_at is kept): replay, forgery, late or reordered delivery.
    // Returns the new seq.
    std::uint64_t inject(ByteView device_id, core::RelayDelivery delivery);
    // Removes every unacknowledged delivery of `device_id` and returns them in seq order:
    // withheld until the test injects them again (in any order), or dropped.
    std::vector<core::RelayDelivery> take_mailbox(ByteView device_id);

    // Inspection.
    bool has_group(ByteView group_id) const;
    std::uint64_t group_epoch(ByteView group_id) const;
    std::vector<Bytes> group_members(ByteView group_id) const;           // sorted
    std::vector<core::RelayDelivery> mailbox(ByteView device_id) const;  // unacknowledged
    std::size_t one_time_key_packages(ByteView device_id) const;
    bool has_last_resort(ByteView device_id) const;

    struct State;

  private:
    std::unique_ptr<State> state_;
};

}  // namespace lagrum::messaging_test
