// Fuzz target: what a client does with each delivery the (untrusted) relay hands it
// (Client::sync -> process_delivery: the delivery's kind, group id and epoch as the relay
// states them, the MLSMessage decode, Welcome / Commit / PrivateMessage handling, the
// PaddedContent and Content checks), on Per's real profile in a room with Anna
// (world.h). Input: byte 0 picks the delivery's kind (bits 0-1: message, commit, welcome)
// and whether the rest is the payload itself (bit 7 clear) or bytes written over a
// genuine message Anna sent in the room (bit 7 set; fuzz_fixture.h patch()), so the
// checks past decoding see near-valid input. Bit 6 names the room's group id, bit 5 its
// epoch (otherwise the relay claims group id / epoch from bytes 1..).
// Properties, for any input: Client::sync never throws and never crashes; a bad delivery
// is recorded as an error or a flagged message, and Anna's next genuine message still
// arrives unflagged (the room's MLS state survives every input).
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <exception>

#include "../mls/fuzz_fixture.h"
#include "world.h"

using namespace lagrum;
using namespace lagrum::client_fuzz;

namespace {

// A genuine application message of Anna's in the room, captured once per world (taken
// out of Per's mailbox before he saw it).
const core::RelayDelivery& genuine(World& w) {
    static std::uint64_t for_world = 0;
    static core::RelayDelivery d;
    if (for_world != w.id) {
        World::expect_sent(w.anna->send(w.plain(std::string(kRoom), "template")));
        auto box = w.hub().take_mailbox(w.per.key);
        if (box.empty()) fail("no genuine delivery to patch");
        d = box.back();
        // Per still gets to read it once, so his ratchet stays where Anna's is.
        w.hub().inject(w.per.key, d);
        (void)w.per->sync();
        for_world = w.id;
    }
    return d;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    World& w = world();
    const auto& real = genuine(w);
    core::RelayDelivery d;
    switch (data[0] & 3) {
        case 0:
        case 3:
            d.kind = core::RelayDelivery::Kind::message;
            break;
        case 1:
            d.kind = core::RelayDelivery::Kind::commit;
            break;
        default:
            d.kind = core::RelayDelivery::Kind::welcome;
            break;
    }
    if (data[0] & 0x80) {
        d.payload = mls::fuzz::patch(real.payload, data + 1, size - 1);
    } else {
        d.payload.assign(data + 1, data + size);
    }
    if (data[0] & 0x40) {
        d.group_id = real.group_id;
    } else {
        d.group_id.assign(data + 1, data + std::min<std::size_t>(size, 17));
    }
    d.epoch = (data[0] & 0x20) ? real.epoch : (size > 1 ? data[1] : 0);
    d.envelope_id = crypto::Bytes(16, data[0]);
    d.sender_device_id = w.anna.key;
    d.received_at = kNow;
    w.hub().inject(w.per.key, d);
    try {
        (void)w.per->sync();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "sync threw on a bad delivery: %s\n", e.what());
        std::abort();
    }
    w.genuine_still_arrives();
    return 0;
}
