// Fuzz target: a member of a fixed 3-member group handles fuzzed handshake messages
// (Group::handle), member Commits and external Commits (§12.4.3.2) alike. The member's state is
// restored from a snapshot for every input, so a message that is accepted (or half-processed)
// cannot change the fixture. Property: any input is accepted or throws MlsError; anything else
// aborts. Each input is tried raw and written over a valid commit-with-path and a valid external
// Commit (see fuzz::patch).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "fuzz_fixture.h"

using namespace lagrum::mls;

namespace {

struct Fixture {
    SecretBytes member_state;  // bob's serialized state, epoch 1
    Bytes commit;              // alice's commit to epoch 2 (forced path), MLSMessage
    Bytes external;            // dave's external Commit to epoch 2, MLSMessage

    Fixture() {
        const auto alice_sig = generate_signature_key_pair();
        const auto bob_sig = generate_signature_key_pair();
        const auto carol_sig = generate_signature_key_pair();
        auto alice = Group::create(Bytes{'f', 'u', 'z', 'z'}, fuzz::credential("alice"),
                                   alice_sig.private_key, fuzz::accept_all());
        const auto bob = create_key_package(fuzz::credential("bob"), bob_sig.private_key);
        const auto carol = create_key_package(fuzz::credential("carol"), carol_sig.private_key);
        Group::CommitOptions add;
        add.by_value.push_back(Proposal{Add{bob.key_package}});
        add.by_value.push_back(Proposal{Add{carol.key_package}});
        auto out = alice.commit(add);
        alice.merge_pending_commit();
        const auto bob_group = Group::join_from_message(*out.welcome, bob, fuzz::accept_all());
        member_state = bob_group.serialize();

        const auto dave_sig = generate_signature_key_pair();
        external = Group::join_external(alice.group_info(true), fuzz::credential("dave"),
                                        dave_sig.private_key, fuzz::accept_all(), {})
                       .commit;
        Group::CommitOptions empty;
        empty.force_path = true;
        commit = alice.commit(empty).commit;
        // The fixture itself must work, or the target would only test error paths.
        auto check = Group::restore(member_state, fuzz::accept_all());
        (void)check.handle(commit);
        if (check.epoch() != 2) std::abort();
        auto check_external = Group::restore(member_state, fuzz::accept_all());
        (void)check_external.handle(external);
        if (check_external.epoch() != 2) std::abort();
    }
};

const Fixture& fixture() {
    static const Fixture f;
    return f;
}

void run(ByteView in) {
    fuzz::only_mls_errors([&] {
        auto member = Group::restore(fixture().member_state, fuzz::accept_all());
        (void)member.handle(in);
    });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    run(ByteView(data, size));
    const Bytes patched = fuzz::patch(fixture().commit, data, size);
    run(patched);
    run(fuzz::patch(fixture().external, data, size));
    return 0;
}
