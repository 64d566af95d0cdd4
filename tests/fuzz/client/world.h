// The in-process world of the client fuzz targets (delivery_fuzz, control_fuzz): two
// organisations with fixed root keys, Anna (social services) and Per (police) as real
// core::messaging::Client profiles in a temporary folder, against the in-memory relay of
// tests/messaging (fake_relay.h), at a fixed clock. Anna created the room "Unga" with Per
// and has a direct conversation with him; Per has joined both.
//
// Per's store grows with every input, so the targets rebuild the world every
// kInputsPerWorld inputs (a few hundred milliseconds with the test KDF).
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <variant>

#include "cert.pb.h"
#include "embedded_catalog.h"
#include "fake_relay.h"
#include "lagrum/cert/cert.h"
#include "lagrum/core/legal/catalog.h"
#include "lagrum/core/messaging/client.h"
#include "lagrum/crypto/argon2.h"
#include "lagrum/crypto/ed25519.h"

namespace lagrum::client_fuzz {

using core::messaging::Client;
using core::messaging::SendRequest;
using core::messaging::SyncReport;
using messaging_test::FakeLink;
using messaging_test::FakeRelayHub;

inline constexpr std::int64_t kNow = 1772452800;  // 2026-03-02 12:00 UTC
inline constexpr const char* kPass = "fuzz passphrase";
inline constexpr const char* kSubject = "200801012386";  // 18 on kNow (test series)
inline constexpr const char* kRoom = "Unga";
inline constexpr int kInputsPerWorld = 400;

[[noreturn]] inline void fail(const char* what) {
    std::fprintf(stderr, "client fuzz world: %s\n", what);
    std::abort();
}

inline std::string str(crypto::ByteView b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

inline const core::legal::Catalog& catalog() {
    static const core::legal::Catalog c = [] {
        auto r = core::legal::load_catalog_from_texts(lagrum::fuzz::embedded_catalog_files());
        if (r.index() != 0) fail("the catalog does not load");
        return std::get<0>(std::move(r));
    }();
    return c;
}

struct Org {
    std::string id;
    cert::v1::AuthorityType type;
    crypto::Bytes seed;
    cert::v1::OrganisationRoot anchor;

    Org(std::string organisation_id, cert::v1::AuthorityType t, std::uint8_t seed_byte)
        : id(std::move(organisation_id)), type(t), seed(32, seed_byte) {
        auto pair = crypto::ed25519_from_seed(seed);
        if (!pair.ok()) fail("root key");
        anchor.set_organisation_id(id);
        anchor.set_name(id);
        anchor.set_authority_type(type);
        anchor.set_root_public_key(str(pair->public_key));
    }

    cert::v1::MemberCertificate issue(const std::string& member, crypto::ByteView device_key,
                                      std::uint64_t serial) const {
        cert::v1::MemberCertificateBody b;
        b.set_version(1);
        b.set_serial(serial);
        b.set_member_id(member);
        b.set_display_name("Member " + member);
        b.set_organisation_id(id);
        b.set_authority_type(type);
        b.set_role("handläggare");
        b.set_device_public_key(str(device_key));
        // Valid at kNow and at the wall clock (Client::open checks the stored certificate
        // before the clock is replaced).
        b.set_not_before(kNow - 86400);
        b.set_not_after(kNow + 20ll * 365 * 86400);
        auto r = cert::issue_certificate(b, seed);
        if (r.index() != 0) fail("issue_certificate");
        return std::get<0>(std::move(r));
    }
};

struct Device {
    std::string address;
    std::filesystem::path dir;
    crypto::Bytes key;
    std::shared_ptr<FakeLink> link;
    std::unique_ptr<Client> client;
    Client* operator->() const { return client.get(); }
};

class World {
  public:
    World()
        : soc_("se.boras.soc", cert::v1::AUTHORITY_TYPE_SOCIAL_SERVICES, 0x11),
          pol_("se.polisen", cert::v1::AUTHORITY_TYPE_POLICE, 0x22),
          hub_({soc_.anchor, pol_.anchor}, [] { return kNow; }) {
        std::string tmpl =
            (std::filesystem::temp_directory_path() / "lagrum-client-fuzz-XXXXXX").string();
        if (mkdtemp(tmpl.data()) == nullptr) fail("mkdtemp");
        dir_ = tmpl;
        make(anna, "anna", soc_, 1);
        make(per, "per", pol_, 2);
        anna->create_room(kRoom, {per.address});
        // The direct conversation starts with its first message.
        expect_sent(anna->send(plain(std::nullopt, "hej")));
        per->sync();
        direct_room = per->inbox().empty() ? std::string() : per->inbox().front().room;
        if (direct_room.empty()) fail("Per did not receive the first direct message");
    }
    ~World() {
        anna.client.reset();
        per.client.reset();
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    World(const World&) = delete;
    World& operator=(const World&) = delete;

    // osl-10-2 (necessary for the sender's own task): allowed from and to anyone.
    SendRequest plain(const std::optional<std::string>& room, const std::string& text) const {
        SendRequest r;
        if (room) {
            r.room = *room;
        } else {
            r.to = per.address;
        }
        r.subject = kSubject;
        r.provision = "osl-10-2";
        r.facts_json = R"({"necessary_for_own_task":true})";
        r.text = text;
        return r;
    }

    static void expect_sent(const core::messaging::SendResult& r) {
        if (!r.allowed || !r.sent) fail("a genuine message was not sent");
    }

    // Whatever came before, Anna's next genuine message in the room reaches Per whole:
    // no input may cost the room its group state.
    void genuine_still_arrives() {
        expect_sent(anna->send(plain(std::string(kRoom), "genuine " + std::to_string(++n_))));
        const SyncReport r = per->sync();
        if (r.messages != 1 || r.flagged != 0 || r.errors != 0) {
            std::fprintf(stderr, "genuine message: %zu stored, %zu flagged, %zu errors\n",
                         r.messages, r.flagged, r.errors);
            fail("a genuine message after the fuzz input did not arrive clean");
        }
    }

    Device anna, per;
    std::string direct_room;
    const std::uint64_t id = next_id();  // never reused (an address may be)
    FakeRelayHub& hub() { return hub_; }

  private:
    static std::uint64_t next_id() {
        static std::uint64_t n = 0;
        return ++n;
    }
    void make(Device& d, const std::string& name, const Org& org, std::uint64_t serial) {
        d.address = org.id + "/" + name;
        d.dir = dir_ / name;
        core::messaging::InitOptions o;
        o.relay = "unix:/nonexistent/fake-relay.sock";
        o.trust = {soc_.anchor, pol_.anchor};
        o.kdf = crypto::kArgon2Test;
        o.key_packages = 4;
        d.key = Client::init(d.dir, kPass, o);
        d.link = hub_.link(name);
        d.client = Client::open(d.dir, kPass, catalog());
        d.client->set_clock([] { return kNow; });
        d.client->set_transport_factory(hub_.factory(d.link));
        if (!d.client->import_certificate(org.issue(name, d.key, serial))) fail("certificate");
    }

    Org soc_, pol_;
    FakeRelayHub hub_;
    std::filesystem::path dir_;
    int n_ = 0;
};

// The world for the current input: rebuilt every kInputsPerWorld calls.
inline World& world() {
    static std::unique_ptr<World> w;
    static int inputs = 0;
    if (!w || ++inputs % kInputsPerWorld == 0) {
        w.reset();
        w = std::make_unique<World>();
    }
    return *w;
}

}  // namespace lagrum::client_fuzz
