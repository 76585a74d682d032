#include "server/pubsub/keyspace_notifier.h"

#include "gtest/gtest.h"

namespace pubsub {
namespace {

using Space = SubscriptionRegistry::Space;

TEST(KeyspaceNotifierTest, FlagsRoundTripAsRedisPrintsThem) {
  auto text = [](std::string_view in) {
    return KeyspaceNotifier::FormatFlags(*KeyspaceNotifier::ParseFlags(in));
  };
  EXPECT_EQ(text("gKE"), "gKE");
  EXPECT_EQ(text("$lshzxeKE"), "$lshzxeKE");
  EXPECT_EQ(text("KA"), "AK");
  EXPECT_EQ(text("EA"), "AE");
  EXPECT_EQ(text(""), "");
  EXPECT_EQ(text("Em"), "Em");
  EXPECT_EQ(text("AKEm"), "AKEm");
  EXPECT_EQ(text("nE"), "nE");
  EXPECT_EQ(text("gggK"), "gK");
  EXPECT_FALSE(KeyspaceNotifier::ParseFlags("Kq").has_value());
  EXPECT_FALSE(KeyspaceNotifier::ParseFlags("a").has_value());  // case matters
  // A leaves m and n out.
  uint32_t all = *KeyspaceNotifier::ParseFlags("A");
  EXPECT_FALSE(all & engine::kEventKeyMiss);
  EXPECT_FALSE(all & engine::kEventNew);
}

TEST(KeyspaceNotifierTest, PublishesKeyspaceAndKeyevent) {
  SubscriptionRegistry reg;
  TrackingTable tracking;
  KeyspaceNotifier notifier(reg, tracking);
  Outbox out(1);
  Outbox::SetCurrent(&out);
  reg.Add(Space::kPattern, "*", {0, 1});
  notifier.set_mask(*KeyspaceNotifier::ParseFlags("KE$"));
  EXPECT_TRUE(notifier.wants(engine::kEventString));
  EXPECT_FALSE(notifier.wants(engine::kEventList));
  notifier.Emit(engine::kEventString, "set", "foo", 9);
  std::vector<Delivery> d = out.Take(0);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].payload->channel, "__keyspace@9__:foo");
  EXPECT_EQ(d[0].payload->message, "set");
  EXPECT_EQ(d[1].payload->channel, "__keyevent@9__:set");
  EXPECT_EQ(d[1].payload->message, "foo");
  // A class without K or E goes nowhere.
  notifier.set_mask(*KeyspaceNotifier::ParseFlags("$"));
  EXPECT_FALSE(notifier.wants(engine::kEventString));
  Outbox::SetCurrent(nullptr);
}

}  // namespace
}  // namespace pubsub
