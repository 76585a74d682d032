#include "engine/key_watchers.h"

#include <algorithm>

#include "absl/strings/string_view.h"
#include "engine/db.h"

namespace engine {

namespace {
// Debian's abseil has its own string_view type.
absl::string_view AsAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }
}  // namespace

void KeyWatchers::Add(int db, std::string_view key, std::shared_ptr<WatchState> state,
                      bool expired) {
  Watches& list = dbs_[db][AsAbsl(key)];
  for (const Watch& w : list) {
    if (w.state == state) return;
  }
  list.push_back(Watch{std::move(state), expired});
  ++count_;
}

void KeyWatchers::Remove(int db, std::string_view key, const WatchState* state) {
  auto& map = dbs_[db];
  auto it = map.find(AsAbsl(key));
  if (it == map.end()) return;
  Watches& list = it->second;
  auto w = std::find_if(list.begin(), list.end(),
                        [state](const Watch& x) { return x.state.get() == state; });
  if (w == list.end()) return;
  list.erase(w);
  --count_;
  if (list.empty()) map.erase(it);
}

void KeyWatchers::Touch(int db, std::string_view key, bool exists) {
  if (count_ == 0) return;
  auto& map = dbs_[db];
  auto it = map.find(AsAbsl(key));
  if (it == map.end()) return;
  for (Watch& w : it->second) {
    // An expired key that is now gone did not logically change; from now
    // on it is an ordinary missing key.
    if (w.expired && !exists) {
      w.expired = false;
      continue;
    }
    w.state->dirty.store(true, std::memory_order_release);
  }
}

void KeyWatchers::TouchAllInDb(int db, const Db& emptied, const Db* replaced_with,
                               int64_t now_ms) {
  if (count_ == 0) return;
  for (auto& [key, list] : dbs_[db]) {
    bool in_emptied = emptied.Contains(key);
    bool in_replacement = replaced_with != nullptr && replaced_with->Contains(key);
    if (!in_emptied && !in_replacement) continue;
    bool replacement_expired = in_replacement && replaced_with->ContainsExpired(key, now_ms);
    for (Watch& w : list) {
      if (w.expired) {
        if (!in_replacement) {  // expired key now deleted: no logical change
          w.expired = false;
          continue;
        }
        if (replacement_expired) continue;  // stays (logically) absent
      } else if (!in_emptied && replacement_expired) {
        w.expired = true;  // missing key replaced with an expired one
        continue;
      }
      w.state->dirty.store(true, std::memory_order_release);
    }
  }
}

bool KeyWatchers::RemoveAndCheckExpired(int db, std::string_view key, const WatchState* state,
                                        const Db& current, int64_t now_ms) {
  auto& map = dbs_[db];
  auto it = map.find(AsAbsl(key));
  if (it == map.end()) return false;
  Watches& list = it->second;
  auto w = std::find_if(list.begin(), list.end(),
                        [state](const Watch& x) { return x.state.get() == state; });
  if (w == list.end()) return false;
  bool newly_expired = !w->expired && current.ContainsExpired(key, now_ms);
  list.erase(w);
  --count_;
  if (list.empty()) map.erase(it);
  return newly_expired;
}

}  // namespace engine
