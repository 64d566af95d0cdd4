// The relay's storage interface. The service talks only to this class, so another
// backend (PostgreSQL, next wave) can be added without touching service code.
//
// Every mutating call returns only once its effect is durable (committed with
// synchronous=FULL for SQLite): the service acknowledges nothing earlier.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "lagrum/crypto/bytes.h"
#include "lagrum/result.h"

namespace lagrum::relay {

using crypto::Bytes;
using crypto::ByteView;

enum class StoreErrc {
    invalid,  // request contradicts stored state (e.g. unknown device added)
    not_found,
    already_exists,
    epoch_mismatch,  // current_epoch is set
    not_member,
    quota_exceeded,
    unavailable,  // storage closed (shutting down)
    stale,        // revocation list not newer than the stored one
    internal,
};

struct StoreError {
    StoreErrc code;
    std::string message;
    std::uint64_t current_epoch = 0;
};

struct Unit {};

// The relay's instance of the project-wide lagrum::Result: [[nodiscard]], ok()/value()/
// error() as before (value() on a failure now throws lagrum::BadResultAccess instead of
// std::bad_variant_access), constructible from a T or a StoreError.
template <class T>
using StoreResult = lagrum::Result<T, StoreError>;

struct StorageLimits {
    std::uint64_t mailbox_max_count = 100000;                 // deliveries per device
    std::uint64_t mailbox_max_bytes = 1024ull * 1024 * 1024;  // payload bytes per device
    std::uint64_t max_key_packages = 1000;                    // one-time packages per device
    std::int64_t ttl_seconds = 30 * 24 * 3600;                // delivery lifetime
    // Sessions one device may hold at once; registering again beyond this ends the
    // oldest (so one certificate cannot pile up sessions, and a client that lost its
    // token is never locked out).
    std::uint64_t max_sessions_per_device = 16;
    // One sender device may hold at most this share of another device's mailbox (count
    // and bytes), so no single sender can fill it; see fan_out().
    std::uint64_t mailbox_sender_share_percent = 10;
    // Application messages and proposals may use a mailbox only up to its limit minus
    // this reserve; Commits and Welcomes may use the reserve, so a mailbox flooded with
    // messages still takes the Commits that keep its device in (or remove it from) its
    // groups.
    std::uint64_t mailbox_commit_reserve_percent = 10;
    std::uint64_t key_package_store_bytes = 16ull * 1024 * 1024;  // all KeyPackages of a device
    std::uint64_t max_empty_groups_per_device = 100;  // groups still at epoch 0, per creator
};

struct DeviceRecord {
    Bytes device_id;
    std::string organisation_id;
    std::string member_id;
    std::uint64_t serial = 0;
    std::int64_t registered_at = 0;
};

struct Session {
    Bytes device_id;
    std::string organisation_id;
    std::uint64_t serial = 0;
    std::int64_t expires_at = 0;
};

struct KeyPackage {
    Bytes data;
    bool last_resort = false;
};

struct KeyPackageCount {
    std::uint64_t one_time = 0;
    bool has_last_resort = false;
};

struct GroupState {
    std::uint64_t epoch = 0;
    std::vector<Bytes> members;
};

enum class DeliveryKind : int { message = 1, commit = 2, welcome = 3 };

struct MessageRequest {
    Bytes group_id;
    Bytes sender;
    Bytes envelope_id;
    std::uint64_t epoch = 0;  // from the MLS header
    Bytes payload;
    std::int64_t now = 0;
};

struct CommitRequest {
    Bytes group_id;
    Bytes sender;
    Bytes envelope_id;
    std::uint64_t epoch = 0;  // from the MLS header: must equal the current epoch
    Bytes commit;
    std::vector<Bytes> added;
    std::vector<Bytes> removed;
    Bytes welcome;
    std::vector<Bytes> welcome_to;
    std::int64_t now = 0;
};

struct SendResult {
    std::uint64_t recipients = 0;
    bool duplicate = false;
    std::uint64_t epoch = 0;  // commit: the new epoch
    // Recipients whose mailbox had no room (quota or the sender's share): nothing was
    // stored for them; every other recipient got the delivery.
    std::vector<Bytes> skipped;
};

// What a mailbox row carries besides its device and seq; shared by every recipient of
// one fan-out so a large group does not copy the payload per member.
struct DeliveryBody {
    Bytes envelope_id;
    Bytes group_id;
    DeliveryKind kind = DeliveryKind::message;
    Bytes sender;
    std::uint64_t epoch = 0;
    Bytes payload;
    std::int64_t received_at = 0;
    std::int64_t expires_at = 0;
};

// A mailbox row as read back from the store.
struct StoredDelivery {
    std::uint64_t seq = 0;
    DeliveryBody body;
};

// One mailbox row that has just become durable.
struct CommittedDelivery {
    Bytes device;
    std::uint64_t seq = 0;
    std::shared_ptr<const DeliveryBody> body;
};

// Called after each durable commit with the rows it added, in seq order; calls are
// serialised and made in commit order. Must not block (it runs on the
// completer thread, before the transaction's callers are answered).
using CommitListener = std::function<void(const std::vector<CommittedDelivery>&)>;

// Called when revocation lists may have changed behind this node's back: another node
// (sharing the database) stored one, or a lost notification connection came back. Runs
// on a storage thread and must not block or call back into the storage; the service
// re-reads revocation_lists() on a thread of its own.
using RevocationListener = std::function<void()>;

class Storage {
  public:
    virtual ~Storage() = default;

    virtual StoreResult<Unit> put_device(const DeviceRecord& device) = 0;
    // At most 64 devices of the member (device id, organisation, serial filled in).
    virtual StoreResult<std::vector<DeviceRecord>> list_devices(const std::string& organisation_id,
                                                                const std::string& member_id) = 0;
    // Stores the session and ends the device's oldest sessions beyond
    // max_sessions_per_device; returns the token hashes it ended.
    virtual StoreResult<std::vector<Bytes>> put_session(ByteView token_hash,
                                                        const Session& session) = 0;
    virtual StoreResult<std::optional<Session>> find_session(ByteView token_hash,
                                                             std::int64_t now) = 0;
    // Ends sessions of the organisation's certificates with the given serials or device
    // keys (never another organisation's).
    virtual StoreResult<std::uint64_t> revoke_sessions(const std::string& organisation_id,
                                                       const std::vector<std::uint64_t>& serials,
                                                       const std::vector<Bytes>& device_ids) = 0;
    // One transaction: stores the organisation's revocation list (the encoded, signed
    // lagrum.cert.v1.RevocationList) unless one with an equal or higher sequence is
    // stored (stale), and ends the sessions it revokes, as revoke_sessions. Returns the
    // sessions ended.
    virtual StoreResult<std::uint64_t> store_revocation_list(
        const std::string& organisation_id, std::uint64_t sequence, ByteView encoded_list,
        const std::vector<std::uint64_t>& serials, const std::vector<Bytes>& device_ids) = 0;
    // Every stored revocation list (encoded), one per organisation.
    virtual StoreResult<std::vector<Bytes>> revocation_lists() = 0;
    // Ends every session of an organisation (removed from the trust list).
    virtual StoreResult<std::uint64_t> end_organisation_sessions(
        const std::string& organisation_id) = 0;

    // Returns the number of stored one-time packages afterwards.
    virtual StoreResult<std::uint64_t> publish_key_packages(
        ByteView device_id, const std::vector<Bytes>& one_time,
        const std::optional<Bytes>& last_resort) = 0;
    // One-time package consumed atomically, else the last-resort one; nullopt if none.
    // With last_resort_only the one-time packages are left alone (the caller's share of
    // them is used up).
    virtual StoreResult<std::optional<KeyPackage>> fetch_key_package(ByteView device_id,
                                                                     bool last_resort_only) = 0;
    virtual StoreResult<KeyPackageCount> count_key_packages(ByteView device_id) = 0;

    virtual StoreResult<Unit> create_group(ByteView group_id, ByteView creator,
                                           std::int64_t now) = 0;
    virtual StoreResult<GroupState> get_group(ByteView group_id) = 0;
    // Compare-and-set on the epoch, membership update, fan-out: one transaction.
    virtual StoreResult<SendResult> commit(const CommitRequest& request) = 0;
    // commit() without blocking the caller, as send_async.
    virtual void commit_async(CommitRequest request,
                              std::function<void(StoreResult<SendResult>)> done) {
        done(commit(request));
    }
    // Fan-out to every member but the sender: one transaction.
    virtual StoreResult<SendResult> send(const MessageRequest& request) = 0;
    // The same without blocking the caller: `done` runs once the result is durable
    // (possibly on a storage thread; it must not block). The default runs send() inline.
    virtual void send_async(MessageRequest request,
                            std::function<void(StoreResult<SendResult>)> done) {
        done(send(request));
    }

    // Deliveries with seq > after_seq that have not expired at `now`, in seq order,
    // at most max_count rows / roughly max_bytes payload bytes (always at least one).
    virtual StoreResult<std::vector<StoredDelivery>> read_mailbox(ByteView device_id,
                                                                  std::uint64_t after_seq,
                                                                  std::size_t max_count,
                                                                  std::size_t max_bytes,
                                                                  std::int64_t now) = 0;
    virtual StoreResult<std::uint64_t> ack(ByteView device_id, std::uint64_t upto_seq) = 0;
    // Deletes expired deliveries, dedup records and sessions; returns deliveries removed.
    virtual StoreResult<std::uint64_t> expire(std::int64_t now) = 0;

    // Installs the commit listener (replacing any earlier one; empty: none). Every row
    // added to a mailbox after this returns is reported exactly once, after its COMMIT
    // and before the call that added it returns.
    virtual void set_commit_listener(CommitListener listener) = 0;

    // Installs the revocation listener (replacing any earlier one; empty: none). A
    // backend with one process per database (SQLite) never calls it.
    virtual void set_revocation_listener(RevocationListener listener) { (void)listener; }

    // Finishes queued writes, then refuses new ones (unavailable).
    virtual void close() = 0;
};

}  // namespace lagrum::relay
