#ifndef SHARDIS_ENGINE_SET_OBJECT_H_
#define SHARDIS_ENGINE_SET_OBJECT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "engine/dense_table.h"
#include "engine/encoding_limits.h"
#include "engine/intset.h"
#include "engine/object.h"

namespace engine {

// A set of byte strings (SADD/SREM/...), owner-thread only.
//
// Encodings, as Redis 7.0 chooses them (7.0 has no listpack sets):
//  - "intset" while every member is a canonical 64-bit integer and there are
//    at most set-max-intset-entries of them: an IntSet, so members iterate in
//    ascending numeric order (SMEMBERS lists them as Redis does);
//  - "hashtable" after the first other member or past that count: a
//    DenseTable of PackedEntry (empty values). It never converts back.
// Mutating calls take the EncodingLimits in force (CONFIG may change them).
//
// Integer members are produced as text in a caller's scratch buffer of at
// least kScratchSize bytes; other views are valid until the next mutation.
class SetObject : public Object {
 public:
  static constexpr size_t kScratchSize = 24;

  SetObject() : Object(ObjectType::kSet, Encoding::kIntset) {}
  SetObject(const SetObject&) = delete;
  SetObject& operator=(const SetObject&) = delete;
  // A deep copy in the same encoding (COPY, values moved between shards).
  SetObject* Clone() const;
  // Frees the elements, leaving an empty husk (Db calls this when the value
  // is removed: only the header may still be read by other threads until
  // hazard pointers let it go).
  void ReleaseContents();

  size_t size() const { return table_ ? table_->size() : intset_.size(); }
  // The members while the set is "intset" encoded (RDB writes them as one
  // blob); nullptr once it is a hashtable.
  const IntSet* intset() const { return table_ ? nullptr : &intset_; }
  // False when member was already there.
  bool Add(std::string_view member, const EncodingLimits& limits);
  // False when member was not there.
  bool Remove(std::string_view member);
  bool Contains(std::string_view member) const;

  // The i-th member in iteration order (i < size()), O(1).
  std::string_view At(size_t i, char* scratch) const;
  // Removes the i-th member and returns it. "hashtable" moves its last member
  // into the hole (see DenseTable::TakeAt); "intset" stays sorted.
  std::string TakeAt(size_t i);
  // Calls f(member) for every member in iteration order.
  template <typename F>
  void ForEach(F&& f) const;
  // One SSCAN step: f(member) for the members visited; returns the next
  // cursor (0: done). "intset" visits everything at once and returns 0, as
  // Redis does; "hashtable" follows DenseTable::Scan.
  template <typename F>
  uint64_t Scan(uint64_t cursor, size_t count, F&& f) const;

 private:
  void ConvertToHashtable(size_t reserve);

  IntSet intset_;                      // "intset"
  std::unique_ptr<DenseTable> table_;  // "hashtable"; intset_ is then empty
};

template <typename F>
void SetObject::ForEach(F&& f) const {
  char scratch[kScratchSize];
  for (size_t i = 0, n = size(); i < n; ++i) f(At(i, scratch));
}

template <typename F>
uint64_t SetObject::Scan(uint64_t cursor, size_t count, F&& f) const {
  if (!table_) {
    ForEach(f);
    return 0;
  }
  return table_->Scan(cursor, count, [&](const PackedEntry& e) { f(e.key()); });
}

}  // namespace engine

#endif  // SHARDIS_ENGINE_SET_OBJECT_H_
