// RFC 9420 Appendix C tree math against tree-math.json (suite-independent).
#include <gtest/gtest.h>

#include <optional>

#include "lagrum/mls/tree_math.h"
#include "vector_util.h"

using namespace lagrum::mls;
using namespace lagrum::mls::testing;
namespace tmath = lagrum::mls::tree_math;

namespace {

template <class F>
std::optional<std::uint32_t> maybe(F&& f) {
    try {
        return f().value;
    } catch (const MlsError&) {
        return std::nullopt;
    }
}

std::optional<std::uint32_t> expected(const nlohmann::json& j) {
    if (j.is_null()) return std::nullopt;
    return j.get<std::uint32_t>();
}

}  // namespace

TEST(MlsVectors, TreeMath) {
    const auto cases = load_mls_vectors("tree-math.json");
    VectorCounter counter("tree-math.json", /*suite_independent=*/true);
    for (const auto& c : cases) {
        const auto n = c.at("n_leaves").get<std::uint32_t>();
        SCOPED_TRACE("n_leaves=" + std::to_string(n));
        ASSERT_EQ(tmath::node_width(n), c.at("n_nodes").get<std::uint32_t>());
        EXPECT_EQ(tmath::root(n).value, c.at("root").get<std::uint32_t>());
        for (std::uint32_t i = 0; i < tmath::node_width(n); ++i) {
            const NodeIndex x{i};
            EXPECT_EQ(maybe([&] { return tmath::left(x); }), expected(c.at("left").at(i))) << i;
            EXPECT_EQ(maybe([&] { return tmath::right(x); }), expected(c.at("right").at(i))) << i;
            EXPECT_EQ(maybe([&] { return tmath::parent(x, n); }), expected(c.at("parent").at(i)))
                << i;
            EXPECT_EQ(maybe([&] { return tmath::sibling(x, n); }), expected(c.at("sibling").at(i)))
                << i;
        }
        counter.ran();
    }
    counter.check();
}

TEST(TreeMath, DirectPathCopathAndCommonAncestor) {
    // Eight leaves (Appendix C figure): leaf 0 is node 0, root 7.
    const std::uint32_t n = 8;
    const auto dp = tmath::direct_path(NodeIndex{0}, n);
    ASSERT_EQ(dp.size(), 3u);
    EXPECT_EQ(dp[0].value, 1u);
    EXPECT_EQ(dp[1].value, 3u);
    EXPECT_EQ(dp[2].value, 7u);
    const auto cp = tmath::copath(NodeIndex{0}, n);
    ASSERT_EQ(cp.size(), 3u);
    EXPECT_EQ(cp[0].value, 2u);
    EXPECT_EQ(cp[1].value, 5u);
    EXPECT_EQ(cp[2].value, 11u);
    EXPECT_TRUE(tmath::direct_path(NodeIndex{7}, n).empty());
    EXPECT_EQ(tmath::common_ancestor(NodeIndex{0}, NodeIndex{6}, n).value, 3u);
    EXPECT_EQ(tmath::common_ancestor(NodeIndex{4}, NodeIndex{14}, n).value, 7u);
    EXPECT_EQ(tmath::common_ancestor(NodeIndex{8}, NodeIndex{10}, n).value, 9u);
    EXPECT_EQ(tmath::common_ancestor(NodeIndex{5}, NodeIndex{6}, n).value, 5u);
}

TEST(TreeMath, OutOfRangeIsAnError) {
    EXPECT_THROW(tmath::parent(NodeIndex{15}, 8), MlsError);
    EXPECT_THROW(tmath::direct_path(NodeIndex{100}, 8), MlsError);
    EXPECT_THROW(tmath::root(0), MlsError);
    EXPECT_THROW(tmath::left(NodeIndex{4}), MlsError);
    EXPECT_THROW(tmath::node_to_leaf(NodeIndex{3}), MlsError);
    EXPECT_THROW(tmath::node_width(0x80000001u), MlsError);
}
