// Fuzz target: the two ways in. A Welcome processed by a fixed joiner
// (Group::join_from_message), and a GroupInfo used for an external Commit join
// (Group::join_external, §12.4.3.2: GroupInfo, tree and external_pub checks).
// Property: any input either yields a group or throws MlsError; anything else aborts.
// Each input is tried raw and written over the valid Welcome / GroupInfo of the fixture
// (see fuzz::patch) so that decryption, signature and tree checks are reached.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "fuzz_fixture.h"

using namespace lagrum::mls;

namespace {

struct Fixture {
    KeyPackageBundle joiner;
    Bytes welcome;     // MLSMessage(Welcome) adding `joiner` to a 2-member group
    Bytes group_info;  // MLSMessage(GroupInfo) of the 3-member group, with tree
    SignatureKeyPair external_sig = generate_signature_key_pair();

    Fixture() {
        const auto alice_sig = generate_signature_key_pair();
        const auto bob_sig = generate_signature_key_pair();
        const auto carol_sig = generate_signature_key_pair();
        joiner = create_key_package(fuzz::credential("carol"), carol_sig.private_key);
        auto alice = Group::create(Bytes{'f', 'u', 'z', 'z'}, fuzz::credential("alice"),
                                   alice_sig.private_key, fuzz::accept_all());
        const auto bob = create_key_package(fuzz::credential("bob"), bob_sig.private_key);
        Group::CommitOptions opts;
        opts.by_value.push_back(Proposal{Add{bob.key_package}});
        opts.by_value.push_back(Proposal{Add{joiner.key_package}});
        auto out = alice.commit(opts);
        alice.merge_pending_commit();
        welcome = *out.welcome;
        // The fixture itself must work, or the target would only test error paths.
        (void)Group::join_from_message(welcome, joiner, fuzz::accept_all());
        group_info = alice.group_info(true);
        (void)Group::join_external(group_info, fuzz::credential("dave"), external_sig.private_key,
                                   fuzz::accept_all(), {});
    }
};

const Fixture& fixture() {
    static const Fixture f;
    return f;
}

void run(ByteView in) {
    fuzz::only_mls_errors(
        [&] { (void)Group::join_from_message(in, fixture().joiner, fuzz::accept_all()); });
}

void run_external(ByteView in) {
    fuzz::only_mls_errors([&] {
        (void)Group::join_external(in, fuzz::credential("dave"), fixture().external_sig.private_key,
                                   fuzz::accept_all(), {});
    });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    run(ByteView(data, size));
    const Bytes patched = fuzz::patch(fixture().welcome, data, size);
    run(patched);
    run_external(ByteView(data, size));
    run_external(fuzz::patch(fixture().group_info, data, size));
    return 0;
}
