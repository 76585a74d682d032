#include "engine/transaction.h"

#include <atomic>
#include <future>
#include <string>
#include <vector>

#include "engine/shard_set.h"
#include "engine/shard_threads.h"
#include "gtest/gtest.h"

namespace engine {
namespace {

// One key per shard, found by probing the routing function.
std::vector<std::string> KeyPerShard(const ShardSet& set) {
  std::vector<std::string> keys(set.size());
  size_t found = 0;
  for (int i = 0; found < set.size(); ++i) {
    std::string k = "key" + std::to_string(i);
    ShardId s = set.ShardOf(k);
    if (keys[s].empty()) {
      keys[s] = k;
      ++found;
    }
  }
  return keys;
}

std::vector<ShardId> AllShards(const ShardSet& set) {
  std::vector<ShardId> all;
  for (ShardId i = 0; i < set.size(); ++i) all.push_back(i);
  return all;
}

// Writers set every shard's key to one generation inside a transaction;
// readers read all keys inside a transaction and must always see one
// generation. Writers and readers start from different shards, so
// acquisitions interleave in every order.
TEST(TransactionTest, MultiShardWritesAreAtomicForTransactionalReaders) {
  ShardSet set(4);
  const std::vector<std::string> keys = KeyPerShard(set);
  ShardThreads threads(set);
  std::atomic<int> torn{0};
  std::atomic<int> reads{0};
  std::vector<std::future<void>> done;

  auto write = [&](ShardId origin, int gen) {
    auto p = std::make_shared<std::promise<void>>();
    done.push_back(p->get_future());
    threads.Post(origin, [&, gen, p](Shard& shard) {
      auto* tx = new Transaction(&shard, AllShards(set));
      tx->AddPhase([&, gen](Shard& s) {
        s.db(0).Set(keys[s.id()], StringObject::CreateInt(gen), 0, false, s.now_ms());
      });
      tx->Start([p] { p->set_value(); });
    });
  };
  auto read = [&](ShardId origin) {
    auto p = std::make_shared<std::promise<void>>();
    done.push_back(p->get_future());
    threads.Post(origin, [&, p](Shard& shard) {
      auto values = std::make_shared<std::vector<int64_t>>(set.size(), -1);
      auto* tx = new Transaction(&shard, AllShards(set));
      tx->AddPhase([&, values](Shard& s) {
        KeyRef r = s.db(0).Find(keys[s.id()], s.now_ms());
        (*values)[s.id()] = r ? static_cast<StringObject*>(r.obj())->int_value() : 0;
      });
      tx->Start([&, values, p] {
        for (int64_t v : *values) {
          if (v != (*values)[0]) ++torn;
        }
        ++reads;
        p->set_value();
      });
    });
  };
  for (int i = 0; i < 2000; ++i) {
    write(i % set.size(), i + 1);
    read((i + 2) % set.size());
  }
  for (auto& f : done) f.wait();
  EXPECT_EQ(torn.load(), 0);
  EXPECT_EQ(reads.load(), 2000);
}

// A two-phase transaction: the second phase depends on what the first found
// everywhere (the MSETNX shape).
TEST(TransactionTest, LaterPhaseSeesEarlierPhaseResults) {
  ShardSet set(3);
  const std::vector<std::string> keys = KeyPerShard(set);
  ShardThreads threads(set);
  threads
      .Run(1,
           [&](Shard& s) {
             s.db(0).Set(keys[1], StringObject::Create("existing"), 0, false, s.now_ms());
           })
      .wait();

  auto any_exists = std::make_shared<std::atomic<bool>>(false);
  std::promise<void> finished;
  threads.Post(0, [&](Shard& shard) {
    auto* tx = new Transaction(&shard, AllShards(set));
    tx->AddPhase([&, any_exists](Shard& s) {
      if (s.db(0).Find(keys[s.id()], s.now_ms())) any_exists->store(true);
    });
    tx->AddPhase([&, any_exists](Shard& s) {
      if (!any_exists->load()) s.db(0).Set(keys[s.id()], StringObject::Create("new"), 0, false, 0);
    });
    tx->Start([&] { finished.set_value(); });
  });
  finished.get_future().wait();
  EXPECT_TRUE(any_exists->load());
  size_t total = 0;
  for (ShardId i = 0; i < set.size(); ++i) {
    total += threads.Run(i, [](Shard& s) { return s.db(0).size(); }).get();
  }
  EXPECT_EQ(total, 1u);  // nothing was written
}

// Ordinary work that arrives while a shard is held runs after the release,
// in arrival order.
TEST(TransactionTest, WorkWaitsForHoldInOrder) {
  ShardSet set(2);
  ShardThreads threads(set);
  auto order = std::make_shared<std::vector<int>>();
  std::promise<void> finished;
  threads.Post(0, [&, order](Shard& shard) {
    auto* tx = new Transaction(&shard, {0, 1});
    // Phase 1 runs once both shards are held: work sent to shard 1 now
    // reaches its mailbox before phase 2's part does, and must still wait.
    tx->AddPhase(
        [&, order](Shard&) {
          EXPECT_TRUE(set.shard(1).held());
          for (int i = 1; i <= 5; ++i) {
            threads.Post(1, [order, i](Shard&) { order->push_back(i); });
          }
        },
        {0});
    tx->AddPhase([order](Shard&) { order->push_back(0); }, {1});
    tx->Start([&] { finished.set_value(); });
  });
  finished.get_future().wait();
  threads.Run(1, [](Shard&) {}).wait();
  // A hold that did not hold would run the work first: 1 2 3 4 5 0.
  EXPECT_EQ(*order, (std::vector<int>{0, 1, 2, 3, 4, 5}));
}

}  // namespace
}  // namespace engine
