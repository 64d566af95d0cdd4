// The profile store's schema (SQLite 3.15 SQL: SQLCipher 3.4.1). One migration per
// schema version; never edit a released migration, append a new one.
#include "schema.h"

namespace lagrum::core::messaging {

const store::Migrations& profile_migrations() {
    static const store::Migrations m = {
        // 1: the first messenger schema.
        R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB);
CREATE TABLE trust_roots (
  organisation_id TEXT PRIMARY KEY,
  root BLOB NOT NULL);                       -- serialized OrganisationRoot
CREATE TABLE revocation_lists (
  organisation_id TEXT PRIMARY KEY,
  sequence INTEGER NOT NULL,
  list BLOB NOT NULL);                       -- serialized RevocationList
CREATE TABLE key_packages (
  ref BLOB PRIMARY KEY,                      -- KeyPackageRef (RFC 9420 §5.2)
  key_package BLOB NOT NULL,                 -- encoded KeyPackage
  init_private BLOB NOT NULL,
  encryption_private BLOB NOT NULL,
  last_resort INTEGER NOT NULL DEFAULT 0,
  published INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL);
CREATE TABLE rooms (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  group_id BLOB NOT NULL UNIQUE,
  direct INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  epoch INTEGER NOT NULL,
  state BLOB NOT NULL,                       -- Group::serialize()
  created_at INTEGER NOT NULL);
CREATE TABLE pending_commits (               -- a Commit sent but not yet known accepted
  room_id INTEGER PRIMARY KEY REFERENCES rooms(id),
  epoch INTEGER NOT NULL,                    -- the epoch the Commit leads to
  request BLOB NOT NULL,                     -- serialized relay SendCommitRequest
  state BLOB NOT NULL);                      -- the group state after it
CREATE TABLE contacts (
  device_key BLOB PRIMARY KEY,
  address TEXT NOT NULL,                     -- ORG/MEMBER
  certificate BLOB NOT NULL,
  updated_at INTEGER NOT NULL);
CREATE INDEX contacts_address ON contacts(address);
CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  message_id BLOB UNIQUE,                    -- Content.message_id
  room_id INTEGER NOT NULL REFERENCES rooms(id),
  outgoing INTEGER NOT NULL,
  sender_org TEXT NOT NULL DEFAULT '',
  sender_member TEXT NOT NULL DEFAULT '',
  sender_name TEXT NOT NULL DEFAULT '',
  sender_authority TEXT NOT NULL DEFAULT '',
  provision TEXT NOT NULL DEFAULT '',
  marking BLOB,                              -- serialized Marking, NULL if none
  flags TEXT NOT NULL DEFAULT '',            -- comma-separated flag codes
  flag_reasons TEXT NOT NULL DEFAULT '',
  text TEXT NOT NULL DEFAULT '',
  attachment_name TEXT NOT NULL DEFAULT '',
  attachment BLOB,
  case_pseudonym BLOB,
  sent_at INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  read INTEGER NOT NULL DEFAULT 0);
CREATE INDEX messages_room ON messages(room_id, id);
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  room_id INTEGER NOT NULL REFERENCES rooms(id),
  message_row INTEGER REFERENCES messages(id),
  content BLOB NOT NULL,                     -- serialized Content (epoch set at encryption)
  state TEXT NOT NULL,                       -- queued | encrypted | sent | held
  reason TEXT NOT NULL DEFAULT '',
  envelope_id BLOB,
  ciphertext BLOB,
  created_at INTEGER NOT NULL,
  sent_at INTEGER);
CREATE TABLE sync_errors (
  id INTEGER PRIMARY KEY,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  reason TEXT NOT NULL,
  at INTEGER NOT NULL);
)sql",
        // 2: the disclosure log (records/disclosure_log.cpp, protocol/log.proto).
        R"sql(
CREATE TABLE log (
  position INTEGER PRIMARY KEY,              -- 1, 2, ... as named in the record
  record BLOB NOT NULL,                      -- serialized lagrum.log.v1.LogRecord, as signed
  hash BLOB NOT NULL,                        -- SHA-256("lagrum-log/1" || previous || record)
  signature BLOB NOT NULL);                  -- Ed25519 by the device key over hash
)sql",
        // Risk meetings (meetings/meeting.cpp, protocol/meeting.proto).
        R"sql(
CREATE TABLE meetings (
  room_id INTEGER PRIMARY KEY REFERENCES rooms(id),
  title TEXT NOT NULL,
  scheduled_at TEXT NOT NULL,                -- "YYYY-MM-DD HH:MM"
  chair TEXT NOT NULL,                       -- ORG/MEMBER
  chair_key BLOB NOT NULL,                   -- the chair's device signature key
  meeting_key BLOB NOT NULL,                 -- the agenda's pseudonym key (32 bytes)
  state TEXT NOT NULL,                       -- scheduled | open | closed
  opened_at INTEGER,
  closed_at INTEGER,
  minutes BLOB,                              -- serialized Minutes, as signed
  minutes_signature BLOB,
  created_at INTEGER NOT NULL);
CREATE TABLE meeting_items (
  room_id INTEGER NOT NULL REFERENCES rooms(id),
  number INTEGER NOT NULL,
  pseudonym BLOB NOT NULL,                   -- the meeting pseudonym (16 bytes)
  personnummer TEXT,                         -- the chair's device only
  PRIMARY KEY (room_id, number));
CREATE TABLE meeting_records (               -- what the minutes list, in arrival order
  id INTEGER PRIMARY KEY,
  room_id INTEGER NOT NULL REFERENCES rooms(id),
  item INTEGER NOT NULL,
  kind TEXT NOT NULL,                        -- share | decision | refused
  event BLOB,                                -- serialized MeetingEvent (decision, refused)
  message_row INTEGER REFERENCES messages(id),  -- share
  by_address TEXT NOT NULL,
  by_name TEXT NOT NULL,
  by_authority TEXT NOT NULL,
  at INTEGER NOT NULL);
CREATE INDEX meeting_records_room ON meeting_records(room_id, id);
)sql",
        // Case handover (handover/handover.cpp): messages stored from a verified bundle,
        // and each handover this device sent or received.
        R"sql(
ALTER TABLE messages ADD COLUMN via_handover INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN handed_over_by TEXT NOT NULL DEFAULT '';  -- ORG/MEMBER
CREATE TABLE handovers (
  id INTEGER PRIMARY KEY,
  handover_id BLOB NOT NULL,                 -- HandoverManifest.handover_id
  direction TEXT NOT NULL,                   -- sent | received
  counterpart TEXT NOT NULL,                 -- successor (sent) / predecessor (received)
  subject_pseudonym BLOB,                    -- this device's pseudonym of the subject
  room_id INTEGER NOT NULL REFERENCES rooms(id),  -- the direct conversation
  bundle BLOB NOT NULL,                      -- serialized HandoverBundle, as sent/received
  sender_key BLOB,                           -- received: the predecessor's verified device key
  state TEXT NOT NULL,                       -- sent|completed|failed; verified|done|rejected
  problem TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  completed_at INTEGER,
  UNIQUE(handover_id, direction));
)sql",
        // The consent register (records/consent.cpp): each row signed by the device key
        // over its canonical encoding; the outbox remembers the consent a disclosure rests on.
        R"sql(
CREATE TABLE consents (
  id INTEGER PRIMARY KEY,
  subject_pseudonym BLOB NOT NULL,           -- this device's pseudonym (16 bytes)
  given_by TEXT NOT NULL,                    -- subject | guardian
  recipients TEXT NOT NULL,                  -- authority names, sorted, comma-separated
  purpose TEXT NOT NULL DEFAULT '',
  valid_until TEXT NOT NULL DEFAULT '',      -- YYYY-MM-DD or ''
  document_name TEXT NOT NULL DEFAULT '',
  document BLOB,                             -- the signed consent document (<= 10 MiB)
  document_sha256 BLOB,
  document_size INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL,                      -- given | withdrawn | case_closed
  given_at INTEGER NOT NULL,
  ended_at INTEGER NOT NULL DEFAULT 0,
  signature BLOB NOT NULL);                  -- Ed25519 by the device key
CREATE INDEX consents_subject ON consents(subject_pseudonym);
ALTER TABLE outbox ADD COLUMN consent_id INTEGER;  -- consents.id, when the basis is consent
)sql",
        // Fork (equivocation) detection (sync.cpp, docs/security.md (5)): the Commit this
        // device applied in each epoch, by hash, and the group state before the newest one
        // (to check that a conflicting Commit for that epoch is genuine); a room where a
        // genuine conflicting Commit was seen is marked forked, for good.
        R"sql(
CREATE TABLE epoch_commits (
  room_id INTEGER NOT NULL REFERENCES rooms(id),
  epoch INTEGER NOT NULL,                    -- the epoch the Commit was sent in
  commit_hash BLOB NOT NULL,                 -- SHA-256 of the MLSMessage as applied
  prior_state BLOB,                          -- Group::serialize() in `epoch`; newest row only
  PRIMARY KEY (room_id, epoch));
ALTER TABLE rooms ADD COLUMN forked_epoch INTEGER;  -- NULL: no fork seen
ALTER TABLE rooms ADD COLUMN fork_reason TEXT NOT NULL DEFAULT '';
)sql",
        // The epoch this device joined a room at (its Welcome's; 0 for rooms it created):
        // a message of an earlier epoch was never for it (sync.cpp, before_join).
        R"sql(
ALTER TABLE rooms ADD COLUMN joined_epoch INTEGER NOT NULL DEFAULT 0;
)sql",
        // Contacts verified in person (verification.cpp): the safety number was compared
        // for exactly these device keys; when the contact's keys differ later, the mark no
        // longer holds (the UI says so) until it is compared and marked again.
        R"sql(
CREATE TABLE verified_contacts (
  address TEXT PRIMARY KEY,                  -- ORG/MEMBER
  device_keys BLOB NOT NULL,                 -- their device keys then: sorted, 32 bytes each
  safety_number TEXT NOT NULL,               -- the digits that were compared
  verified_at INTEGER NOT NULL);
)sql",
        // A pending Commit (sent, answer lost) of a room found forked before it was
        // resolved is held, never resent and never adopted (rooms.cpp,
        // resolve_pending_commits): NULL while it may still be resolved, else the reason.
        R"sql(
ALTER TABLE pending_commits ADD COLUMN held_reason TEXT;
)sql",
        // Next: append new migrations here, one element each, in the order they land.
    };
    return m;
}

}  // namespace lagrum::core::messaging
