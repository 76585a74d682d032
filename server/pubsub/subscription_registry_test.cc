#include "server/pubsub/subscription_registry.h"

#include <thread>

#include "gtest/gtest.h"

namespace pubsub {
namespace {

using Space = SubscriptionRegistry::Space;

// What a two-worker outbox holds, as "worker:client:pattern" strings.
std::vector<std::string> Receivers(Outbox& out) {
  std::vector<std::string> r;
  for (uint32_t w = 0; w < out.workers(); ++w) {
    for (const Delivery& d : out.Take(w)) {
      for (uint64_t c : d.clients) {
        r.push_back(std::to_string(w) + ":" + std::to_string(c) + ":" + d.pattern);
      }
    }
  }
  return r;
}

TEST(SubscriptionRegistryTest, ChannelsAndPatternsBothReceivePublish) {
  SubscriptionRegistry reg;
  Outbox out(2);
  EXPECT_TRUE(reg.Add(Space::kChannel, "news", {0, 1}));
  EXPECT_FALSE(reg.Add(Space::kChannel, "news", {0, 1}));  // already
  EXPECT_TRUE(reg.Add(Space::kChannel, "news", {1, 7}));
  EXPECT_TRUE(reg.Add(Space::kPattern, "n*", {0, 1}));
  EXPECT_TRUE(reg.Add(Space::kPattern, "x*", {1, 7}));
  EXPECT_EQ(reg.Publish(Space::kChannel, "news", "hi", out), 3u);
  EXPECT_EQ(Receivers(out), (std::vector<std::string>{"0:1:", "0:1:n*", "1:7:"}));
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(reg.Count(Space::kChannel, "news"), 2u);
  EXPECT_EQ(reg.NumPatterns(), 2u);
}

TEST(SubscriptionRegistryTest, ShardChannelsAreTheirOwnNamespace) {
  SubscriptionRegistry reg;
  Outbox out(1);
  reg.Add(Space::kShardChannel, "s", {0, 1});
  reg.Add(Space::kPattern, "*", {0, 2});
  EXPECT_EQ(reg.Publish(Space::kChannel, "s", "m", out), 1u);  // the pattern only
  EXPECT_EQ(Receivers(out), (std::vector<std::string>{"0:2:*"}));
  EXPECT_EQ(reg.Publish(Space::kShardChannel, "s", "m", out), 1u);  // patterns never
  std::vector<Delivery> d = out.Take(0);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].kind, Delivery::Kind::kSMessage);
  EXPECT_EQ(reg.Names(Space::kShardChannel, ""), std::vector<std::string>{"s"});
  EXPECT_TRUE(reg.Names(Space::kChannel, "").empty());
}

TEST(SubscriptionRegistryTest, RemoveForgetsEmptyNames) {
  SubscriptionRegistry reg;
  Outbox out(1);
  reg.Add(Space::kChannel, "a", {0, 1});
  reg.Add(Space::kPattern, "a*", {0, 1});
  EXPECT_FALSE(reg.Remove(Space::kChannel, "a", {0, 2}));  // not that client
  EXPECT_FALSE(reg.Remove(Space::kChannel, "b", {0, 1}));  // not that channel
  EXPECT_TRUE(reg.Remove(Space::kChannel, "a", {0, 1}));
  EXPECT_TRUE(reg.Remove(Space::kPattern, "a*", {0, 1}));
  EXPECT_EQ(reg.Publish(Space::kChannel, "a", "m", out), 0u);
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(reg.Names(Space::kChannel, "").empty());
  EXPECT_EQ(reg.NumPatterns(), 0u);
}

TEST(SubscriptionRegistryTest, NamesFilterWithGlob) {
  SubscriptionRegistry reg;
  for (const char* name : {"news.tech", "news.art", "sport"})
    reg.Add(Space::kChannel, name, {0, 1});
  std::vector<std::string> names = reg.Names(Space::kChannel, "news.*");
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"news.art", "news.tech"}));
  EXPECT_EQ(reg.Names(Space::kChannel, "").size(), 3u);
}

TEST(SubscriptionRegistryTest, BinaryNamesAndEmptyMessages) {
  SubscriptionRegistry reg;
  Outbox out(1);
  std::string name("a\0b", 3);
  reg.Add(Space::kChannel, name, {0, 1});
  EXPECT_EQ(reg.Publish(Space::kChannel, std::string("a\0c", 3), "", out), 0u);
  EXPECT_EQ(reg.Publish(Space::kChannel, name, "", out), 1u);
  std::vector<Delivery> d = out.Take(0);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].payload->channel, name);
  EXPECT_EQ(d[0].payload->message, "");
}

TEST(OutboxTest, OneDeliveryPerMessageAndWorker) {
  Outbox out(2);
  out.Begin(Delivery::Kind::kMessage, "c", "m1");
  out.Add(0, 1);
  out.Add(0, 2);
  out.Add(1, 3);
  out.Begin(Delivery::Kind::kMessage, "c", "m2");
  out.Add(0, 1);
  std::vector<Delivery> w0 = out.Take(0);
  ASSERT_EQ(w0.size(), 2u);
  EXPECT_EQ(w0[0].clients, (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(w0[0].payload->message, "m1");
  EXPECT_EQ(w0[1].payload->message, "m2");
  EXPECT_FALSE(out.empty());
  EXPECT_EQ(out.Take(1).size(), 1u);
  EXPECT_TRUE(out.empty());
}

TEST(OutboxTest, WritesRedisMessageShapes) {
  Delivery d{Delivery::Kind::kPMessage,
             std::make_shared<Delivery::Payload>(Delivery::Payload{"ch", "hi"}),
             "c*",
             {1}};
  std::string resp2, resp3;
  resp::ReplyWriter w2(&resp2, resp::Protocol::kResp2);
  d.Write(w2);
  EXPECT_EQ(resp2, "*4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\nch\r\n$2\r\nhi\r\n");
  resp::ReplyWriter w3(&resp3, resp::Protocol::kResp3);
  d.kind = Delivery::Kind::kSMessage;
  d.Write(w3);
  EXPECT_EQ(resp3, ">3\r\n$8\r\nsmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n");
}

// Subscribing and publishing from several threads at once: every publish
// counts exactly the subscribers that stay for the whole run.
TEST(SubscriptionRegistryTest, ConcurrentSubscribeAndPublish) {
  SubscriptionRegistry reg;
  reg.Add(Space::kChannel, "fixed", {0, 1});
  reg.Add(Space::kPattern, "fix*", {0, 2});
  std::atomic<bool> stop{false};
  std::thread churn([&] {
    for (int i = 0; !stop.load(); ++i) {
      std::string name = "tmp" + std::to_string(i % 64);
      reg.Add(Space::kChannel, name, {1, 9});
      reg.Add(Space::kPattern, name, {1, 9});
      reg.Remove(Space::kChannel, name, {1, 9});
      reg.Remove(Space::kPattern, name, {1, 9});
    }
  });
  Outbox out(2);
  for (int i = 0; i < 20000; ++i) {
    ASSERT_EQ(reg.Publish(Space::kChannel, "fixed", "m", out), 2u);
    out.Take(0);
    out.Take(1);
  }
  stop = true;
  churn.join();
}

}  // namespace
}  // namespace pubsub
