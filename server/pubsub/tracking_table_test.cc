#include "server/pubsub/tracking_table.h"

#include <algorithm>

#include "gtest/gtest.h"

namespace pubsub {
namespace {

// "client:key" (or "client:*" for everything) of each invalidation for
// worker 0, with the writer and whether a prefix matched.
std::vector<std::string> Invalidations(Outbox& out) {
  std::vector<std::string> r;
  for (const Delivery& d : out.Take(0)) {
    EXPECT_EQ(d.kind, Delivery::Kind::kInvalidate);
    r.push_back(std::to_string(d.clients[0]) + ":" + (d.all_keys ? "*" : d.payload->channel) +
                (d.from_prefix ? " prefix" : "") + " by " + std::to_string(d.writer));
  }
  return r;
}

TEST(TrackingTableTest, AReadKeyIsInvalidatedOnceThenForgotten) {
  TrackingTable t;
  Outbox out(1);
  t.AddClient({0, 7});
  t.Remember("a", {0, 7});
  t.Remember("a", {0, 7});  // once per client
  t.Remember("a", {0, 8});
  EXPECT_EQ(t.keys(), 1u);
  EXPECT_EQ(t.items(), 2u);
  t.Invalidate("b", 3, out);
  EXPECT_TRUE(out.empty());
  t.Invalidate("a", 3, out);
  EXPECT_EQ(Invalidations(out), (std::vector<std::string>{"7:a by 3", "8:a by 3"}));
  t.Invalidate("a", 3, out);  // not read again since: nothing
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(t.keys(), 0u);
  EXPECT_EQ(t.items(), 0u);
}

TEST(TrackingTableTest, PrefixesHearEveryMatchingKey) {
  TrackingTable t;
  Outbox out(1);
  t.AddClient({0, 1});
  t.AddPrefix("user:", {0, 1});
  t.AddPrefix("", {0, 2});
  t.Invalidate("user:9", 0, out);
  t.Invalidate("order:1", 0, out);
  std::vector<std::string> got = Invalidations(out);
  std::sort(got.begin(), got.end());  // prefixes are visited in no set order
  EXPECT_EQ(got, (std::vector<std::string>{"1:user:9 prefix by 0", "2:order:1 prefix by 0",
                                           "2:user:9 prefix by 0"}));
  t.RemovePrefix("user:", {0, 1});
  t.RemovePrefix("", {0, 2});
  EXPECT_EQ(t.prefixes(), 0u);
  t.Invalidate("user:9", 0, out);
  EXPECT_TRUE(out.empty());
}

TEST(TrackingTableTest, FlushTellsEveryTrackingClientAndEmptiesTheTable) {
  TrackingTable t;
  Outbox out(1);
  t.AddClient({0, 1});
  t.AddClient({0, 2});
  t.Remember("k", {0, 1});
  t.InvalidateAll(5, out);
  EXPECT_EQ(Invalidations(out), (std::vector<std::string>{"1:* by 5", "2:* by 5"}));
  EXPECT_EQ(t.keys(), 0u);
  t.RemoveClient({0, 1});
  t.RemoveClient({0, 2});
  EXPECT_FALSE(t.active());
  t.Invalidate("k", 0, out);
  EXPECT_TRUE(out.empty());
}

TEST(TrackingTableTest, LimitEvictsDownToMaxKeysTellingTheReaders) {
  TrackingTable t;
  Outbox out(1);
  t.AddClient({0, 1});
  for (int i = 0; i < 100; ++i) t.Remember("k" + std::to_string(i), {0, 1});
  t.Limit(0, out);  // no limit
  EXPECT_EQ(t.keys(), 100u);
  t.Limit(10, out);
  EXPECT_EQ(t.keys(), 10u);
  EXPECT_EQ(Invalidations(out).size(), 90u);
  t.Limit(1, out);
  EXPECT_EQ(t.keys(), 1u);
}

}  // namespace
}  // namespace pubsub
