#include "engine/list_object.h"

#include <deque>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace engine {
namespace {

std::vector<std::string> Contents(const ListObject& list) {
  std::vector<std::string> out;
  list.VisitFrom(0, [&](size_t i, std::string_view v) {
    EXPECT_EQ(i, out.size());
    out.emplace_back(v);
    return true;
  });
  return out;
}

std::vector<std::string> ContentsBackwards(const ListObject& list) {
  std::vector<std::string> out;
  if (list.empty()) return out;
  list.VisitReverseFrom(list.size() - 1, [&](size_t i, std::string_view v) {
    EXPECT_EQ(i, list.size() - 1 - out.size());
    out.emplace_back(v);
    return true;
  });
  return {out.rbegin(), out.rend()};
}

std::string RandomValue(std::mt19937& rng) {
  // Mostly short; sometimes past one varint byte (128) or a whole node.
  size_t len = rng() % 10 == 0 ? rng() % 300 : rng() % 12;
  if (rng() % 200 == 0) len = 5000 + rng() % 5000;
  std::string v(len, 'a');
  for (char& c : v) c = static_cast<char>('a' + rng() % 3);
  return v;
}

// Every operation against a std::deque model, with node caps small enough
// that nodes split, empty and get dropped all the time.
void ModelCheck(int64_t fill, uint32_t seed) {
  ListObject list;
  std::deque<std::string> model;
  std::mt19937 rng(seed);
  for (int step = 0; step < 6000; ++step) {
    std::string v = RandomValue(rng);
    size_t n = model.size();
    switch (rng() % 10) {
      case 0:
        list.PushFront(v, fill);
        model.push_front(v);
        break;
      case 1:
      case 2:
        list.PushBack(v, fill);
        model.push_back(v);
        break;
      case 3:
        if (n > 0) {
          ASSERT_EQ(list.PopFront(), model.front());
          model.pop_front();
        }
        break;
      case 4:
        if (n > 0) {
          ASSERT_EQ(list.PopBack(), model.back());
          model.pop_back();
        }
        break;
      case 5: {
        size_t i = rng() % (n + 1);
        list.Insert(i, v, fill);
        model.insert(model.begin() + i, v);
        break;
      }
      case 6:
        if (n > 0) {
          size_t i = rng() % n;
          list.Set(i, v, fill);
          model[i] = v;
        }
        break;
      case 7:
        if (n > 0) {
          size_t i = rng() % n;
          list.Erase(i);
          model.erase(model.begin() + i);
        }
        break;
      case 8: {
        std::string needle(1, static_cast<char>('a' + rng() % 3));
        size_t limit = rng() % 3;
        bool from_tail = rng() % 2;
        size_t removed = 0;
        if (from_tail) {
          for (size_t i = model.size(); i-- > 0 && (limit == 0 || removed < limit);) {
            if (model[i] == needle) {
              model.erase(model.begin() + i);
              ++removed;
            }
          }
        } else {
          for (size_t i = 0; i < model.size() && (limit == 0 || removed < limit);) {
            if (model[i] == needle) {
              model.erase(model.begin() + i);
              ++removed;
            } else {
              ++i;
            }
          }
        }
        ASSERT_EQ(list.RemoveEqual(needle, limit, from_tail), removed);
        break;
      }
      case 9:
        if (n > 0 && rng() % 20 == 0) {
          size_t start = rng() % n;
          size_t count = rng() % (n + 1);
          list.Keep(start, count);
          std::deque<std::string> kept(model.begin() + start,
                                       model.begin() + std::min(n, start + count));
          model.swap(kept);
        } else if (n > 0) {
          size_t i = rng() % n;
          ASSERT_EQ(list.At(i), model[i]) << i;
        }
        break;
    }
    ASSERT_EQ(list.size(), model.size()) << "step " << step;
  }
  std::vector<std::string> expected(model.begin(), model.end());
  EXPECT_EQ(Contents(list), expected);
  EXPECT_EQ(ContentsBackwards(list), expected);
  ListObject* copy = list.Clone();
  EXPECT_EQ(Contents(*copy), expected);
  delete copy;
}

TEST(ListObjectTest, MatchesModelWithCountCappedNodes) { ModelCheck(3, 1); }
TEST(ListObjectTest, MatchesModelWithByteCappedNodes) { ModelCheck(-1, 2); }
TEST(ListObjectTest, MatchesModelWithDefaultNodes) { ModelCheck(-2, 3); }

TEST(ListObjectTest, SmallListIsOneNodeAndBigListSplits) {
  ListObject list;
  for (int i = 0; i < 10; ++i) list.PushBack("element:" + std::to_string(i), -2);
  EXPECT_EQ(list.node_count(), 1u);
  for (int i = 0; i < 10000; ++i) list.PushFront("some-element-" + std::to_string(i), -2);
  // 8 KB nodes of ~20-byte entries.
  EXPECT_GT(list.node_count(), 20u);
  EXPECT_LT(list.node_count(), 60u);
  EXPECT_EQ(list.At(0), "some-element-9999");
  EXPECT_EQ(list.At(list.size() - 1), "element:9");
}

TEST(ListObjectTest, VisitFromTheMiddleBothWays) {
  ListObject list;
  for (int i = 0; i < 1000; ++i) list.PushBack(std::to_string(i), 4);
  std::vector<size_t> seen;
  list.VisitFrom(500, [&](size_t i, std::string_view v) {
    EXPECT_EQ(v, std::to_string(i));
    seen.push_back(i);
    return seen.size() < 3;
  });
  EXPECT_EQ(seen, (std::vector<size_t>{500, 501, 502}));
  seen.clear();
  list.VisitReverseFrom(501, [&](size_t i, std::string_view v) {
    EXPECT_EQ(v, std::to_string(i));
    seen.push_back(i);
    return seen.size() < 3;
  });
  EXPECT_EQ(seen, (std::vector<size_t>{501, 500, 499}));
}

TEST(ListObjectTest, BinarySafeValues) {
  ListObject list;
  std::string bin("a\0b\r\n\xff", 6);
  list.PushBack(bin, -2);
  list.PushBack("", -2);
  list.PushFront(std::string(200, '\x80'), -2);
  EXPECT_EQ(list.At(1), bin);
  EXPECT_EQ(list.At(2), "");
  EXPECT_EQ(list.PopFront(), std::string(200, '\x80'));
}

}  // namespace
}  // namespace engine
