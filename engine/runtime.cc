#include "engine/runtime.h"

// clang-format off
#include <cds/init.h>
#include <cds/gc/hp.h>
// clang-format on

#include <memory>
#include <mutex>

namespace engine {

namespace {

std::mutex runtime_mu;
int runtime_refs = 0;
cds::gc::HP* hp_gc = nullptr;

}  // namespace

CdsRuntime::CdsRuntime(size_t max_threads) {
  std::lock_guard<std::mutex> lock(runtime_mu);
  if (runtime_refs++ == 0) {
    cds::Initialize();
    // 8 hazard pointers per thread: a map operation uses 3 and a read fast
    // path one more for the value. Each thread frees its retired values once
    // it holds 2 x 8 x max_threads of them: with 64 threads that is 1024,
    // 4 MB of garbage for 4 KB values, small enough to stay warm in cache
    // (with 256 threads it was 8192 and SET of 4 KB values ran 20% slower
    // than Redis's free-in-place).
    hp_gc = new cds::gc::HP(8, max_threads);
  }
}

CdsRuntime::~CdsRuntime() {
  std::lock_guard<std::mutex> lock(runtime_mu);
  if (--runtime_refs == 0) {
    delete hp_gc;
    hp_gc = nullptr;
    cds::Terminate();
  }
}

CdsThreadScope::CdsThreadScope() {
  attached_ = !cds::threading::Manager::isThreadAttached();
  if (attached_) cds::threading::Manager::attachThread();
}

CdsThreadScope::~CdsThreadScope() {
  if (attached_) cds::threading::Manager::detachThread();
}

void ReclaimRetired() { cds::gc::HP::scan(); }

}  // namespace engine
