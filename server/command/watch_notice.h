#ifndef SHARDIS_SERVER_COMMAND_WATCH_NOTICE_H_
#define SHARDIS_SERVER_COMMAND_WATCH_NOTICE_H_

#include <string_view>
#include <vector>

#include "engine/db.h"

namespace server {

// Tells WATCHers what a write command may have changed: built just before
// the write (only when someone watches a key of the shard, Db::watched()),
// Send() after it marks every key that existed before or exists after. A key
// missing both times did not change (DEL, SREM, EXPIRE... of nothing), as in
// Redis; a write that leaves an existing key as it was (SET NX) still counts
// - an EXEC may fail that Redis would run, never the other way round.
class WatchNotice {
 public:
  WatchNotice(engine::Db& db, std::vector<std::string_view> keys) : db_(db), keys_(std::move(keys)) {
    existed_.reserve(keys_.size());
    for (std::string_view key : keys_) existed_.push_back(db_.Contains(key));
  }

  void Send() {
    for (size_t i = 0; i < keys_.size(); ++i) {
      if (existed_[i] || db_.Contains(keys_[i])) db_.NoteChanged(keys_[i]);
    }
  }

 private:
  engine::Db& db_;
  std::vector<std::string_view> keys_;
  std::vector<bool> existed_;
};

}  // namespace server

#endif  // SHARDIS_SERVER_COMMAND_WATCH_NOTICE_H_
