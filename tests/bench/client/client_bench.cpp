// Two clients (in this process, each with its own SQLCipher profile) exchange
// provision-checked messages through a real lagrum-relay on a unix socket.
//
//   Send/Stored          one message: check, MLS-encrypt, outbox, relay; the receiver's
//                        sync decrypts, re-validates the marking and stores it.
//                        Counters p50/p99 (ms) over the iterations.
//   Send/Burst100        100 sends, then one receiver sync: messages/s.
//   Relay/RawRoundTrip   the same relay round trip with an opaque ciphertext and no
//                        client work (baseline: what the relay alone costs).
//   Profile/Open         Client::open with the store's Argon2id parameters, against
//   Argon2id/Store       the key derivation alone.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <memory>

#include "lagrum/bench/ratio_reporter.h"
#include "lagrum/core/legal/catalog.h"
#include "lagrum/core/messaging/client.h"
#include "lagrum/core/store/profile_key.h"
#include "lagrum/crypto/argon2.h"
#include "lagrum/crypto/random.h"
#include "lagrum/transport/grpc_transport.h"
#include "relay_harness.h"

namespace {

using namespace lagrum;
using relaytest::fs::path;

struct World {
    relaytest::TempDir tmp;
    relaytest::Org org{"se.bench.polisen"};
    std::unique_ptr<relaytest::RelayProcess> relay;
    core::legal::Catalog catalog;
    std::unique_ptr<core::messaging::Client> a, b;
    std::string room = "bench";

    World() {
        auto loaded = core::legal::load_catalog(LAGRUM_CATALOG_SOURCE_DIR);
        catalog = std::move(std::get<core::legal::Catalog>(loaded));
        relay = std::make_unique<relaytest::RelayProcess>(
            tmp.path(),
            org.trust_toml() + "[limits]\nrate_per_second = 100000\nrate_burst = 100000\n");
        relay->start();
        a = make("a");
        b = make("b");
        a->create_room(room, {org.id + "/b"});
        b->sync();
    }

    cert::v1::OrganisationRoot anchor() const {
        cert::v1::OrganisationRoot r;
        r.set_organisation_id(org.id);
        r.set_name(org.id);
        r.set_authority_type(cert::v1::AUTHORITY_TYPE_POLICE);
        r.set_root_public_key(relaytest::str(org.root.public_key));
        return r;
    }

    std::unique_ptr<core::messaging::Client> make(const std::string& member) {
        const path dir = tmp.path() / member;
        core::messaging::InitOptions o;
        o.relay = "unix:" + (tmp.path() / "relay.sock").string();
        o.trust = {anchor()};
        o.kdf = crypto::kArgon2Test;
        const auto key = core::messaging::Client::init(dir, "pw", o);
        auto c = core::messaging::Client::open(dir, "pw", catalog);
        c->set_transport_factory([](const std::string& addr, const std::string& ca) {
            return transport::make_grpc_transport(addr, ca);
        });
        const auto now = relaytest::unix_now();
        c->import_certificate(org.issue(member, key, now - 60, now + 86400));
        return c;
    }

    core::messaging::SendRequest request() const {
        core::messaging::SendRequest r;
        r.room = room;
        r.subject = "200801012386";
        r.provision = "osl-10-2";
        r.facts_json = R"({"necessary_for_own_task":true})";
        r.text = std::string(200, 'x');
        return r;
    }
};

World& world() {
    static World w;
    return w;
}

void Send_Stored(benchmark::State& state) {
    auto& w = world();
    const auto req = w.request();
    std::vector<double> ms;
    for (auto _ : state) {
        const auto t0 = std::chrono::steady_clock::now();
        auto r = w.a->send(req);
        if (!r.sent) state.SkipWithError("not sent");
        auto rep = w.b->sync();
        if (rep.messages != 1) state.SkipWithError("not received");
        ms.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count());
    }
    std::sort(ms.begin(), ms.end());
    if (!ms.empty()) {
        state.counters["p50_ms"] = ms[ms.size() / 2];
        state.counters["p99_ms"] = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
    }
}
BENCHMARK(Send_Stored)->Name("Send/Stored")->Iterations(200)->UseRealTime();

void Send_Burst(benchmark::State& state) {
    auto& w = world();
    const auto req = w.request();
    for (auto _ : state) {
        for (int i = 0; i < 100; ++i) w.a->send(req);
        auto rep = w.b->sync();
        if (rep.messages != 100) state.SkipWithError("not all received");
    }
    state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(Send_Burst)->Name("Send/Burst100")->Iterations(5)->UseRealTime();

void Relay_Raw(benchmark::State& state) {
    auto& w = world();
    // Two bare transports for the same devices would need their keys; instead register
    // two fresh devices in a fresh relay group and move opaque ciphertexts.
    auto stub = w.relay->stub();
    relaytest::Device da, db;
    const auto now = relaytest::unix_now();
    da.certificate = w.org.issue("rawa", da.key.public_key, now - 60, now + 86400);
    db.certificate = w.org.issue("rawb", db.key.public_key, now - 60, now + 86400);
    if (!relaytest::register_device(*stub, da).ok() ||
        !relaytest::register_device(*stub, db).ok()) {
        state.SkipWithError("register failed");
        return;
    }
    const std::string gid = relaytest::random_id();
    {
        relay::v1::CreateGroupRequest req;
        req.set_group_id(gid);
        relay::v1::CreateGroupResponse resp;
        auto ctx = relaytest::ctx_for(&da);
        stub->CreateGroup(ctx.get(), req, &resp);
        relay::v1::SendCommitRequest c;
        c.set_group_id(gid);
        c.set_envelope_id(relaytest::random_id());
        c.set_commit(relaytest::private_message(gid, 0, 3, crypto::random_bytes(64)));
        c.add_added_device_ids(db.id());
        relay::v1::SendCommitResponse cr;
        auto ctx2 = relaytest::ctx_for(&da);
        stub->SendCommit(ctx2.get(), c, &cr);
    }
    std::uint64_t after = 0;
    const auto ct = crypto::random_bytes(1024);
    for (auto _ : state) {
        relay::v1::SendMessageRequest m;
        m.set_group_id(gid);
        m.set_envelope_id(relaytest::random_id());
        m.set_message(relaytest::private_message(gid, 1, 1, ct));
        relay::v1::SendMessageResponse mr;
        auto ctx = relaytest::ctx_for(&da);
        stub->SendMessage(ctx.get(), m, &mr);
        relay::v1::SubscribeRequest s;
        s.set_after_seq(after);
        s.set_backlog_only(true);
        auto sctx = relaytest::ctx_for(&db);
        auto reader = stub->Subscribe(sctx.get(), s);
        relay::v1::Delivery d;
        while (reader->Read(&d)) after = d.seq();
        reader->Finish();
    }
}
BENCHMARK(Relay_Raw)->Name("Relay/RawRoundTrip")->Iterations(200)->UseRealTime();

void Profile_Open(benchmark::State& state) {
    relaytest::TempDir tmp;
    core::messaging::InitOptions o;
    o.relay = "unix:/nonexistent";
    o.trust = {world().anchor()};
    o.kdf = crypto::kArgon2Store;
    core::messaging::Client::init(tmp.path() / "p", "pw", o);
    for (auto _ : state) {
        auto c = core::messaging::Client::open(tmp.path() / "p", "pw", world().catalog);
        benchmark::DoNotOptimize(c.get());
    }
}
BENCHMARK(Profile_Open)->Name("Profile/Open")->Iterations(5)->UseRealTime();

void Argon2_Store(benchmark::State& state) {
    const auto salt = crypto::random_bytes(crypto::kArgon2SaltSize);
    for (auto _ : state) {
        auto k = crypto::argon2id_derive("pw", salt, 32, crypto::kArgon2Store);
        benchmark::DoNotOptimize(k);
    }
}
BENCHMARK(Argon2_Store)->Name("Argon2id/Store")->Iterations(5)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    lagrum::bench::RatioReporter reporter("Relay/RawRoundTrip/iterations:200/real_time");
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    return 0;
}
