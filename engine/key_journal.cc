#include "engine/key_journal.h"

#include "absl/strings/str_cat.h"

namespace engine {

KeyJournal::~KeyJournal() { Clear(); }

void KeyJournal::Save(Shard& shard, int db_index, std::string_view key, int64_t now_ms) {
  std::string id =
      absl::StrCat(shard.id(), ":", db_index, ":", absl::string_view(key.data(), key.size()));
  if (!seen_.insert(std::move(id)).second) return;
  Db& db = shard.db(db_index);
  KeyRef ref = db.Peek(key, now_ms);
  Image image{&shard, db_index, std::string(key), nullptr, 0};
  if (ref) {
    image.value = CloneObject(ref.obj());
    image.expire_ms = ref.entry->expire_ms.load(std::memory_order_relaxed);
  }
  images_.push_back(std::move(image));
}

void KeyJournal::Undo(int64_t now_ms) {
  for (auto it = images_.rbegin(); it != images_.rend(); ++it) {
    Db& db = it->shard->db(it->db_index);
    if (it->value == nullptr) {
      db.Erase(it->key);
    } else {
      db.Set(it->key, it->value, it->expire_ms, /*keep_ttl=*/false, now_ms);
      it->value = nullptr;  // the db owns it again
    }
  }
  images_.clear();
  seen_.clear();
}

void KeyJournal::Clear() {
  // Never published: no reader can hold these copies.
  for (Image& image : images_) {
    if (image.value != nullptr) DestroyObject(image.value);
  }
  images_.clear();
  seen_.clear();
}

}  // namespace engine
