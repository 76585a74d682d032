// Engine microbenchmarks: the keyspace map on its owner thread (libcds
// split-list vs absl::flat_hash_map as the baseline; batches of lookups with
// and without LookupPrefetch), the read fast path
// from another thread, and a mailbox hop round trip.
//
//   bazel run -c opt //bench:engine_bench -- --benchmark_repetitions=3
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "benchmark/benchmark.h"
#include "engine/db.h"
#include "engine/lookup_prefetch.h"
#include "engine/runtime.h"
#include "engine/shard_set.h"
#include "engine/shard_threads.h"

namespace {

constexpr int kKeys = 1 << 20;

std::vector<std::string> MakeKeys() {
  std::vector<std::string> keys;
  keys.reserve(kKeys);
  for (int i = 0; i < kKeys; ++i) keys.push_back("key:" + std::to_string(100000000000 + i));
  return keys;
}

const std::vector<std::string>& Keys() {
  static const std::vector<std::string> keys = MakeKeys();
  return keys;
}

std::unique_ptr<engine::Db> FilledDb(int keys) {
  auto db = std::make_unique<engine::Db>();
  for (int i = 0; i < keys; ++i) {
    db->Insert(Keys()[i], engine::StringObject::Create("value-of-16-byte"));
  }
  return db;
}

// Owner-thread GET on a 1M-key Db.
void BM_DbFind(benchmark::State& state) {
  engine::CdsRuntime runtime;
  engine::CdsThreadScope scope;
  auto db = FilledDb(kKeys);
  size_t i = 0;
  for (auto _ : state) {
    engine::KeyRef ref = db->Find(Keys()[i++ & (kKeys - 1)], 1);
    benchmark::DoNotOptimize(ref.entry);
  }
  state.SetItemsProcessed(state.iterations());
  db.reset();
}
BENCHMARK(BM_DbFind);

// Owner-thread GETs in batches of 16 random keys, as a pipelined batch runs
// them; with Arg(1) each batch is first prefetched by LookupPrefetch (what
// the server does before running a pipeline).
void BM_DbFindBatch(benchmark::State& state) {
  engine::CdsRuntime runtime;
  engine::CdsThreadScope scope;
  auto db = FilledDb(kKeys);
  for (int i = 0; i < kKeys; ++i) db->Find(Keys()[i], 1);  // every bucket in use
  const bool prefetch = state.range(0) != 0;
  constexpr size_t kBatch = engine::LookupPrefetch::kMaxKeys;
  uint32_t next = 0;
  for (auto _ : state) {
    const std::string* batch[kBatch];
    for (size_t j = 0; j < kBatch; ++j) {
      // An odd multiplier visits every index in a scattered order.
      batch[j] = &Keys()[(next++ * 2654435761u) & (kKeys - 1)];
    }
    if (prefetch) {
      engine::LookupPrefetch p;
      for (const std::string* key : batch) p.Add(*db, *key);
      p.Run();
    }
    for (const std::string* key : batch) {
      engine::KeyRef ref = db->Find(*key, 1);
      benchmark::DoNotOptimize(ref.entry);
    }
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
  db.reset();
}
BENCHMARK(BM_DbFindBatch)->Arg(0)->Arg(1);

// Owner-thread SET (replace) on a 1M-key Db: new value, old one retired.
void BM_DbSet(benchmark::State& state) {
  engine::CdsRuntime runtime;
  engine::CdsThreadScope scope;
  auto db = FilledDb(kKeys);
  size_t i = 0;
  for (auto _ : state) {
    db->Set(Keys()[i++ & (kKeys - 1)], engine::StringObject::Create("value-of-16-byte"), 0, false,
            1);
  }
  state.SetItemsProcessed(state.iterations());
  db.reset();
}
BENCHMARK(BM_DbSet);

// The same two operations on absl::flat_hash_map<std::string, std::string>:
// what a single-owner map without lock-free reads costs.
void BM_FlatHashMapFind(benchmark::State& state) {
  absl::flat_hash_map<std::string, std::string> map;
  for (const auto& k : Keys()) map[k] = "value-of-16-byte";
  size_t i = 0;
  for (auto _ : state) {
    auto it = map.find(Keys()[i++ & (kKeys - 1)]);
    benchmark::DoNotOptimize(it);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FlatHashMapFind);

void BM_FlatHashMapSet(benchmark::State& state) {
  absl::flat_hash_map<std::string, std::string> map;
  for (const auto& k : Keys()) map[k] = "value-of-16-byte";
  size_t i = 0;
  for (auto _ : state) {
    map[Keys()[i++ & (kKeys - 1)]] = "value-of-16-byte";
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FlatHashMapSet);

// The read fast path: another thread reads strings while the owner keeps
// replacing values in the same Db.
void BM_ReadSharedWhileOwnerWrites(benchmark::State& state) {
  engine::CdsRuntime runtime;
  engine::CdsThreadScope scope;
  auto db = FilledDb(65536);
  std::atomic<bool> stop{false};
  std::atomic<bool> ready{false};
  std::thread owner([&] {
    // The writer is not the attached benchmark thread, but Db's contract is
    // one mutating thread at a time, which holds here.
    engine::CdsThreadScope owner_scope;
    ready = true;
    size_t i = 0;
    while (!stop.load(std::memory_order_relaxed)) {
      db->Replace(db->Find(Keys()[i++ & 65535], 1), engine::StringObject::Create("value-of-16-byt2"));
    }
  });
  while (!ready) std::this_thread::yield();
  size_t i = 0;
  for (auto _ : state) {
    size_t len = 0;
    db->ReadShared(Keys()[(i++ * 7) & 65535], 1, [&](const engine::Object* o, int64_t) {
      char scratch[24];
      len = static_cast<const engine::StringObject*>(o)->View(scratch).size();
    });
    benchmark::DoNotOptimize(len);
  }
  stop = true;
  owner.join();
  state.SetItemsProcessed(state.iterations());
  db.reset();
}
BENCHMARK(BM_ReadSharedWhileOwnerWrites)->UseRealTime();

// One mailbox hop round trip: shard 0 sends work to shard 1, which answers
// with a callback; `batch` tasks per wake-up.
void BM_MailboxRoundTrip(benchmark::State& state) {
  const int batch = static_cast<int>(state.range(0));
  engine::ShardSet set(2);
  engine::ShardThreads threads(set);
  for (auto _ : state) {
    std::atomic<int> done{0};
    threads.Post(0, [&](engine::Shard& s0) {
      for (int b = 0; b < batch; ++b) {
        s0.Send(1, std::make_unique<engine::Task>(engine::Task::Kind::kWork,
                                                  [&](engine::Shard& s1) {
                                                    s1.Send(0, std::make_unique<engine::Task>(
                                                                   engine::Task::Kind::kCallback,
                                                                   [&](engine::Shard&) {
                                                                     done.fetch_add(1);
                                                                   }));
                                                  }));
      }
    });
    // Yield, not spin: on 2 cores a spinning caller would steal the shards' CPU.
    while (done.load(std::memory_order_acquire) < batch) std::this_thread::yield();
  }
  state.SetItemsProcessed(state.iterations() * batch);
}
BENCHMARK(BM_MailboxRoundTrip)->Arg(1)->Arg(32)->UseRealTime();

}  // namespace
