// Multi-process integration tests of the messenger (issue 9): real `lagrum` processes with
// their own encrypted profiles, three organisations and one real lagrum-relay.
//
//   LAGRUM_SOAK=1             the kill -9 test runs >= 200 kills instead of a few
//   LAGRUM_CLIENT_KEEP_TMP=1  keep each test's world folder (profiles, relay log)
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <random>
#include <regex>
#include <set>
#include <thread>

#include "client_harness.h"
#include "lagrum/core/legal/catalog.h"
#include "lagrum/core/messaging/client.h"
#include "lagrum/transport/grpc_transport.h"

#ifndef LAGRUM_CATALOG_SOURCE_DIR
#error "LAGRUM_CATALOG_SOURCE_DIR must name client/provisions"
#endif

namespace lagrum::clienttest {
namespace {

constexpr const char* kSoc = "se.boras.soc";
constexpr const char* kPol = "se.polisen";
constexpr const char* kSch = "se.boras.skola";
constexpr const char* kProvision = "osl-10-18a";

bool one_line(const std::string& s) {
    return !s.empty() && s.back() == '\n' && std::count(s.begin(), s.end(), '\n') == 1;
}

bool matches(const std::string& s, const char* pattern) {
    return std::regex_search(s, std::regex(pattern, std::regex::icase));
}

std::set<std::string> as_set(const json& a) {
    std::set<std::string> out;
    for (const auto& v : a) out.insert(v.get<std::string>());
    return out;
}

bool has_flag(const json& message, const std::string& flag) {
    for (const auto& f : message.at("flags")) {
        if (f == flag) return true;
    }
    return false;
}

class ClientIntegration : public ::testing::Test {
  protected:
    void SetUp() override {
        w.add_org("soc", kSoc, "Borås soc", "social_services");
        w.add_org("pol", kPol, "Polisen", "police");
        w.add_org("sch", kSch, "Skola", "school");
        w.start_relay();
    }

    // `lagrum send` of a 10 kap. 18 a § OSL message (social services -> police).
    // where: "--room" or "--to".
    RunResult send(const Member& from, const std::string& where, const std::string& target,
                   const std::string& text, bool as_json = true) {
        std::vector<std::string> a = {"send",      where,     target,
                                      "--subject", kSubject,  "--provision",
                                      kProvision,  "--facts", w.facts().string(),
                                      "--text",    text};
        if (as_json) a.push_back("--json");
        return w.as(from, a);
    }
    // As send(), but it must be sent to the relay now.
    void send_ok(const Member& from, const std::string& where, const std::string& target,
                 const std::string& text) {
        auto r = send(from, where, target, text);
        ASSERT_EQ(r.exit_code, 0) << r.describe();
        auto j = r.j();
        EXPECT_EQ(j.at("sent"), true) << r.describe();
        EXPECT_EQ(j.at("queued"), false) << r.describe();
    }
    // A police member's message to social services: 10 kap. 2 § OSL.
    RunResult send_police(const Member& from, const std::string& where, const std::string& target,
                          const std::string& text) {
        return w.as(from, {"send", where, target, "--subject", kSubject, "--provision", "osl-10-2",
                           "--facts", police_facts().string(), "--text", text, "--json"});
    }
    fs::path police_facts() {
        const auto f = w.dir() / "police-facts.json";
        if (!fs::exists(f)) write_file(f, R"({"necessary_for_own_task":true})");
        return f;
    }

    json sync(const Member& m) {
        auto r = w.as(m, {"sync", "--json"});
        EXPECT_EQ(r.exit_code, 0) << r.describe();
        return r.ok() ? r.j() : json::object();
    }
    json inbox(const Member& m) {
        auto r = w.as(m, {"inbox", "--json"});
        EXPECT_EQ(r.exit_code, 0) << r.describe();
        return r.ok() ? r.j() : json::array();
    }
    json outbox(const Member& m) {
        auto r = w.as(m, {"outbox", "--json"});
        EXPECT_EQ(r.exit_code, 0) << r.describe();
        return r.ok() ? r.j() : json::array();
    }
    json room(const Member& m, const std::string& name) {
        auto r = w.as(m, {"room", "list", "--json"});
        EXPECT_EQ(r.exit_code, 0) << r.describe();
        if (!r.ok()) return json();
        for (const auto& room : r.j()) {
            if (room.at("name") == name) return room;
        }
        return json();
    }

    World w;
};

const std::regex kIsoTime(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$)");

// The documented inbox entry (issue 9): id, room, sender{organisation_id, member_id, name,
// authority}, provision, marking{...}, flags, text, sent_at, received_at, outgoing.
void expect_message(const json& m, const std::string& room, const Member& sender,
                    const std::string& provision, const std::string& text, bool outgoing) {
    SCOPED_TRACE(m.dump());
    for (const char* key : {"id", "room", "sender", "provision", "marking", "flags", "text",
                            "sent_at", "received_at", "outgoing"}) {
        EXPECT_TRUE(m.contains(key)) << "missing key " << key;
    }
    EXPECT_TRUE(m.at("id").is_number_integer());
    EXPECT_EQ(m.at("room"), room);
    const auto& s = m.at("sender");
    EXPECT_EQ(s.size(), 4u);
    EXPECT_EQ(s.at("organisation_id"), sender.org_id);
    EXPECT_EQ(s.at("member_id"), sender.member_id);
    EXPECT_EQ(s.at("name"), sender.display_name);
    EXPECT_EQ(s.at("authority"), sender.authority);
    EXPECT_EQ(m.at("provision"), provision);
    ASSERT_TRUE(m.at("marking").is_object());
    EXPECT_EQ(m.at("marking").at("provision"), provision);
    EXPECT_EQ(m.at("marking").at("authority"), sender.authority);
    EXPECT_FALSE(m.at("marking").at("citation").get<std::string>().empty());
    EXPECT_TRUE(std::regex_match(m.at("marking").at("date").get<std::string>(),
                                 std::regex(R"(^\d{4}-\d{2}-\d{2}$)")));
    EXPECT_TRUE(m.at("flags").is_array());
    EXPECT_TRUE(m.at("flags").empty());
    EXPECT_EQ(m.at("text"), text);
    EXPECT_EQ(m.at("outgoing"), outgoing);
    EXPECT_TRUE(std::regex_match(m.at("sent_at").get<std::string>(), kIsoTime));
    EXPECT_TRUE(std::regex_match(m.at("received_at").get<std::string>(), kIsoTime));
}

// 1. A direct conversation both ways between social services and the police.
TEST_F(ClientIntegration, DirectMessagesBothWays) {
    auto& anna = w.add_member("anna", "soc", "anna", "Anna", "socialsekreterare");
    auto& bo = w.add_member("bo", "pol", "bo", "Bo", "utredare");

    auto r = send(anna, "--to", bo.address(), "Hej Bo, om pojken");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    const auto sent = r.j();
    EXPECT_EQ(sent.at("verdict").at("verdict"), "allowed");
    EXPECT_EQ(sent.at("sent"), true);
    EXPECT_EQ(sent.at("queued"), false);
    EXPECT_GT(sent.at("message_id").get<std::int64_t>(), 0);
    const std::string dm = sent.at("room").get<std::string>();

    auto s = sync(bo);
    EXPECT_EQ(s.value("joined", -1), 1) << s.dump();
    EXPECT_EQ(s.value("messages", -1), 1) << s.dump();
    EXPECT_EQ(s.value("errors", -1), 0) << s.dump();

    auto in = inbox(bo);
    ASSERT_EQ(in.size(), 1u) << in.dump();
    expect_message(in[0], dm, anna, kProvision, "Hej Bo, om pojken", false);

    // The answer goes into the same direct room (same shared name on both sides).
    r = send_police(bo, "--to", anna.address(), "Tack, vi tar det");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.j().at("room"), dm);
    EXPECT_EQ(r.j().at("sent"), true);

    s = sync(anna);
    EXPECT_EQ(s.value("messages", -1), 1) << s.dump();
    EXPECT_EQ(s.value("errors", -1), 0) << s.dump();
    in = inbox(anna);
    ASSERT_EQ(in.size(), 2u) << in.dump();
    expect_message(in[0], dm, anna, kProvision, "Hej Bo, om pojken", true);
    expect_message(in[1], dm, bo, "osl-10-2", "Tack, vi tar det", false);

    in = inbox(bo);
    ASSERT_EQ(in.size(), 2u) << in.dump();
    expect_message(in[0], dm, anna, kProvision, "Hej Bo, om pojken", false);
    expect_message(in[1], dm, bo, "osl-10-2", "Tack, vi tar det", true);
}

// 2. Six members from three organisations: 10:18 a to the room is refused (school
//    blocked), the suggested split to the police members goes through.
TEST_F(ClientIntegration, RoomOfSixRefusedThenSplitToPolice) {
    auto& anna = w.add_member("anna", "soc", "anna", "Anna", "socialsekreterare");
    auto& alva = w.add_member("alva", "soc", "alva", "Alva", "socialsekreterare");
    auto& bo = w.add_member("bo", "pol", "bo", "Bo", "utredare");
    auto& bert = w.add_member("bert", "pol", "bert", "Bert", "kommunpolis");
    auto& cia = w.add_member("cia", "sch", "cia", "Cia", "rektor");
    auto& cecilia = w.add_member("cecilia", "sch", "cecilia", "Cecilia", "kurator");
    const std::vector<Member*> others = {&alva, &bo, &bert, &cia, &cecilia};

    std::string list;
    for (auto* m : others) list += (list.empty() ? "" : ",") + m->address();
    auto r = w.as(anna, {"room", "create", "risk", "--members", list, "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.j().at("members").size(), 6u) << r.out;
    for (auto* m : others) {
        auto s = sync(*m);
        EXPECT_EQ(s.value("joined", -1), 1) << m->key << " " << s.dump();
    }

    const std::string text = "Oro: pojken rekryteras till ett gäng";
    r = send(anna, "--room", "risk", text);
    ASSERT_EQ(r.exit_code, 3) << r.describe();
    EXPECT_TRUE(one_line(r.err)) << r.describe();
    const auto v = r.j();  // the verdict JSON, as `lagrum check` prints it
    EXPECT_EQ(v.at("verdict"), "blocked");
    std::map<std::string, std::string> per_recipient;
    for (const auto& rv : v.at("recipients")) {
        per_recipient[rv.at("id").get<std::string>()] = rv.at("verdict").get<std::string>();
    }
    EXPECT_EQ(per_recipient.size(), 5u) << v.dump();
    EXPECT_EQ(per_recipient[cia.address()], "blocked") << v.dump();
    EXPECT_EQ(per_recipient[cecilia.address()], "blocked") << v.dump();
    EXPECT_EQ(per_recipient[bo.address()], "allowed") << v.dump();
    EXPECT_EQ(per_recipient[bert.address()], "allowed") << v.dump();
    bool police_suggestion = false;
    for (const auto& s : v.at("suggestions")) {
        if (as_set(s.at("recipients")) == std::set<std::string>{bo.address(), bert.address()}) {
            police_suggestion = true;
        }
    }
    EXPECT_TRUE(police_suggestion)
        << "no suggestion naming exactly the police members: " << v.dump();
    // Nothing was queued.
    EXPECT_EQ(outbox(anna), json::array());
    EXPECT_EQ(room(anna, "risk").value("queued", -1), 0);

    // The split the check suggests: each police member directly.
    send_ok(anna, "--to", bo.address(), text);
    send_ok(anna, "--to", bert.address(), text);

    for (auto* m : {&bo, &bert}) {
        auto s = sync(*m);
        EXPECT_EQ(s.value("errors", -1), 0) << s.dump();
        auto got = with_text(inbox(*m), text);
        ASSERT_EQ(got.size(), 1u) << m->key;
        EXPECT_EQ(got[0].at("sender").at("member_id"), "anna");
        EXPECT_TRUE(got[0].at("flags").empty()) << got[0].dump();
    }
    for (auto* m : {&cia, &cecilia, &alva}) {
        auto s = sync(*m);
        EXPECT_EQ(s.value("messages", -1), 0) << m->key << " " << s.dump();
        EXPECT_EQ(inbox(*m), json::array()) << m->key;
    }
}

// 3. Add and remove members: the removed one reads nothing later, the added one reads
//    what was sent after it joined.
TEST_F(ClientIntegration, AddAndRemoveMembers) {
    auto& anna = w.add_member("anna", "soc", "anna", "Anna", "socialsekreterare");
    auto& bo = w.add_member("bo", "pol", "bo", "Bo", "utredare");
    auto& bert = w.add_member("bert", "pol", "bert", "Bert", "kommunpolis");

    auto r = w.as(anna, {"room", "create", "team", "--members", bo.address()});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(sync(bo).value("joined", -1), 1);
    send_ok(anna, "--room", "team", "före tillägget");
    sync(bo);
    EXPECT_EQ(incoming_texts(inbox(bo)), std::vector<std::string>{"före tillägget"});

    r = w.as(anna, {"room", "add", "team", bert.address(), "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.j().at("members").size(), 3u) << r.out;
    EXPECT_EQ(sync(bert).value("joined", -1), 1);
    send_ok(anna, "--room", "team", "efter tillägget");

    r = w.as(anna, {"room", "remove", "team", bo.address(), "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    std::set<std::string> left;
    const auto after_remove = r.j();
    for (const auto& m : after_remove.at("members"))
        left.insert(m.at("address").get<std::string>());
    EXPECT_EQ(left, (std::set<std::string>{anna.address(), bert.address()})) << r.out;
    send_ok(anna, "--room", "team", "efter borttagningen");

    auto s = sync(bert);
    EXPECT_EQ(s.value("errors", -1), 0) << s.dump();
    EXPECT_EQ(incoming_texts(inbox(bert)),
              (std::vector<std::string>{"efter tillägget", "efter borttagningen"}));

    s = sync(bo);
    EXPECT_EQ(s.value("errors", -1), 0) << s.dump();
    EXPECT_EQ(incoming_texts(inbox(bo)),
              (std::vector<std::string>{"före tillägget", "efter tillägget"}));
    auto team = room(bo, "team");
    ASSERT_TRUE(team.is_object());
    EXPECT_EQ(team.at("active"), false) << team.dump();

    // Sending into a room we were removed from is an error, not a silent queue.
    r = send(bo, "--room", "team", "får inte gå ut");
    EXPECT_NE(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.signal, 0);
}

// 4. Relay down: send queues (exit 0), the outbox shows it; relay up on the same database:
//    sync delivers, the receiver gets each message once, in order.
TEST_F(ClientIntegration, RelayDownQueuesThenDeliversExactlyOnceInOrder) {
    auto& anna = w.add_member("anna", "soc", "anna", "Anna", "socialsekreterare");
    auto& bo = w.add_member("bo", "pol", "bo", "Bo", "utredare");
    send_ok(anna, "--to", bo.address(), "före avbrottet");
    sync(bo);

    w.stop_relay();
    auto r = send(anna, "--to", bo.address(), "köad 1", /*as_json=*/false);
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_TRUE(matches(r.out, "queued")) << r.describe();
    for (const char* text : {"köad 2", "köad 3"}) {
        r = send(anna, "--to", bo.address(), text);
        ASSERT_EQ(r.exit_code, 0) << r.describe();
        EXPECT_EQ(r.j().at("queued"), true) << r.out;
        EXPECT_EQ(r.j().at("sent"), false) << r.out;
    }
    auto out = outbox(anna);
    std::vector<std::string> waiting;
    for (const auto& e : out) {
        if (e.at("state") != "sent") waiting.push_back(e.at("state").get<std::string>());
    }
    EXPECT_EQ(waiting.size(), 3u) << out.dump();
    for (const auto& s : waiting) EXPECT_TRUE(s == "queued" || s == "encrypted") << out.dump();

    // Offline sync: fine, says so, changes nothing.
    r = w.as(bo, {"sync", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    if (r.ok()) {
        EXPECT_EQ(r.j().at("relay_reachable"), false) << r.out;
    }

    w.start_relay();
    auto s = sync(anna);
    EXPECT_EQ(s.value("sent", -1), 3) << s.dump();
    for (const auto& e : outbox(anna)) EXPECT_EQ(e.at("state"), "sent") << e.dump();

    s = sync(bo);
    EXPECT_EQ(s.value("messages", -1), 3) << s.dump();
    EXPECT_EQ(s.value("errors", -1), 0) << s.dump();
    const std::vector<std::string> expected = {"före avbrottet", "köad 1", "köad 2", "köad 3"};
    EXPECT_EQ(incoming_texts(inbox(bo)), expected);

    // Again: nothing is sent or received twice.
    EXPECT_EQ(sync(anna).value("sent", -1), 0);
    EXPECT_EQ(sync(bo).value("messages", -1), 0);
    EXPECT_EQ(incoming_texts(inbox(bo)), expected);
}

// 5. Revocation: a message from a revoked member is rejected on receipt (recorded, text
//    not shown), and adding the revoked member to a room is refused.
TEST_F(ClientIntegration, RevokedMemberIsRejectedAndCannotJoin) {
    auto& anna = w.add_member("anna", "soc", "anna", "Anna", "socialsekreterare");
    auto& bo = w.add_member("bo", "pol", "bo", "Bo", "utredare");
    auto& bert = w.add_member("bert", "pol", "bert", "Bert", "kommunpolis");

    auto r =
        w.as(anna, {"room", "create", "case", "--members", bo.address() + "," + bert.address()});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    sync(bo);
    sync(bert);
    r = send_police(bo, "--room", "case", "före återkallelsen");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    sync(anna);
    auto before = with_text(inbox(anna), "före återkallelsen");
    ASSERT_EQ(before.size(), 1u);
    EXPECT_TRUE(before[0].at("flags").empty()) << before[0].dump();

    // The police revoke Bo's certificate; Bo (not told) sends once more.
    const auto crl = w.dir() / "pol.crl";
    r = w.run({"org", "revoke", w.org("pol").dir.string(), "--serial", std::to_string(bo.serial),
               "--out", crl.string(), "--json"},
              {{"LAGRUM_PASSPHRASE", World::kOrgPassphrase}});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.j().at("revoked_serials"), json::array({bo.serial}));
    r = send_police(bo, "--room", "case", "efter återkallelsen");
    ASSERT_EQ(r.exit_code, 0) << r.describe();

    for (auto* m : {&anna, &bert}) {
        r = w.as(*m, {"revocation", "import", crl.string()});
        ASSERT_EQ(r.exit_code, 0) << r.describe();
    }
    auto s = sync(anna);
    EXPECT_EQ(s.value("messages", -1), 1) << s.dump();
    EXPECT_EQ(s.value("flagged", -1), 1) << s.dump();
    auto in = inbox(anna);
    ASSERT_EQ(in.size(), 2u) << in.dump();
    const auto& rejected = in[1];
    EXPECT_EQ(rejected.at("outgoing"), false);
    EXPECT_TRUE(has_flag(rejected, "sender_rejected")) << rejected.dump();
    EXPECT_EQ(rejected.at("text"), "") << rejected.dump();
    EXPECT_FALSE(rejected.at("flag_reasons").get<std::string>().empty()) << rejected.dump();
    EXPECT_TRUE(with_text(in, "efter återkallelsen").empty());
    // Bert (police, same room) has the list too.
    sync(bert);
    for (const auto& m : inbox(bert)) {
        EXPECT_NE(m.at("text"), "efter återkallelsen") << m.dump();
    }

    // Someone else adding the revoked member is refused, clearly.
    r = w.as(anna, {"room", "create", "ny"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    r = w.as(anna, {"room", "add", "ny", bo.address()});
    EXPECT_NE(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.signal, 0);
    EXPECT_TRUE(one_line(r.err)) << r.describe();
    EXPECT_TRUE(matches(r.err, "revok|certificate")) << r.describe();
    EXPECT_EQ(room(anna, "ny").at("members").size(), 1u);
    // And a new direct conversation with the revoked member is refused the same way.
    r = send(anna, "--to", bo.address(), "till en återkallad");
    EXPECT_NE(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.signal, 0);
}

// 6. A modified sender alters the marking after the check, before encryption: the
//    receiver stores and shows the message, flagged marking_invalid with a reason.
TEST_F(ClientIntegration, TamperedMarkingIsFlaggedNotDropped) {
    auto& anna = w.add_member("anna", "soc", "anna", "Anna", "socialsekreterare");
    auto& bo = w.add_member("bo", "pol", "bo", "Bo", "utredare");
    send_ok(anna, "--to", bo.address(), "oförändrad");
    sync(bo);

    auto loaded = core::legal::load_catalog(LAGRUM_CATALOG_SOURCE_DIR);
    ASSERT_TRUE(std::holds_alternative<core::legal::Catalog>(loaded));
    const auto& catalog = std::get<core::legal::Catalog>(loaded);
    {
        auto client = core::messaging::Client::open(anna.profile, anna.passphrase, catalog);
        client->set_transport_factory([](const std::string& address, const std::string& ca) {
            return transport::make_grpc_transport(address, ca);
        });
        auto tampered = [&](const std::string& text,
                            std::function<void(content::v1::Content&)> tamper) {
            core::messaging::SendRequest req;
            req.to = bo.address();
            req.subject = kSubject;
            req.provision = kProvision;
            req.facts_json = kFacts;
            req.text = text;
            req.tamper_for_testing = std::move(tamper);
            auto res = client->send(req);
            EXPECT_TRUE(res.allowed) << res.verdict_json;
            EXPECT_TRUE(res.sent);
        };
        tampered("ändrad bestämmelse", [](content::v1::Content& c) {
            c.mutable_disclosure()->mutable_marking()->set_provision("osl-10-20");
        });
        tampered("ändrad myndighet", [](content::v1::Content& c) {
            c.mutable_disclosure()->mutable_marking()->set_authority("police");
        });
    }

    auto s = sync(bo);
    EXPECT_EQ(s.value("messages", -1), 2) << s.dump();
    EXPECT_EQ(s.value("flagged", -1), 2) << s.dump();
    auto in = inbox(bo);
    ASSERT_EQ(in.size(), 3u) << in.dump();
    EXPECT_EQ(in[0].at("text"), "oförändrad");
    EXPECT_TRUE(in[0].at("flags").empty());

    EXPECT_EQ(in[1].at("text"), "ändrad bestämmelse");
    EXPECT_TRUE(has_flag(in[1], "marking_invalid")) << in[1].dump();
    EXPECT_FALSE(in[1].at("flag_reasons").get<std::string>().empty()) << in[1].dump();
    EXPECT_EQ(in[1].at("marking").at("provision"), "osl-10-20") << in[1].dump();

    EXPECT_EQ(in[2].at("text"), "ändrad myndighet");
    EXPECT_TRUE(has_flag(in[2], "marking_invalid")) << in[2].dump();
    EXPECT_TRUE(matches(in[2].at("flag_reasons").get<std::string>(), "authority")) << in[2].dump();

    // Shown to people with the flag, never hidden.
    auto text = w.as(bo, {"inbox"});
    ASSERT_EQ(text.exit_code, 0) << text.describe();
    EXPECT_TRUE(matches(text.out, "FLAGGED")) << text.out;
    EXPECT_TRUE(matches(text.out, "marking_invalid")) << text.out;
    EXPECT_TRUE(matches(text.out, "ändrad myndighet")) << text.out;
}

// 7. Wrong passphrase, passwd, a damaged and a truncated database.
TEST_F(ClientIntegration, WrongPassphraseCorruptionAndPasswd) {
    auto& anna = w.add_member("anna", "soc", "anna", "Anna", "socialsekreterare");
    auto& bo = w.add_member("bo", "pol", "bo", "Bo", "utredare");
    send_ok(anna, "--to", bo.address(), "något att lagra");
    const auto db = anna.profile / "store.db";
    const auto key = anna.profile / "key";
    ASSERT_TRUE(fs::exists(db));
    ASSERT_TRUE(fs::exists(key));

    const std::string db_before = read_file(db), key_before = read_file(key);
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"inbox", "--json"},
             {"send", "--to", bo.address(), "--subject", kSubject, "--provision", kProvision,
              "--facts", w.facts().string(), "--text", "fel lösenfras"},
             {"sync"}}) {
        auto r = w.as(anna, args, {{"LAGRUM_PASSPHRASE", "fel"}});
        EXPECT_EQ(r.exit_code, 1) << r.describe();
        EXPECT_EQ(r.signal, 0);
        EXPECT_TRUE(one_line(r.err)) << r.describe();
        EXPECT_TRUE(matches(r.err, "passphrase")) << r.describe();
        EXPECT_TRUE(r.out.empty()) << r.describe();
    }
    EXPECT_TRUE(read_file(db) == db_before) << "store.db changed after wrong passphrases";
    EXPECT_TRUE(read_file(key) == key_before) << "key changed after wrong passphrases";

    // passwd: the old passphrase stops working, the new one works.
    auto r = w.as(anna, {"passwd"}, {{"LAGRUM_NEW_PASSPHRASE", "nytt-lösen"}});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    r = w.as(anna, {"inbox", "--json"});
    EXPECT_EQ(r.exit_code, 1) << r.describe();
    EXPECT_TRUE(matches(r.err, "passphrase")) << r.describe();
    anna.passphrase = "nytt-lösen";
    ASSERT_EQ(with_text(inbox(anna), "något att lagra").size(), 1u);

    // Damage: flip bytes in the middle of the file (the middle half of its pages).
    ASSERT_FALSE(fs::exists(anna.profile / "store.db-wal") &&
                 fs::file_size(anna.profile / "store.db-wal") > 0)
        << "a WAL after a clean exit would hide the damage";
    const std::string good = read_file(db);
    constexpr std::size_t kPage =
        4096;  // the store's cipher page size (client/core/src/store/database.cpp)
    const std::size_t pages = good.size() / kPage;
    ASSERT_GE(pages, 4u);
    auto expect_damage_reported = [&](const char* what) {
        for (const auto& args : std::vector<std::vector<std::string>>{
                 {"inbox", "--json"}, {"room", "list", "--json"}, {"sync", "--json"}}) {
            auto res = w.as(anna, args);
            SCOPED_TRACE(what);
            EXPECT_EQ(res.exit_code, 1) << res.describe();
            EXPECT_EQ(res.signal, 0) << res.describe();
            EXPECT_TRUE(one_line(res.err)) << res.describe();
            EXPECT_TRUE(matches(res.err, "damage|corrupt|truncat")) << res.describe();
        }
    };
    {
        std::string bad = good;
        for (std::size_t p = pages / 4; p < pages - pages / 4; ++p) {
            for (std::size_t i = 0; i < 8; ++i) bad[p * kPage + kPage / 2 + i] ^= '\xff';
        }
        write_file(db, bad);
        expect_damage_reported("bytes flipped");
    }
    {
        write_file(db, good.substr(0, good.size() / 2 + 100));
        expect_damage_reported("truncated mid-page");
    }
    {
        write_file(db, good.substr(0, (pages / 2) * kPage));
        expect_damage_reported("truncated at a page boundary");
    }
    // The intact file works again: the damage, not something else, was reported.
    write_file(db, good);
    EXPECT_EQ(with_text(inbox(anna), "något att lagra").size(), 1u);
}

// 8. The relay's database and log never hold message text or the personnummer.
TEST_F(ClientIntegration, RelayStoresNoPlaintext) {
    auto& anna = w.add_member("anna", "soc", "anna", "Anna", "socialsekreterare");
    auto& bo = w.add_member("bo", "pol", "bo", "Bo", "utredare");
    auto& bert = w.add_member("bert", "pol", "bert", "Bert", "kommunpolis");
    const std::string marker = "MARKÖR-qz7Jx-klartext-får-inte-synas";

    auto r =
        w.as(anna, {"room", "create", "skan", "--members", bo.address() + "," + bert.address()});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    sync(bo);
    sync(bert);
    send_ok(anna, "--room", "skan", marker + " 1");
    send_ok(anna, "--to", bo.address(), marker + " 2");
    r = send_police(bo, "--to", anna.address(), marker + " 3");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    sync(bo);
    sync(anna);
    // Bert has not synced: his copy still waits on the relay.
    send_ok(anna, "--room", "skan", marker + " 4");

    const std::vector<std::string> needles = {marker, "qz7Jx", kSubject, "0801012386",
                                              "080101-2386"};
    auto scan = [&](const char* when) {
        int files = 0;
        for (const auto& entry : fs::directory_iterator(w.dir())) {
            const auto name = entry.path().filename().string();
            if (name.rfind("relay.db", 0) != 0 && name.rfind("relay.log", 0) != 0 &&
                name != "relay.stderr") {
                continue;
            }
            ++files;
            const auto bytes = read_file(entry.path());
            for (const auto& n : needles) {
                EXPECT_FALSE(contains_bytes(bytes, n)) << when << ": " << name << " holds " << n;
            }
        }
        EXPECT_GE(files, 2) << when;
    };
    EXPECT_TRUE(fs::exists(w.relay_db()));
    EXPECT_GT(fs::file_size(w.relay_log()), 0u);
    scan("relay running");
    w.stop_relay();
    scan("relay stopped");
}

// 9. kill -9 of a receiving `lagrum sync` at random points while messages arrive: in the
//    end every message is there exactly once, in order, and the group did not fork.
TEST_F(ClientIntegration, KillNineDuringSyncLosesNothingAndDuplicatesNothing) {
    auto& anna = w.add_member("anna", "soc", "anna", "Anna", "socialsekreterare");
    auto& bo = w.add_member("bo", "pol", "bo", "Bo", "utredare");
    const char* soak_env = std::getenv("LAGRUM_SOAK");
    const bool soak = soak_env != nullptr && std::string(soak_env) == "1";
    const int messages = 30;
    const int min_kills = soak ? 200 : 5;
    const int max_runs = soak ? 2000 : 400;

    auto r = w.as(anna, {"room", "create", "kill", "--members", bo.address()});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    // The random kill point is drawn from [0, max_delay]; max_delay follows how long a sync
    // takes here (ASan, a loaded machine): it grows after a kill and shrinks after a sync
    // that finished first, so kills land anywhere in a sync's life, and some syncs finish.
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(sync(bo).value("joined", -1), 1);
    std::int64_t max_delay_us = std::clamp<std::int64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0)
            .count(),
        1000, 5'000'000);

    std::vector<std::string> expected;
    for (int i = 0; i < messages; ++i) {
        expected.push_back("meddelande " + std::string(i < 10 ? "0" : "") + std::to_string(i));
    }
    std::atomic<bool> sender_done{false};
    std::mutex mu;
    std::vector<std::string> send_failures;
    std::thread sender([&] {
        for (const auto& text : expected) {
            auto res = send(anna, "--room", "kill", text);
            if (!res.ok() || res.j().at("sent") != true) {
                std::lock_guard lock(mu);
                send_failures.push_back(res.describe());
            }
        }
        sender_done = true;
    });

    const auto seed = std::random_device{}();
    std::mt19937 rng(seed);
    int kills = 0, runs = 0, finished = 0;
    std::vector<std::string> bad_exits;
    while ((kills < min_kills || !sender_done) && runs < max_runs) {
        auto child = w.spawn_as(bo, {"sync", "--json"});
        // The random kill point (not synchronisation: the point of the test).
        const auto delay = std::uniform_int_distribution<std::int64_t>(0, max_delay_us)(rng);
        std::this_thread::sleep_for(std::chrono::microseconds(delay));
        auto res = child.kill9();
        ++runs;
        if (res.signal == SIGKILL) {
            ++kills;
            max_delay_us = std::min<std::int64_t>(max_delay_us * 11 / 10, 5'000'000);
        } else {
            ++finished;
            max_delay_us = std::max<std::int64_t>(max_delay_us * 9 / 10, 1000);
            if (res.exit_code != 0) bad_exits.push_back(res.describe());
        }
    }
    sender.join();
    RecordProperty("kill_seed", std::to_string(seed));
    std::cout << "[ kill -9 ] seed " << seed << ": " << runs << " sync runs, " << kills
              << " killed, " << finished << " finished; final max delay " << max_delay_us
              << " us\n";
    EXPECT_TRUE(send_failures.empty()) << send_failures.front();
    EXPECT_TRUE(bad_exits.empty()) << bad_exits.size() << " sync runs failed; first:\n"
                                   << bad_exits.front();
    EXPECT_GE(kills, min_kills) << "seed " << seed;

    // A clean sync: every message once, in order.
    auto s = sync(bo);
    EXPECT_EQ(s.value("errors", -1), 0) << s.dump() << " seed " << seed;
    EXPECT_EQ(incoming_texts(inbox(bo)), expected) << "seed " << seed;
    for (const auto& m : inbox(bo)) EXPECT_TRUE(m.at("flags").empty()) << m.dump();

    // The group did not fork: new messages both ways still decrypt.
    send_ok(anna, "--room", "kill", "efter allt");
    s = sync(bo);
    EXPECT_EQ(s.value("messages", -1), 1) << s.dump() << " seed " << seed;
    EXPECT_EQ(s.value("errors", -1), 0) << s.dump() << " seed " << seed;
    auto texts = incoming_texts(inbox(bo));
    ASSERT_FALSE(texts.empty());
    EXPECT_EQ(texts.back(), "efter allt");
    r = send_police(bo, "--room", "kill", "svar efter allt");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    s = sync(anna);
    EXPECT_EQ(s.value("errors", -1), 0) << s.dump();
    EXPECT_EQ(incoming_texts(inbox(anna)), std::vector<std::string>{"svar efter allt"});
}

// Bad input to send: exit 2, one line on stderr, nothing queued.
TEST_F(ClientIntegration, SendBadInputIsExitTwoWithOneLine) {
    auto& anna = w.add_member("anna", "soc", "anna", "Anna", "socialsekreterare");
    auto& bo = w.add_member("bo", "pol", "bo", "Bo", "utredare");
    ASSERT_EQ(w.as(anna, {"room", "create", "rum", "--members", bo.address()}).exit_code, 0);

    auto base = [&](const std::string& subject, const std::string& provision) {
        return std::vector<std::string>{
            "send",    "--subject",        subject,  "--provision", provision,
            "--facts", w.facts().string(), "--text", "hej"};
    };
    struct Case {
        const char* what;
        std::vector<std::string> args;
    };
    std::vector<Case> cases;
    {
        auto a = base(kSubject, kProvision);
        a.insert(a.end(), {"--room", "rum", "--to", bo.address()});
        cases.push_back({"both --room and --to", a});
    }
    {
        auto a = base(kSubject, "osl-99-99");
        a.insert(a.end(), {"--room", "rum"});
        cases.push_back({"unknown provision", a});
    }
    {
        auto a = base("200801012387", kProvision);  // wrong check digit
        a.insert(a.end(), {"--room", "rum"});
        cases.push_back({"bad personnummer", a});
    }
    {
        auto a = base("20080101", kProvision);
        a.insert(a.end(), {"--to", bo.address()});
        cases.push_back({"short personnummer, --to", a});
    }
    for (const auto& c : cases) {
        auto r = w.as(anna, c.args);
        EXPECT_EQ(r.exit_code, 2) << c.what << "\n" << r.describe();
        EXPECT_TRUE(one_line(r.err)) << c.what << "\n" << r.describe();
        EXPECT_TRUE(r.out.empty()) << c.what << "\n" << r.describe();
    }
    EXPECT_EQ(outbox(anna), json::array());
    EXPECT_EQ(inbox(anna), json::array());
}

// `lagrum verify --mark/--unmark`: the verified mark follows the contact's device keys;
// a second device of the contact ends it. Bad input: exit 2 with one line.
TEST_F(ClientIntegration, VerifyMarkFollowsTheDeviceKeys) {
    auto& anna = w.add_member("anna", "soc", "anna", "Anna", "socialsekreterare");
    auto& bo = w.add_member("bo", "pol", "bo", "Bo", "utredare");
    ASSERT_EQ(w.as(anna, {"room", "create", "rum", "--members", bo.address()}).exit_code, 0);
    auto verify = [&](std::vector<std::string> extra) {
        std::vector<std::string> a = {"verify", bo.address(), "--json"};
        a.insert(a.end(), extra.begin(), extra.end());
        auto r = w.as(anna, a);
        EXPECT_EQ(r.exit_code, 0) << r.describe();
        return r.ok() ? r.j() : json::object();
    };
    auto first = verify({});
    EXPECT_EQ(first.at("verified"), false) << first.dump();
    const std::string digits = first.at("safety_number").get<std::string>();
    // The existing keys are still there.
    EXPECT_EQ(first.at("contact"), bo.address());
    EXPECT_EQ(first.at("groups").size(), 12u);

    auto marked = verify({"--mark", "--number", digits});
    EXPECT_EQ(marked.at("verified"), true) << marked.dump();
    EXPECT_EQ(marked.at("safety_number"), digits);
    EXPECT_EQ(verify({}).at("verified"), true);
    // Text output says so.
    auto text = w.as(anna, {"verify", bo.address()});
    EXPECT_EQ(text.exit_code, 0) << text.describe();
    EXPECT_TRUE(matches(text.out, "Verifierad")) << text.out;
    // The room list shows it per member.
    auto r = room(anna, "rum");
    bool seen = false;
    for (const auto& m : r.at("members")) {
        if (m.at("address") == bo.address()) {
            EXPECT_EQ(m.at("verified"), true) << r.dump();
            seen = true;
        }
    }
    EXPECT_TRUE(seen) << r.dump();

    EXPECT_EQ(verify({"--unmark"}).at("verified"), false);
    EXPECT_EQ(verify({"--mark"}).at("verified"), true);

    // Bo's second device: once anna shares a room with it, the number changes.
    w.add_member("bo2", "pol", "bo", "Bo", "utredare");
    ASSERT_EQ(w.as(anna, {"room", "create", "rum2", "--members", bo.address()}).exit_code, 0);
    auto lost = verify({});
    EXPECT_NE(lost.at("safety_number"), digits);
    EXPECT_EQ(lost.at("verified"), false) << lost.dump();
    EXPECT_EQ(lost.at("verification_lost"), true) << lost.dump();
    text = w.as(anna, {"verify", bo.address()});
    EXPECT_TRUE(matches(text.out, "no longer verified")) << text.out;

    // The number compared before the change is refused (exit 1: a conflict, not input).
    auto stale = w.as(anna, {"verify", bo.address(), "--mark", "--number", digits});
    EXPECT_EQ(stale.exit_code, 1) << stale.describe();
    EXPECT_TRUE(one_line(stale.err)) << stale.describe();
    EXPECT_EQ(verify({}).at("verified"), false);

    struct Case {
        const char* what;
        std::vector<std::string> args;
    };
    const std::vector<Case> cases = {
        {"--mark and --unmark", {"verify", bo.address(), "--mark", "--unmark"}},
        {"--number without --mark", {"verify", bo.address(), "--number", digits}},
        {"malformed address", {"verify", "bo", "--mark"}},
        {"self", {"verify", anna.address(), "--mark"}},
    };
    for (const auto& c : cases) {
        auto bad = w.as(anna, c.args);
        EXPECT_EQ(bad.exit_code, 2) << c.what << "\n" << bad.describe();
        EXPECT_TRUE(one_line(bad.err)) << c.what << "\n" << bad.describe();
    }
    EXPECT_EQ(verify({}).at("verified"), false);
}

}  // namespace
}  // namespace lagrum::clienttest
