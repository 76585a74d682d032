#include "server/transaction/exec_plan.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace server {
namespace {

void NoShard(Args, ShardContext&) {}
void NoClient(Args, ClientContext&) {}
void OnePhase(MultiCommand& mc) {
  mc.AddPhase([](engine::Shard&, engine::Db&) {});
  mc.SetReply([](resp::ReplyWriter& out) { out.Ok(); });
}
void TwoPhases(MultiCommand& mc) {
  OnePhase(mc);
  mc.AddPhase([](engine::Shard&, engine::Db&) {});
}
void SyntaxError(MultiCommand& mc) {
  mc.SetReply([](resp::ReplyWriter& out) { out.Error("ERR syntax error"); });
}

class ExecPlanTest : public ::testing::Test {
 protected:
  ExecPlanTest()
      : set_(4),
        set_cmd_(KeyCommand("set", 3, kWrite, NoShard, {})),
        select_cmd_(ClientCommand("select", 2, kFast, NoClient, {})),
        ping_cmd_(ClientCommand("ping", -1, kFast, NoClient, {})),
        mset_cmd_(MultiKeyCommand("mset", -3, kWrite, 1, -1, 2, OnePhase, {})),
        msetnx_cmd_(MultiKeyCommand("msetnx", -3, kWrite, 1, -1, 2, TwoPhases, {})),
        bad_cmd_(MultiKeyCommand("bad", -2, kWrite, 1, -1, 1, SyntaxError, {})),
        dbsize_cmd_(MultiKeyCommand("dbsize", 1, kAllShards, 0, 0, 0, OnePhase, {})) {}

  void Queue(const CommandSpec& spec, std::vector<std::string> args) {
    std::vector<std::string_view> views(args.begin(), args.end());
    queue_.emplace_back(&spec, Args(views));
  }
  // Two keys on different shards, and two on the same one.
  std::string KeyOn(engine::ShardId shard, int n = 0) {
    for (int i = 0;; ++i) {
      std::string key = "k" + std::to_string(i);
      if (set_.ShardOf(key) == shard && n-- == 0) return key;
    }
  }
  ExecPlan Build(const WatchSet* watches = nullptr, engine::ShardId origin = 0) {
    return ExecPlan(std::move(queue_), set_, origin, /*start_db=*/0, /*num_dbs=*/16,
                    /*now_ms=*/1, watches);
  }

  engine::ShardSet set_;
  CommandSpec set_cmd_, select_cmd_, ping_cmd_, mset_cmd_, msetnx_cmd_, bad_cmd_, dbsize_cmd_;
  std::vector<QueuedCommand> queue_;
};

TEST_F(ExecPlanTest, ConsecutiveSingleKeyCommandsShareOneRoundAcrossShards) {
  for (int i = 0; i < 25; ++i) {
    for (engine::ShardId s = 0; s < 4; ++s) Queue(set_cmd_, {"set", KeyOn(s, i % 3), "v"});
  }
  ExecPlan plan = Build();
  ASSERT_EQ(plan.steps().size(), 100u);
  ASSERT_EQ(plan.rounds().size(), 1u);  // 100 commands, one message per shard
  const ExecRound& round = plan.rounds()[0];
  EXPECT_EQ(round.kind, ExecRound::Kind::kShardSteps);
  EXPECT_EQ(round.steps.size(), 100u);
  EXPECT_EQ(round.shards, (std::vector<engine::ShardId>{0, 1, 2, 3}));
  for (size_t i = 0; i < 100; ++i) {
    EXPECT_EQ(round.steps[i], i);  // queue order kept within each shard
    EXPECT_EQ(plan.steps()[i].shard, set_.ShardOf(plan.steps()[i].args[1]));
  }
}

TEST_F(ExecPlanTest, MultiKeyAndClientCommandsEndARun) {
  Queue(set_cmd_, {"set", KeyOn(1), "v"});
  Queue(msetnx_cmd_, {"msetnx", KeyOn(2), "v", KeyOn(3), "w"});
  Queue(set_cmd_, {"set", KeyOn(1), "v"});
  Queue(ping_cmd_, {"ping"});
  Queue(set_cmd_, {"set", KeyOn(3), "v"});
  ExecPlan plan = Build(nullptr, /*origin=*/0);
  const auto& r = plan.rounds();
  ASSERT_EQ(r.size(), 6u);
  EXPECT_EQ(r[0].kind, ExecRound::Kind::kShardSteps);
  EXPECT_EQ(r[1].kind, ExecRound::Kind::kMultiPhase);
  EXPECT_EQ(r[1].phase, 0u);
  EXPECT_EQ(r[2].kind, ExecRound::Kind::kMultiPhase);
  EXPECT_EQ(r[2].phase, 1u);
  EXPECT_EQ(r[2].shards, (std::vector<engine::ShardId>{2, 3}));
  EXPECT_EQ(r[3].kind, ExecRound::Kind::kShardSteps);
  EXPECT_EQ(r[4].kind, ExecRound::Kind::kClientStep);
  EXPECT_EQ(r[4].shards, (std::vector<engine::ShardId>{0}));  // the client's own
  EXPECT_EQ(r[5].steps, (std::vector<size_t>{4}));
  EXPECT_EQ(plan.shards(), (std::vector<engine::ShardId>{0, 1, 2, 3}));
}

TEST_F(ExecPlanTest, SelectChangesTheDbOfLaterCommandsOnlyWhenValid) {
  Queue(set_cmd_, {"set", "a", "v"});
  Queue(select_cmd_, {"select", "5"});
  Queue(set_cmd_, {"set", "a", "v"});
  Queue(select_cmd_, {"select", "16"});  // out of range: fails, db stays 5
  Queue(mset_cmd_, {"mset", "a", "v"});
  Queue(select_cmd_, {"select", "-1"});
  Queue(select_cmd_, {"select", "x"});
  Queue(select_cmd_, {"select", "0"});
  Queue(set_cmd_, {"set", "a", "v"});
  ExecPlan plan = Build();
  EXPECT_EQ(plan.steps()[0].db, 0);
  EXPECT_EQ(plan.steps()[2].db, 5);
  EXPECT_EQ(plan.steps()[4].db, 5);
  EXPECT_EQ(plan.steps()[4].multi->db_index(), 5);
  EXPECT_EQ(plan.steps()[8].db, 0);
}

TEST_F(ExecPlanTest, CommandsAnsweredAtSetupHaveNoRound) {
  Queue(bad_cmd_, {"bad", KeyOn(2)});
  ExecPlan plan = Build(nullptr, 0);
  EXPECT_TRUE(plan.rounds().empty());
  EXPECT_TRUE(plan.shards().empty());
  std::string out;
  resp::ReplyWriter w(&out);
  plan.steps()[0].multi->WriteReply(w);
  EXPECT_EQ(out, "-ERR syntax error\r\n");
}

TEST_F(ExecPlanTest, WatchedShardsAreCheckedFirst) {
  WatchSet watches;
  watches.state = std::make_shared<engine::WatchState>();
  watches.keys.push_back({3, 0, "x"});
  watches.keys.push_back({1, 0, "y"});
  watches.keys.push_back({3, 2, "z"});
  Queue(dbsize_cmd_, {"dbsize"});
  ExecPlan plan = Build(&watches);
  ASSERT_EQ(plan.rounds().size(), 2u);
  EXPECT_EQ(plan.rounds()[0].kind, ExecRound::Kind::kWatchCheck);
  EXPECT_EQ(plan.rounds()[0].shards, (std::vector<engine::ShardId>{1, 3}));
  EXPECT_EQ(plan.rounds()[1].shards, (std::vector<engine::ShardId>{0, 1, 2, 3}));
  EXPECT_EQ(plan.watches(), &watches);
}

TEST_F(ExecPlanTest, AnEmptyWatchSetAddsNoRound) {
  WatchSet watches;
  Queue(set_cmd_, {"set", KeyOn(2), "v"});
  ExecPlan plan = Build(&watches);
  ASSERT_EQ(plan.rounds().size(), 1u);
  EXPECT_EQ(plan.watches(), nullptr);
  EXPECT_EQ(plan.shards(), (std::vector<engine::ShardId>{2}));
}

}  // namespace
}  // namespace server
