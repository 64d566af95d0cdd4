// Fuzz target: the contents a client acts on after decryption, through the real receive
// path (Client::sync on Per's profile, world.h): meeting events (process_meeting), case
// handover bundles and receipts (process_handover: signature, manifest, message hashes,
// log excerpt), and disclosures with their marking and recorded check (facts and consent
// JSON re-checked against the catalog, the consent register, the disclosure log).
// Input: byte 0 is a mode, the rest a lagrum.content.v1.Content in protobuf encoding,
// which Anna sends in place of a genuine message (SendRequest::tamper_for_testing: after
// the legal check, before padding and encryption, as a modified sender could).
//   bit 0: into the direct conversation (handover's place) instead of the room;
//   bit 1: keep the input's own version / group id / epoch / message id (otherwise they
//          are set to the genuine message's, so the content passes the binding checks).
// Properties, for any input: Client::sync never throws or crashes, Anna's next genuine
// message still arrives unflagged, and (every 16th input) Per's disclosure log verifies
// and `handover verify` runs without throwing.
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <memory>

#include "content.pb.h"
#include "lagrum/core/error.h"
#include "lagrum/core/handover/handover.h"
#include "world.h"

using namespace lagrum;
using namespace lagrum::client_fuzz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    content::v1::Content fuzzed;
    if (!fuzzed.ParseFromArray(data + 1, static_cast<int>(size - 1))) return 0;
    World& w = world();
    const bool direct = data[0] & 1;
    const bool keep_binding = data[0] & 2;

    auto request = w.plain(direct ? std::nullopt : std::optional<std::string>(kRoom), "x");
    // Client::send keeps a pointer to the Disclosure it built and reads it after the
    // hook: released (not destroyed) here, it stays valid until the next input.
    static std::unique_ptr<content::v1::Disclosure> built;
    request.tamper_for_testing = [&](content::v1::Content& c) {
        content::v1::Content genuine = c;
        built.reset(c.release_disclosure());
        c = fuzzed;
        if (!keep_binding) {
            c.set_version(genuine.version());
            c.set_group_id(genuine.group_id());
            c.set_epoch(genuine.epoch());
            c.set_message_id(genuine.message_id());
        }
    };
    try {
        (void)w.anna->send(request);
    } catch (const core::Error&) {
        // The sender could not pad it (larger than the largest bucket): nothing was sent.
    }
    try {
        (void)w.per->sync();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "sync threw on a bad content: %s\n", e.what());
        std::abort();
    }
    w.genuine_still_arrives();

    static int n = 0;
    if (++n % 16 == 0) {
        try {
            if (!w.per->verify_log().ok) fail("Per's disclosure log no longer verifies");
            (void)w.per->verify_handovers();
        } catch (const std::exception& e) {
            std::fprintf(stderr, "verify threw: %s\n", e.what());
            std::abort();
        }
    }
    return 0;
}
