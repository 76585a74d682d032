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

CdsRuntime::CdsRuntime() {
  std::lock_guard<std::mutex> lock(runtime_mu);
  if (runtime_refs++ == 0) {
    cds::Initialize();
    // 16 hazard pointers per thread: map operations use up to 3-4 and a read
    // fast path adds one for the value; 256 threads covers big --threads.
    hp_gc = new cds::gc::HP(16, 256);
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

}  // namespace engine
