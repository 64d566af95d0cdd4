// RelayTransport: everything the client core asks of lagrum-relay (protocol/relay.proto),
// as a small interface so core runs against a fake in unit tests and against the gRPC
// implementation (client/transport, target lagrum_transport) everywhere else. Core
// itself links no gRPC.
//
// Errors: every method throws core::Error — relay_unavailable when the relay cannot be
// reached (the client then works offline), relay_rejected with the relay's message for
// any other failure, except the two outcomes callers act on, which are typed below.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cert.pb.h"
#include "lagrum/core/error.h"
#include "lagrum/crypto/bytes.h"

namespace lagrum::core {

using crypto::Bytes;
using crypto::ByteView;

// SendCommit lost the race: another Commit took the epoch (FAILED_PRECONDITION with
// lagrum-current-epoch). The caller re-syncs and retries.
class EpochMismatch : public Error {
  public:
    explicit EpochMismatch(std::uint64_t current)
        : Error(Errc::relay_rejected, "epoch mismatch: current epoch " + std::to_string(current)),
          current_epoch(current) {}
    std::uint64_t current_epoch;
};

// The relay does not know the session (expired, revoked, relay restarted with a new
// database): the caller registers again.
class SessionExpired : public Error {
  public:
    explicit SessionExpired(const std::string& message) : Error(Errc::relay_rejected, message) {}
};

struct RelayDelivery {
    enum class Kind { message = 1, commit = 2, welcome = 3 };
    std::uint64_t seq = 0;
    Bytes envelope_id;
    Bytes group_id;  // for a Welcome: the group of the Commit that carried it
    Kind kind = Kind::message;
    Bytes sender_device_id;
    std::uint64_t epoch = 0;
    Bytes payload;
    std::int64_t received_at = 0;
};

struct CommitRequest {
    Bytes group_id;
    Bytes envelope_id;  // 16 bytes; a retry with the same id is idempotent
    Bytes commit;
    std::vector<Bytes> added_device_ids;
    std::vector<Bytes> removed_device_ids;
    Bytes welcome;  // empty: none
    std::vector<Bytes> welcome_device_ids;
};

struct FetchedKeyPackage {
    Bytes key_package;  // MLSMessage or bare KeyPackage, as published
    bool last_resort = false;
};

class RelayTransport {
  public:
    virtual ~RelayTransport() = default;

    // GetChallenge, then Register with `sign(challenge)` (the device signs
    // "lagrum.relay.v1.Register" || 0x00 || challenge || certificate.body). The session
    // token is kept inside the transport for every later call.
    virtual void register_device(const cert::v1::MemberCertificate& certificate,
                                 const std::function<Bytes(ByteView challenge)>& sign) = 0;

    virtual std::vector<Bytes> list_devices(const std::string& organisation_id,
                                            const std::string& member_id) = 0;
    virtual std::uint64_t publish_key_packages(const std::vector<Bytes>& one_time,
                                               const Bytes& last_resort) = 0;
    // Not found (no package at all) is Errc::not_found.
    virtual FetchedKeyPackage fetch_key_package(ByteView device_id) = 0;
    virtual std::uint64_t count_key_packages() = 0;

    virtual void create_group(ByteView group_id) = 0;  // conflict if it exists
    struct GroupStatus {
        std::uint64_t epoch = 0;
        std::vector<Bytes> member_device_ids;
    };
    virtual GroupStatus get_group(ByteView group_id) = 0;
    // Throws EpochMismatch when another Commit took the epoch. Returns the new epoch.
    virtual std::uint64_t send_commit(const CommitRequest& request) = 0;
    // Returns true if the relay had already accepted this envelope id (a retry).
    virtual bool send_message(ByteView group_id, ByteView envelope_id, ByteView message) = 0;

    // Subscribe from after_seq. With `wait` zero: every stored delivery, then return.
    // Otherwise keep the stream open, calling `on_delivery` for each delivery in seq
    // order, until `on_delivery` returns false, `wait` has passed, or `stop()` returns
    // true (polled at least every 200 ms). A delivery is only ever handed over once per
    // call; the caller acknowledges separately.
    virtual void subscribe(std::uint64_t after_seq, std::chrono::milliseconds wait,
                           const std::function<bool(const RelayDelivery&)>& on_delivery,
                           const std::function<bool()>& stop = {}) = 0;
    virtual void ack(std::uint64_t upto_seq) = 0;

    virtual void publish_revocation_list(const cert::v1::RevocationList& list) = 0;
};

}  // namespace lagrum::core
