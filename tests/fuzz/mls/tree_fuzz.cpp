// Fuzz target: the ratchet_tree extension (§12.4.3.3) and GroupInfo (§12.4.3), the two
// carriers of an untrusted tree. Property: any input either decodes or throws MlsError
// (never crashes, hangs or allocates beyond the tree bound); a decoded tree re-encodes to
// the input (trailing blanks are not allowed, so the encoding is canonical) and its hashes
// and structural checks also end in a value or an MlsError.
#include <cstdint>
#include <cstdlib>

#include "fuzz_fixture.h"
#include "lagrum/mls/framing.h"

using namespace lagrum::mls;

namespace {

// Small enough that every tree the driver builds hashes in microseconds, large enough for
// every tree in the test vectors.
constexpr std::uint32_t kFuzzMaxLeaves = 1u << 10;

void exercise_tree(const RatchetTree& tree) {
    (void)tree.tree_hash();
    fuzz::only_mls_errors([&] { tree.verify_structure(); });
    fuzz::only_mls_errors([&] { tree.verify_parent_hashes(); });
    for (auto m : tree.members()) (void)tree.filtered_direct_path(m);
}

void run_tree(ByteView in) {
    fuzz::only_mls_errors([&] {
        const RatchetTree tree = RatchetTree::decode_extension(in, kFuzzMaxLeaves);
        Writer w;
        tree.encode(w);
        if (w.bytes() != Bytes(in.begin(), in.end())) std::abort();  // canonical
        exercise_tree(tree);
    });
}

void run_group_info(ByteView in) {
    fuzz::only_mls_errors([&] {
        GroupInfo gi;
        if (in.size() >= 4 && in[0] == 0 && in[1] == 1 && in[2] == 0 && in[3] == 4) {
            gi = std::get<GroupInfo>(decode_exact<MlsMessage>(in).body);
        } else {
            gi = decode_exact<GroupInfo>(in);
        }
        const Extension* rt = find_extension(gi.extensions, extension_type::ratchet_tree);
        if (rt == nullptr) return;
        const RatchetTree tree = RatchetTree::decode_extension(rt->data, kFuzzMaxLeaves);
        exercise_tree(tree);
        if (const LeafNode* signer = tree.leaf(gi.signer)) {
            (void)gi.verify_signature(signer->signature_key);
        }
    });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteView in(data, size);
    run_tree(in);
    run_group_info(in);
    return 0;
}
