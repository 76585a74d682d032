#ifndef SHARDIS_ENGINE_ZSET_OBJECT_H_
#define SHARDIS_ENGINE_ZSET_OBJECT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "engine/encoding_limits.h"
#include "engine/object.h"
#include "engine/zset_entry.h"
#include "engine/zset_indexed_set.h"
#include "engine/zset_listpack.h"

namespace engine {

// A member and its score as a sorted set hands them out; the member view is
// valid until the set next changes.
struct ZMember {
  std::string_view member;
  double score;
};

// Owner-only sorted set (ZADD/ZRANGE/...). Starts "listpack" (ZListpack) and
// becomes "skiplist" (ZIndexedSet) for good once it holds more than
// zset-max-listpack-entries members or a member longer than
// zset-max-listpack-value bytes, exactly when Redis 7.0 converts. Methods
// that may grow the set take the limits; nothing here reads globals.
//
// Ranks are 0-based in ascending (score, member) order.
class ZSetObject : public Object {
 public:
  // ZADD's NX/XX/GT/LT/INCR (combinations are checked by the command).
  enum AddFlag : unsigned { kNx = 1, kXx = 2, kGt = 4, kLt = 8, kIncr = 16 };
  enum class AddOutcome {
    kAdded,      // a new member
    kUpdated,    // the score changed
    kUnchanged,  // same score (counts as processed for INCR)
    kSkipped,    // NX/XX/GT/LT said no
    kNaN,        // the score, or the incremented one, is not a number
  };

  // A half-open interval of ascending ranks.
  struct RankSpan {
    size_t begin = 0, end = 0;
    size_t size() const { return end > begin ? end - begin : 0; }
  };

  using Visitor = absl::FunctionRef<void(std::string_view member, double score)>;

  ZSetObject() : Object(ObjectType::kZSet, Encoding::kListpack) {}
  // A set about to receive `size_hint` members (the longest `max_member_len`
  // bytes): "skiplist" from the start when they would not fit a listpack,
  // as Redis creates the destinations of ZUNIONSTORE/ZRANGESTORE.
  static ZSetObject* CreateSized(size_t size_hint, size_t max_member_len,
                                 const EncodingLimits& limits);
  ZSetObject(const ZSetObject&) = delete;
  ZSetObject& operator=(const ZSetObject&) = delete;
  ~ZSetObject() = default;
  // A deep copy in the same encoding (COPY, values moved between shards).
  ZSetObject* Clone() const;
  // Frees the elements, leaving an empty husk (Db calls this when the value
  // is removed: only the header may still be read by other threads until
  // hazard pointers let it go).
  void ReleaseContents();

  size_t size() const;

  // ZADD/ZINCRBY for one member, with Redis's zsetAdd semantics: with kIncr
  // `score` is added to the current one; GT/LT compare the new score with
  // the current; NX never updates, XX never adds. `*result_score` gets the
  // member's score after the call unless kSkipped/kNaN.
  AddOutcome Add(std::string_view member, double score, unsigned flags,
                 const EncodingLimits& limits, double* result_score = nullptr);
  bool Remove(std::string_view member);
  bool Score(std::string_view member, double* score) const;
  std::optional<size_t> Rank(std::string_view member) const;

  // The ranks whose scores / members fall in the range.
  RankSpan ScoreSpan(const ScoreRange& range) const;
  RankSpan LexSpan(const LexRange& range) const;

  // Calls visit for `count` entries starting at rank `first`: ascending, or
  // with `descending` from `first` down towards rank 0. The caller keeps the
  // walk inside [0, size()).
  void Visit(size_t first, size_t count, bool descending, Visitor visit) const;
  // Removes the entries of ranks [span.begin, span.end); returns how many.
  size_t RemoveSpan(RankSpan span);

  // ZPOPMIN/ZPOPMAX (and the blocking forms): removes up to `count` entries
  // from the low or the high end and returns them in pop order.
  std::vector<std::pair<std::string, double>> PopMin(size_t count);
  std::vector<std::pair<std::string, double>> PopMax(size_t count);

  // The entry at position i < size() of the storage order: ascending for a
  // listpack (an O(i) walk), the dense vector's order otherwise (O(1)).
  // Random members draw positions.
  ZMember StoredAt(size_t i) const;

  // One ZSCAN step. A listpack is returned whole with cursor 0, as Redis
  // does; a skiplist encoded set walks ZIndexedSet::Scan's cursor, visiting
  // about `count` members. Returns the next cursor (0 when done).
  uint64_t Scan(uint64_t cursor, size_t count, Visitor visit) const;

 private:
  bool is_listpack() const { return encoding == Encoding::kListpack; }
  void ConvertToIndexed();
  AddOutcome AddToListpack(std::string_view member, double score, unsigned flags,
                           const EncodingLimits& limits, double* result_score, bool* converted);
  static bool DecideUpdate(unsigned flags, double current, double* score, double* result_score,
                           AddOutcome* outcome);
  AddOutcome AddToIndexed(std::string_view member, double score, unsigned flags,
                          double* result_score);

  ZListpack listpack_;                    // when encoding == kListpack
  std::unique_ptr<ZIndexedSet> indexed_;  // when encoding == kSkiplist
};

}  // namespace engine

#endif  // SHARDIS_ENGINE_ZSET_OBJECT_H_
