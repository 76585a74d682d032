#ifndef SHARDIS_ENGINE_SET_OBJECT_H_
#define SHARDIS_ENGINE_SET_OBJECT_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "engine/object.h"

namespace engine {

// Owner-only set with O(1) random member (SPOP/SRANDMEMBER): members live in a
// dense vector, the hash set stores positions into it.
class SetObject : public Object {
 public:
  // Redis 7.0's set-max-intset-entries default: past it, or on the first
  // non-integer member, the set is a "hashtable" for good.
  static constexpr size_t kMaxIntsetEntries = 512;

  SetObject() : Object(ObjectType::kSet, Encoding::kIntset) {}
  SetObject(const SetObject&) = delete;
  SetObject& operator=(const SetObject&) = delete;
  // A deep copy (COPY, values moved between shards).
  SetObject* Clone() const;

  bool Add(std::string_view member);
  bool Remove(std::string_view member);
  bool Contains(std::string_view member) const;
  size_t size() const { return members_.size(); }
  const std::vector<std::string>& members() const { return members_; }
  // Removes and returns the member at position i (swap with last).
  std::string TakeAt(size_t i);

 private:
  struct PosHash {
    using is_transparent = void;
    const std::vector<std::string>* members;
    size_t operator()(uint32_t pos) const { return absl::HashOf(std::string_view((*members)[pos])); }
    size_t operator()(std::string_view s) const { return absl::HashOf(s); }
  };
  struct PosEq {
    using is_transparent = void;
    const std::vector<std::string>* members;
    bool operator()(uint32_t a, uint32_t b) const { return a == b; }
    bool operator()(uint32_t a, std::string_view b) const { return (*members)[a] == b; }
    bool operator()(std::string_view a, uint32_t b) const { return a == (*members)[b]; }
  };
  void NoteAdded(std::string_view member);

  std::vector<std::string> members_;
  absl::flat_hash_set<uint32_t, PosHash, PosEq> index_{0, PosHash{&members_}, PosEq{&members_}};
};

}  // namespace engine

#endif  // SHARDIS_ENGINE_SET_OBJECT_H_
