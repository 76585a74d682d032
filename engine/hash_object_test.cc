#include "engine/hash_object.h"

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace engine {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

Pairs AllPairs(const HashObject& h) {
  Pairs out;
  h.ForEach([&](std::string_view f, std::string_view v) { out.emplace_back(f, v); });
  return out;
}

std::map<std::string, std::string> AsMap(const HashObject& h) {
  Pairs p = AllPairs(h);
  return {p.begin(), p.end()};
}

// Sets *converted to whether the hash turned into a hashtable on the way.
void RandomizedModelCheck(int64_t max_entries, int max_value_len, uint32_t seed,
                          bool* converted_out) {
  EncodingLimits limits;
  limits.hash_max_listpack_entries = max_entries;
  HashObject h;
  std::map<std::string, std::string> model;
  std::mt19937 rng(seed);
  // A listpack turns into a hashtable past max_entries fields or on a value
  // longer than hash-max-listpack-value, and never back (as in Redis).
  bool converted = false;
  const size_t max_value = static_cast<size_t>(EncodingLimits::Get(limits.hash_max_listpack_value));
  for (int step = 0; step < 20000; ++step) {
    std::string f = "f" + std::to_string(rng() % 300);
    std::string v(rng() % (max_value_len + 1), static_cast<char>('a' + rng() % 26));
    switch (rng() % 3) {
      case 0:
      case 1: {
        bool is_new = model.count(f) == 0;
        ASSERT_EQ(h.Set(f, v, limits), is_new);
        model[f] = v;
        converted = converted || v.size() > max_value;
        break;
      }
      case 2:
        ASSERT_EQ(h.Delete(f), model.erase(f) == 1);
        break;
    }
    ASSERT_EQ(h.size(), model.size());
    converted = converted || model.size() > static_cast<size_t>(max_entries);
    ASSERT_EQ(h.encoding, converted ? Encoding::kHashtable : Encoding::kListpack)
        << "step " << step << ", " << model.size() << " fields";
    auto got = h.Get(f);
    ASSERT_EQ(got.has_value(), model.count(f) == 1);
    if (got) {
      ASSERT_EQ(*got, model[f]);
    }
  }
  EXPECT_EQ(AsMap(h), model);
  for (size_t i = 0; i < h.size(); ++i) {
    auto [f, v] = h.At(i);
    EXPECT_EQ(model.at(std::string(f)), v);
  }
  HashObject* copy = h.Clone();
  EXPECT_EQ(copy->encoding, h.encoding);
  EXPECT_EQ(AllPairs(*copy), AllPairs(h));
  delete copy;
  *converted_out = converted;
}

TEST(HashObjectTest, RandomizedListpackOnly) {
  bool converted = true;
  RandomizedModelCheck(1000, 64, 1, &converted);
  EXPECT_FALSE(converted);
}

TEST(HashObjectTest, RandomizedWithConversions) {
  bool converted = false;
  RandomizedModelCheck(128, 64, 2, &converted);  // by entry count (300 fields in play)
  EXPECT_TRUE(converted);
  converted = false;
  RandomizedModelCheck(1000, 80, 3, &converted);  // by value length
  EXPECT_TRUE(converted);
}

TEST(HashObjectTest, ListpackKeepsInsertionOrderAndUpdatesInPlace) {
  EncodingLimits limits;
  HashObject h;
  EXPECT_TRUE(h.Set("b", "1", limits));
  EXPECT_TRUE(h.Set("a", "2", limits));
  EXPECT_TRUE(h.Set("c", "3", limits));
  EXPECT_FALSE(h.Set("a", std::string(60, 'x'), limits));
  EXPECT_TRUE(h.Delete("b"));
  EXPECT_TRUE(h.Set("b", "4", limits));
  EXPECT_EQ(AllPairs(h), (Pairs{{"a", std::string(60, 'x')}, {"c", "3"}, {"b", "4"}}));
  EXPECT_EQ(h.At(2), (HashObject::Pair{"b", "4"}));
  EXPECT_EQ(h.encoding, Encoding::kListpack);
  EXPECT_FALSE(h.Get("zz").has_value());
  EXPECT_EQ(*h.Get("c"), "3");
}

TEST(HashObjectTest, ConvertsPastEntriesOrValueLengthAndNeverBack) {
  EncodingLimits limits;
  const int max = static_cast<int>(EncodingLimits::Get(limits.hash_max_listpack_entries));
  EXPECT_EQ(max, 512);  // Redis 7.0's default
  HashObject by_count;
  for (int i = 0; i < max; ++i) by_count.Set("f" + std::to_string(i), "v", limits);
  EXPECT_EQ(by_count.encoding, Encoding::kListpack);
  by_count.Set("f0", "updated", limits);  // no new field: no conversion
  EXPECT_EQ(by_count.encoding, Encoding::kListpack);
  by_count.Set("new", "v", limits);
  EXPECT_EQ(by_count.encoding, Encoding::kHashtable);
  EXPECT_EQ(*by_count.Get("f0"), "updated");
  EXPECT_EQ(by_count.size(), max + 1u);
  for (int i = 0; i < max; ++i) by_count.Delete("f" + std::to_string(i));
  EXPECT_EQ(by_count.encoding, Encoding::kHashtable);

  HashObject by_field;
  by_field.Set("a", "1", limits);
  by_field.Set(std::string(64, 'f'), std::string(64, 'v'), limits);  // 64 is still fine
  EXPECT_EQ(by_field.encoding, Encoding::kListpack);
  by_field.Set(std::string(65, 'f'), "v", limits);
  EXPECT_EQ(by_field.encoding, Encoding::kHashtable);

  HashObject by_update;
  by_update.Set("a", "1", limits);
  by_update.Set("a", std::string(65, 'v'), limits);
  EXPECT_EQ(by_update.encoding, Encoding::kHashtable);
  EXPECT_EQ(by_update.Get("a")->size(), 65u);
}

TEST(HashObjectTest, ScanOfListpackReturnsEverythingInOrder) {
  EncodingLimits limits;
  HashObject h;
  h.Set("x", "1", limits);
  h.Set("y", "2", limits);
  Pairs seen;
  EXPECT_EQ(
      h.Scan(12345, 1, [&](std::string_view f, std::string_view v) { seen.emplace_back(f, v); }),
      0u);
  EXPECT_EQ(seen, (Pairs{{"x", "1"}, {"y", "2"}}));
}

TEST(HashObjectTest, ScanOfHashtableSurvivesDeletesAndUpdates) {
  EncodingLimits limits;
  limits.hash_max_listpack_entries = 128;
  HashObject h;
  for (int i = 0; i < 500; ++i) h.Set("f" + std::to_string(i), "v", limits);
  ASSERT_EQ(h.encoding, Encoding::kHashtable);
  std::mt19937 rng(4);
  std::set<std::string> seen, deleted;
  uint64_t cursor = 0;
  do {
    cursor = h.Scan(cursor, 10, [&](std::string_view f, std::string_view) { seen.emplace(f); });
    std::string f = "f" + std::to_string(rng() % 500);
    if (h.Delete(f)) deleted.insert(f);
    h.Set("f" + std::to_string(rng() % 500), "changed", limits);  // may re-add a deleted one
  } while (cursor != 0);
  for (int i = 0; i < 500; ++i) {
    std::string f = "f" + std::to_string(i);
    if (deleted.count(f) == 0) {
      EXPECT_EQ(seen.count(f), 1u) << f;
    }
  }
}

}  // namespace
}  // namespace engine
