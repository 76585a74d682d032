#ifndef SHARDIS_ENGINE_KEY_JOURNAL_H_
#define SHARDIS_ENGINE_KEY_JOURNAL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "engine/object.h"
#include "engine/shard.h"

namespace engine {

// The before-images of the keys a piece of work is about to change, so that
// it can be undone as a whole. A script that finds out halfway that it needs
// a shard it does not hold is undone and run again with every shard
// (docs/decisions/006-scripts-with-undeclared-keys.md).
//
// Save() deep-copies a value the first time its key is named; Undo()
// restores every saved key (value and TTL, or absence) in reverse order.
// The caller must hold every shard involved; call both on the same thread.
class KeyJournal {
 public:
  KeyJournal() = default;
  ~KeyJournal();
  KeyJournal(const KeyJournal&) = delete;
  KeyJournal& operator=(const KeyJournal&) = delete;

  void Save(Shard& shard, int db_index, std::string_view key, int64_t now_ms);
  void Undo(int64_t now_ms);
  // Forgets the images (the work is kept).
  void Clear();
  size_t size() const { return images_.size(); }

 private:
  struct Image {
    Shard* shard;
    int db_index;
    std::string key;
    Object* value;  // nullptr: the key did not exist
    int64_t expire_ms;
  };
  std::vector<Image> images_;
  absl::flat_hash_set<std::string> seen_;  // shard id, db and key
};

}  // namespace engine

#endif  // SHARDIS_ENGINE_KEY_JOURNAL_H_
