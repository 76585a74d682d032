#ifndef SHARDIS_ENGINE_RUNTIME_H_
#define SHARDIS_ENGINE_RUNTIME_H_

#include <cstddef>

namespace engine {

// Process-wide libcds state (cds::Initialize and the hazard-pointer GC).
// Reference counted: the first instance initializes, the last terminates, so
// tests may create several shard sets.
class CdsRuntime {
 public:
  // max_threads: threads that may attach at once (the first instance's
  // value wins). It also sizes each thread's list of retired values, which
  // is how much garbage a writing thread keeps before freeing it.
  explicit CdsRuntime(size_t max_threads = 64);
  ~CdsRuntime();
  CdsRuntime(const CdsRuntime&) = delete;
  CdsRuntime& operator=(const CdsRuntime&) = delete;
};

// Attaches the current thread to libcds for its lifetime. Every thread that
// touches a keyspace (owner or fast-path reader) holds one.
class CdsThreadScope {
 public:
  CdsThreadScope();
  ~CdsThreadScope();
  CdsThreadScope(const CdsThreadScope&) = delete;
  CdsThreadScope& operator=(const CdsThreadScope&) = delete;

 private:
  bool attached_;
};

// Frees now what the calling thread retired and no reader still guards,
// instead of when its retired list fills up (eviction measures memory right
// after deleting keys).
void ReclaimRetired();

}  // namespace engine

#endif  // SHARDIS_ENGINE_RUNTIME_H_
