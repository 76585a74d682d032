#ifndef SHARDIS_ENGINE_HASH_OBJECT_H_
#define SHARDIS_ENGINE_HASH_OBJECT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

#include "engine/dense_table.h"
#include "engine/encoding_limits.h"
#include "engine/listpack.h"
#include "engine/object.h"

namespace engine {

// A field -> value map (HSET/HGET/...), owner-thread only.
//
// Encodings, as Redis 7.0 chooses them:
//  - "listpack" while small: field, value, field, value... in one Listpack,
//    in insertion order (HGETALL lists a small hash exactly as Redis does);
//  - "hashtable" once it holds more than hash-max-listpack-entries fields,
//    or once any field or value longer than hash-max-listpack-value bytes is
//    set: a DenseTable of PackedEntry. It never converts back.
// Mutating calls take the EncodingLimits in force (CONFIG may change them).
//
// Views returned by the accessors are valid until the next mutation.
class HashObject : public Object {
 public:
  using Pair = std::pair<std::string_view, std::string_view>;

  HashObject() : Object(ObjectType::kHash, Encoding::kListpack) {}
  HashObject(const HashObject&) = delete;
  HashObject& operator=(const HashObject&) = delete;
  // A deep copy in the same encoding (COPY, values moved between shards).
  HashObject* Clone() const;
  // Frees the elements, leaving an empty husk (Db calls this when the value
  // is removed: only the header may still be read by other threads until
  // hazard pointers let it go).
  void ReleaseContents();

  size_t size() const { return table_ ? table_->size() : listpack_.size() / 2; }
  std::optional<std::string_view> Get(std::string_view field) const;
  // Sets field to value; true when the field is new.
  bool Set(std::string_view field, std::string_view value, const EncodingLimits& limits);
  // False when the field was not there.
  bool Delete(std::string_view field);

  // The i-th pair in iteration order (i < size()): O(1) for "hashtable",
  // O(i) for "listpack" (random picks over a small hash collect ForEach).
  Pair At(size_t i) const;
  // Calls f(field, value) for every pair, in iteration order (insertion
  // order for "listpack").
  template <typename F>
  void ForEach(F&& f) const;
  // One HSCAN step: f(field, value) for the pairs visited; returns the next
  // cursor (0: done). "listpack" visits everything at once and returns 0, as
  // Redis does; "hashtable" follows DenseTable::Scan.
  template <typename F>
  uint64_t Scan(uint64_t cursor, size_t count, F&& f) const;

 private:
  // Byte offset of field in the listpack, or Listpack::end().
  size_t FindInListpack(std::string_view field) const;
  void ConvertToHashtable();

  Listpack listpack_;                  // "listpack": field, value, ...
  std::unique_ptr<DenseTable> table_;  // "hashtable"; listpack_ is then empty
};

template <typename F>
void HashObject::ForEach(F&& f) const {
  if (table_) {
    for (size_t i = 0; i < table_->size(); ++i) {
      const PackedEntry& e = table_->at(i);
      f(e.key(), e.value());
    }
    return;
  }
  size_t off = listpack_.begin();
  while (off != listpack_.end()) {
    std::string_view field = listpack_.Get(off, &off);
    std::string_view value = listpack_.Get(off, &off);
    f(field, value);
  }
}

template <typename F>
uint64_t HashObject::Scan(uint64_t cursor, size_t count, F&& f) const {
  if (!table_) {
    ForEach(f);
    return 0;
  }
  return table_->Scan(cursor, count, [&](const PackedEntry& e) { f(e.key(), e.value()); });
}

}  // namespace engine

#endif  // SHARDIS_ENGINE_HASH_OBJECT_H_
