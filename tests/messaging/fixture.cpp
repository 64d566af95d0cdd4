#include "fixture.h"

#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <stdexcept>

#include "lagrum/cert/cert.h"
#include "lagrum/crypto/argon2.h"

namespace lagrum::messaging_test {

namespace fs = std::filesystem;

const core::legal::Catalog& catalog() {
    static const core::legal::Catalog c = [] {
        auto r = core::legal::load_catalog(LAGRUM_CATALOG_SOURCE_DIR);
        if (auto* e = std::get_if<core::legal::CatalogError>(&r)) {
            throw std::runtime_error("catalog: " + e->to_string());
        }
        return std::get<core::legal::Catalog>(std::move(r));
    }();
    return c;
}

std::string str(ByteView b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

TempDir::TempDir(std::string_view prefix) {
    std::string tmpl = "/tmp/" + std::string(prefix) + "-XXXXXX";
    const char* dir = mkdtemp(tmpl.data());
    if (dir == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = dir;
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

Org::Org(std::string organisation_id, const std::string& name, cert::v1::AuthorityType type,
         std::string member_role)
    : id(std::move(organisation_id)),
      authority(type),
      root(crypto::ed25519_generate()),
      role(std::move(member_role)) {
    anchor.set_organisation_id(id);
    anchor.set_name(name);
    anchor.set_authority_type(type);
    anchor.set_root_public_key(str(root.public_key));
}

cert::v1::MemberCertificate Org::issue(const std::string& member, ByteView device_key) {
    const std::int64_t wall = static_cast<std::int64_t>(std::time(nullptr));
    cert::v1::MemberCertificateBody b;
    b.set_version(1);
    b.set_serial(++serial);
    b.set_member_id(member);
    b.set_display_name("Member " + member);
    b.set_organisation_id(id);
    b.set_authority_type(authority);
    b.set_role(role);
    b.set_device_public_key(str(device_key));
    b.set_not_before(std::min(kNow, wall) - 86400);
    b.set_not_after(std::max(kNow, wall) + 365 * 86400);
    auto r = cert::issue_certificate(b, root.seed.view());
    if (auto* e = std::get_if<cert::CertError>(&r)) {
        throw std::runtime_error("issue_certificate: " + e->message);
    }
    return std::get<cert::v1::MemberCertificate>(r);
}

namespace {

std::vector<std::unique_ptr<Org>> make_orgs(const std::vector<OrgSpec>& specs) {
    std::vector<std::unique_ptr<Org>> out;
    for (const auto& s : specs) out.push_back(std::make_unique<Org>(s.id, s.name, s.type, s.role));
    return out;
}

}  // namespace

MessengerTest::MessengerTest(const std::vector<OrgSpec>& orgs, std::string_view tmp_prefix)
    : tmp_(tmp_prefix), orgs_(make_orgs(orgs)), hub_(anchors(), [] { return kNow; }) {}

std::vector<cert::v1::OrganisationRoot> MessengerTest::anchors() const {
    std::vector<cert::v1::OrganisationRoot> out;
    for (const auto& o : orgs_) out.push_back(o->anchor);
    return out;
}

Device& MessengerTest::make(const std::string& name, Org& org) {
    auto d = std::make_unique<Device>();
    d->name = name;
    d->address = org.id + "/" + name;
    d->dir = tmp_.path() / name;
    core::messaging::InitOptions o;
    o.relay = "unix:/nonexistent/fake-relay.sock";
    o.trust = anchors();
    o.kdf = crypto::kArgon2Test;
    d->key = core::messaging::Client::init(d->dir, kPass, o);
    d->link = hub_.link(name);
    open(*d);
    EXPECT_TRUE(d->client->import_certificate(org.issue(name, d->key)));
    auto& ref = *d;
    devices_[name] = std::move(d);
    return ref;
}

void MessengerTest::open(Device& d) {
    d.client = core::messaging::Client::open(d.dir, kPass, catalog());
    d.client->set_clock([] { return kNow; });
    d.client->set_transport_factory(hub_.factory(d.link));
}

void MessengerTest::reopen(Device& d) {
    d.client.reset();
    open(d);
}

}  // namespace lagrum::messaging_test
