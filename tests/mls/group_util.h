// Helpers shared by the group state machine tests (group_test.cpp,
// group_external_test.cpp): members, a test credential policy, group construction and
// delivery, and an error-code expectation.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lagrum/mls/group.h"

namespace lagrum::mls::group_test {

inline Credential cred(const std::string& name) {
    return Credential::basic(Bytes(name.begin(), name.end()));
}

// The test's credential policy: anyone but "mallory*".
inline GroupConfig config(bool encrypt_handshake = false) {
    GroupConfig c;
    c.credential_policy = [](const Credential& cr, ByteView) {
        const std::string id(cr.identity.begin(), cr.identity.end());
        return id.rfind("mallory", 0) != 0;
    };
    c.encrypt_handshake = encrypt_handshake;
    c.accept_external_commits = true;  // the default is off; the tests exercise them
    return c;
}

struct Member {
    std::string name;
    SignatureKeyPair sig = generate_signature_key_pair();
    std::optional<Group> group;
};

inline void expect_errc(MlsErrc code, const std::function<void()>& f, const char* what) {
    try {
        f();
        ADD_FAILURE() << what << ": no error, expected " << mls_errc_name(code);
    } catch (const MlsError& e) {
        EXPECT_EQ(e.code(), code) << what << ": got " << mls_errc_name(e.code()) << " (" << e.what()
                                  << "), expected " << mls_errc_name(code);
    }
}

inline Bytes bytes(const std::string& s) {
    return Bytes(s.begin(), s.end());
}

// A group of `n` members built by one commit adding everyone.
inline std::vector<std::unique_ptr<Member>> make_group(int n, const GroupConfig& cfg = config()) {
    std::vector<std::unique_ptr<Member>> ms;
    for (int i = 0; i < n; ++i) {
        ms.push_back(std::make_unique<Member>());
        ms.back()->name = "member" + std::to_string(i);
    }
    ms[0]->group = Group::create(bytes("group-1"), cred(ms[0]->name), ms[0]->sig.private_key, cfg);
    if (n == 1) return ms;
    Group::CommitOptions opts;
    std::vector<KeyPackageBundle> kps;
    for (int i = 1; i < n; ++i) {
        kps.push_back(create_key_package(cred(ms[i]->name), ms[i]->sig.private_key));
        opts.by_value.push_back(Proposal{Add{kps.back().key_package}});
    }
    auto out = ms[0]->group->commit(opts);
    ms[0]->group->merge_pending_commit();
    for (int i = 1; i < n; ++i) {
        ms[i]->group = Group::join_from_message(*out.welcome, kps[i - 1], cfg);
    }
    return ms;
}

inline void deliver(std::vector<std::unique_ptr<Member>>& ms, std::size_t from, const Bytes& msg) {
    for (std::size_t i = 0; i < ms.size(); ++i) {
        if (i != from) ms[i]->group->handle(msg);
    }
}

}  // namespace lagrum::mls::group_test
