// The messenger test fixture shared by the in-process client tests (tests/messaging,
// tests/adversary, tests/records, tests/handover, tests/meetings): organisations with a
// root key that issue member certificates, profiles in a temporary folder, and clients
// against one in-memory relay (fake_relay.h) at a fixed clock. Library target
// lagrum_messaging_fixture (with fake_relay.cpp).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cert.pb.h"
#include "fake_relay.h"
#include "lagrum/core/legal/catalog.h"
#include "lagrum/core/messaging/client.h"
#include "lagrum/crypto/ed25519.h"

namespace lagrum::messaging_test {

// 2026-03-02 12:00:00 UTC, the day of the legal examples.
inline constexpr std::int64_t kNow = 1772452800;
inline constexpr std::string_view kPass = "correct horse battery staple";

// The provision catalog of client/provisions, loaded once.
const core::legal::Catalog& catalog();

std::string str(ByteView b);

// A new folder under /tmp named PREFIX-XXXXXX, removed with everything in it.
class TempDir {
  public:
    explicit TempDir(std::string_view prefix = "lagrum-test");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

// An organisation's certificate authority: its root key and pinned anchor.
struct Org {
    std::string id;
    cert::v1::AuthorityType authority;
    crypto::Ed25519KeyPair root;
    cert::v1::OrganisationRoot anchor;
    std::string role;  // the role its certificates name
    std::uint64_t serial = 0;

    Org(std::string organisation_id, const std::string& name, cert::v1::AuthorityType type,
        std::string member_role = "handläggare");

    // A certificate for ORG/MEMBER's device key, valid at kNow and at the wall clock
    // (Client::open checks the stored certificate before the test replaces the clock).
    cert::v1::MemberCertificate issue(const std::string& member, ByteView device_key);
};

struct Device {
    std::string name;
    std::string address;  // ORG/MEMBER
    std::filesystem::path dir;
    Bytes key;
    std::shared_ptr<FakeLink> link;
    std::unique_ptr<core::messaging::Client> client;
    core::messaging::Client* operator->() const { return client.get(); }
};

struct OrgSpec {
    std::string id;
    std::string name;
    cert::v1::AuthorityType type;
    std::string role = "handläggare";
};

// Clients of the organisations given to the constructor (each root is every profile's
// trust anchor), against one FakeRelayHub. Members are destroyed in the order that
// keeps the hub alive while any client is.
class MessengerTest : public ::testing::Test {
  protected:
    MessengerTest(const std::vector<OrgSpec>& orgs, std::string_view tmp_prefix);

    // The i-th organisation of the constructor's list.
    Org& org(std::size_t i) { return *orgs_.at(i); }

    // A new profile with a certificate of `org`, registered with the relay.
    Device& make(const std::string& name, Org& org);
    // Opens the profile (again), at the fixed clock, over the device's link.
    void open(Device& d);
    // The process ends (nothing more is written) and starts again on the same profile.
    void reopen(Device& d);

    // The code of the core::Error `f` throws; internal when it throws nothing.
    template <class F>
    static core::Errc code_of(F&& f) {
        try {
            f();
        } catch (const core::Error& e) {
            return e.code();
        }
        return core::Errc::internal;  // nothing thrown
    }

    TempDir tmp_;
    std::vector<std::unique_ptr<Org>> orgs_;
    FakeRelayHub hub_;
    std::map<std::string, std::unique_ptr<Device>> devices_;  // destroyed before hub_

  private:
    std::vector<cert::v1::OrganisationRoot> anchors() const;
};

}  // namespace lagrum::messaging_test
