#ifndef SHARDIS_ENGINE_ZSET_ENTRY_H_
#define SHARDIS_ENGINE_ZSET_ENTRY_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace engine {

// Redis's sorted-set order: by score, ties by member bytes (memcmp, then
// length). Scores compare as doubles, so -0 and 0 are equal and tie on the
// member, as in Redis. NaN is never stored.
inline bool ZLess(double a_score, std::string_view a_member, double b_score,
                  std::string_view b_member) {
  if (a_score < b_score) return true;
  if (b_score < a_score) return false;
  return a_member < b_member;  // char_traits<char>::compare is memcmp order
}

// One member of a sorted set in the "skiplist" encoding: the score and the
// member bytes in one allocation. Its address never changes while it is in
// the set (the ordered index and the member table both point at it); only
// its owning ZIndexedSet creates, mutates and frees it.
class ZEntry {
 public:
  static ZEntry* Create(std::string_view member, double score);
  static void Destroy(ZEntry* e);

  double score() const { return score_; }
  std::string_view member() const { return {data_, len_}; }

 private:
  friend class ZIndexedSet;  // changes scores while the entry is out of the index
  ZEntry() = default;
  double score_ = 0;
  uint32_t len_ = 0;
  char data_[];
};

inline bool ZLess(const ZEntry* a, const ZEntry* b) {
  return ZLess(a->score(), a->member(), b->score(), b->member());
}

// A score interval as ZRANGEBYSCORE/ZCOUNT take it: "(1.5" is exclusive,
// "-inf"/"+inf" unbounded. Empty when min > max, or min == max with either
// end exclusive.
struct ScoreRange {
  double min = 0, max = 0;
  bool min_exclusive = false, max_exclusive = false;

  // True for scores before the interval (a prefix of the set's order).
  bool BelowMin(double s) const { return min_exclusive ? s <= min : s < min; }
  // True for scores not past the interval's end (a prefix of the order).
  bool AtMostMax(double s) const { return max_exclusive ? s < max : s <= max; }
};

// One end of a lexicographic interval: "-" and "+" are the infinities,
// "[a" inclusive, "(a" exclusive.
struct LexBound {
  enum Kind : uint8_t { kMinusInf, kPlusInf, kInclusive, kExclusive };
  Kind kind = kMinusInf;
  std::string value;
};

// A member interval as ZRANGEBYLEX/ZLEXCOUNT take it. Meaningful when every
// member has the same score (Redis leaves other cases unspecified); members
// then are in byte order and both predicates hold on a prefix.
struct LexRange {
  LexBound min, max;

  bool BelowMin(std::string_view m) const {
    switch (min.kind) {
      case LexBound::kMinusInf:
        return false;
      case LexBound::kPlusInf:
        return true;
      case LexBound::kInclusive:
        return m < min.value;
      case LexBound::kExclusive:
        return m <= min.value;
    }
    return false;
  }
  bool AtMostMax(std::string_view m) const {
    switch (max.kind) {
      case LexBound::kMinusInf:
        return false;
      case LexBound::kPlusInf:
        return true;
      case LexBound::kInclusive:
        return m <= max.value;
      case LexBound::kExclusive:
        return m < max.value;
    }
    return false;
  }
};

}  // namespace engine

#endif  // SHARDIS_ENGINE_ZSET_ENTRY_H_
