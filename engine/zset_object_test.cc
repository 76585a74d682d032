#include "engine/zset_object.h"

#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace engine {
namespace {

using Pairs = std::vector<std::pair<std::string, double>>;
constexpr double kInf = std::numeric_limits<double>::infinity();

struct PairLess {
  bool operator()(const std::pair<double, std::string>& a,
                  const std::pair<double, std::string>& b) const {
    return ZLess(a.first, a.second, b.first, b.second);
  }
};

// The reference: what Redis's zsetAdd/zsetDel do, on standard containers.
class Model {
 public:
  ZSetObject::AddOutcome Add(const std::string& m, double score, unsigned flags, double* out) {
    using O = ZSetObject::AddOutcome;
    if (std::isnan(score)) return O::kNaN;
    auto it = scores_.find(m);
    if (it == scores_.end()) {
      if (flags & ZSetObject::kXx) return O::kSkipped;
      scores_[m] = score;
      order_.insert({score, m});
      *out = score;
      return O::kAdded;
    }
    if (flags & ZSetObject::kNx) return O::kSkipped;
    double cur = it->second;
    if (flags & ZSetObject::kIncr) {
      score += cur;
      if (std::isnan(score)) return O::kNaN;
    }
    if (((flags & ZSetObject::kLt) && score >= cur) ||
        ((flags & ZSetObject::kGt) && score <= cur)) {
      return O::kSkipped;
    }
    *out = score;
    if (score == cur) return O::kUnchanged;
    order_.erase({cur, m});
    order_.insert({score, m});
    it->second = score;
    return O::kUpdated;
  }
  bool Remove(const std::string& m) {
    auto it = scores_.find(m);
    if (it == scores_.end()) return false;
    order_.erase({it->second, m});
    scores_.erase(it);
    return true;
  }
  Pairs Ascending() const {
    Pairs out;
    for (auto& [s, m] : order_) out.emplace_back(m, s);
    return out;
  }
  size_t size() const { return scores_.size(); }
  const std::map<std::string, double>& scores() const { return scores_; }

 private:
  std::map<std::string, double> scores_;
  std::set<std::pair<double, std::string>, PairLess> order_;
};

Pairs VisitAll(const ZSetObject& z, bool descending) {
  Pairs out;
  if (z.size() == 0) return out;
  z.Visit(descending ? z.size() - 1 : 0, z.size(), descending,
          [&](std::string_view m, double s) { out.emplace_back(m, s); });
  return out;
}

void ExpectSame(const ZSetObject& z, const Model& model) {
  Pairs want = model.Ascending();
  ASSERT_EQ(VisitAll(z, false), want);
  Pairs reversed(want.rbegin(), want.rend());
  ASSERT_EQ(VisitAll(z, true), reversed);
  for (size_t i = 0; i < want.size(); ++i) {
    ASSERT_EQ(z.Rank(want[i].first), std::optional<size_t>(i));
    double s;
    ASSERT_TRUE(z.Score(want[i].first, &s));
    ASSERT_EQ(s, want[i].second);
  }
  // Storage order and a full SCAN each cover every member exactly once.
  std::map<std::string, double> stored, scanned;
  for (size_t i = 0; i < z.size(); ++i) {
    ZMember e = z.StoredAt(i);
    ASSERT_TRUE(stored.emplace(e.member, e.score).second);
  }
  EXPECT_EQ(stored, model.scores());
  uint64_t cursor = 0;
  do {
    cursor = z.Scan(cursor, 7, [&](std::string_view m, double s) {
      EXPECT_TRUE(scanned.emplace(m, s).second);
    });
  } while (cursor != 0);
  EXPECT_EQ(scanned, model.scores());
}

// Drives a set and the model with the same random operations. Scores come
// from a small pool (ties, infinities, fractions) so ranges and ties matter.
void RunModelCheck(int64_t max_entries, int64_t max_value, int members, int steps, unsigned seed,
                   Encoding expect_final) {
  EncodingLimits limits;
  limits.zset_max_listpack_entries = max_entries;
  limits.zset_max_listpack_value = max_value;
  std::mt19937 rng(seed);
  const double pool[] = {-kInf, -3, -1.5, 0, 0.1, 1, 2, 2.5, 1e20, kInf};
  auto score = [&] { return pool[rng() % std::size(pool)]; };
  auto member = [&] {
    std::string m = "m" + std::to_string(rng() % members);
    if (rng() % 200 == 0) m += std::string(20, 'x');  // past a small max_value
    return m;
  };
  ZSetObject z;
  Model model;
  // Start half full, so a large member space also makes a large set.
  for (int i = 0; i < members / 2; ++i) {
    std::string m = member();
    double s = score(), got, want;
    ASSERT_EQ(z.Add(m, s, 0, limits, &got), model.Add(m, s, 0, &want));
  }
  for (int step = 0; step < steps; ++step) {
    switch (rng() % 9) {
      case 0:
      case 1:
      case 2: {
        unsigned flags = 0;
        switch (rng() % 6) {
          case 0:
            flags = ZSetObject::kNx;
            break;
          case 1:
            flags = ZSetObject::kXx | (rng() % 2 ? ZSetObject::kGt : ZSetObject::kLt);
            break;
          case 2:
            flags = ZSetObject::kIncr;
            break;
          case 3:
            flags = rng() % 2 ? ZSetObject::kGt : ZSetObject::kLt;
            break;
        }
        std::string m = member();
        double s = score();
        double got = 0, want = 0;
        auto outcome = z.Add(m, s, flags, limits, &got);
        ASSERT_EQ(outcome, model.Add(m, s, flags, &want)) << m << " " << s << " " << flags;
        if (outcome != ZSetObject::AddOutcome::kSkipped &&
            outcome != ZSetObject::AddOutcome::kNaN) {
          ASSERT_EQ(got, want);
        }
        break;
      }
      case 3: {
        std::string m = member();
        ASSERT_EQ(z.Remove(m), model.Remove(m));
        break;
      }
      case 4: {
        ScoreRange r{score(), score(), rng() % 2 == 0, rng() % 2 == 0};
        size_t want = 0;
        for (auto& [m, s] : model.Ascending()) want += !r.BelowMin(s) && r.AtMostMax(s);
        ASSERT_EQ(z.ScoreSpan(r).size(), want);
        break;
      }
      case 5: {
        size_t n = model.size();
        size_t begin = n ? rng() % n : 0;
        size_t end = begin + rng() % 4;
        Pairs all = model.Ascending();
        size_t removed = z.RemoveSpan({begin, end});
        size_t want = 0;
        for (size_t i = begin; i < end && i < all.size(); ++i, ++want) model.Remove(all[i].first);
        ASSERT_EQ(removed, want);
        break;
      }
      case 6: {
        size_t count = rng() % 4;
        bool max = rng() % 2;
        Pairs all = model.Ascending();
        Pairs want;
        for (size_t i = 0; i < count && i < all.size(); ++i) {
          want.push_back(max ? all[all.size() - 1 - i] : all[i]);
        }
        for (auto& p : want) model.Remove(p.first);
        ASSERT_EQ(max ? z.PopMax(count) : z.PopMin(count), want);
        break;
      }
      case 7: {
        std::string m = member();
        double s;
        auto it = model.scores().find(m);
        ASSERT_EQ(z.Score(m, &s), it != model.scores().end());
        if (it != model.scores().end()) {
          ASSERT_EQ(s, it->second);
        }
        break;
      }
      case 8: {
        std::unique_ptr<ZSetObject> copy(z.Clone());
        ASSERT_EQ(copy->encoding, z.encoding);
        ASSERT_EQ(VisitAll(*copy, false), VisitAll(z, false));
        break;
      }
    }
    ASSERT_EQ(z.size(), model.size());
    if (step % 97 == 0) ExpectSame(z, model);
  }
  ExpectSame(z, model);
  EXPECT_EQ(z.encoding, expect_final);
}

TEST(ZSetObjectTest, ListpackMatchesModel) {
  RunModelCheck(1000, 1000, 150, 20000, 1, Encoding::kListpack);
}

TEST(ZSetObjectTest, ConvertingSetMatchesModel) {
  RunModelCheck(16, 10, 150, 20000, 2, Encoding::kSkiplist);
}

TEST(ZSetObjectTest, SkiplistFromTheStartMatchesModel) {
  RunModelCheck(0, 0, 150, 20000, 3, Encoding::kSkiplist);
}

TEST(ZSetObjectTest, LargeSkiplistMatchesModel) {
  RunModelCheck(128, 64, 4000, 40000, 4, Encoding::kSkiplist);
}

TEST(ZSetObjectTest, ConvertsPastEntriesOrValueLimitAndNeverBack) {
  EncodingLimits limits;  // Redis's defaults: 128 entries, 64 bytes
  ZSetObject z;
  for (int i = 0; i < 128; ++i) z.Add("m" + std::to_string(i), i, 0, limits);
  EXPECT_EQ(z.encoding, Encoding::kListpack);
  z.Add("m0", 5, 0, limits);  // an update never converts
  EXPECT_EQ(z.encoding, Encoding::kListpack);
  z.Add("m128", 128, 0, limits);
  EXPECT_EQ(z.encoding, Encoding::kSkiplist);
  for (int i = 0; i < 129; ++i) z.Remove("m" + std::to_string(i));
  EXPECT_EQ(z.size(), 0u);
  EXPECT_EQ(z.encoding, Encoding::kSkiplist);

  ZSetObject small;
  small.Add(std::string(64, 'a'), 1, 0, limits);
  EXPECT_EQ(small.encoding, Encoding::kListpack);
  small.Add(std::string(65, 'b'), 1, 0, limits);
  EXPECT_EQ(small.encoding, Encoding::kSkiplist);
  EXPECT_EQ(small.size(), 2u);
}

TEST(ZSetObjectTest, ListpackStoresMinusZeroAsZeroLikeRedis) {
  EncodingLimits limits;
  ZSetObject packed;
  double result = 1;
  packed.Add("a", -0.0, 0, limits, &result);
  EXPECT_TRUE(std::signbit(result));  // the reply echoes the given score
  double s;
  ASSERT_TRUE(packed.Score("a", &s));
  EXPECT_FALSE(std::signbit(s));

  std::unique_ptr<ZSetObject> big(ZSetObject::CreateSized(1000, 1, limits));
  EXPECT_EQ(big->encoding, Encoding::kSkiplist);
  big->Add("a", -0.0, 0, limits);
  ASSERT_TRUE(big->Score("a", &s));
  EXPECT_TRUE(std::signbit(s));
}

TEST(ZSetObjectTest, SpansOverScoresAndMembers) {
  EncodingLimits limits;
  for (int64_t entries : {128, 0}) {
    limits.zset_max_listpack_entries = entries;
    ZSetObject z;
    for (std::string m : {"a", "b", "c", "d", "e"}) z.Add(m, 0, 0, limits);
    LexRange r;
    r.min = {LexBound::kExclusive, "a"};
    r.max = {LexBound::kInclusive, "d"};
    auto span = z.LexSpan(r);
    EXPECT_EQ(span.begin, 1u);
    EXPECT_EQ(span.end, 4u);
    r.min = {LexBound::kPlusInf, ""};
    r.max = {LexBound::kPlusInf, ""};
    EXPECT_EQ(z.LexSpan(r).size(), 0u);
    r.min = {LexBound::kMinusInf, ""};
    EXPECT_EQ(z.LexSpan(r).size(), 5u);
    r.max = {LexBound::kExclusive, "a"};
    EXPECT_EQ(z.LexSpan(r).size(), 0u);

    ZSetObject scores;
    for (int i = 0; i < 10; ++i) scores.Add(std::to_string(i), i, 0, limits);
    EXPECT_EQ(scores.ScoreSpan({2, 5, true, false}).size(), 3u);  // (2 5
    EXPECT_EQ(scores.ScoreSpan({5, 2}).size(), 0u);
    EXPECT_EQ(scores.ScoreSpan({3, 3, false, true}).size(), 0u);
    EXPECT_EQ(scores.ScoreSpan({-kInf, kInf}).size(), 10u);
  }
}

}  // namespace
}  // namespace engine
