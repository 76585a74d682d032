#include "engine/listpack.h"

#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace engine {
namespace {

std::vector<std::string> Contents(const Listpack& lp) {
  std::vector<std::string> out;
  for (size_t off = lp.begin(); off != lp.end();) out.emplace_back(lp.Get(off, &off));
  return out;
}

TEST(ListpackTest, OneByteOfOverheadForShortStrings) {
  Listpack lp;
  lp.Append("field");
  lp.Append("");
  lp.Append(std::string(200, 'x'));  // 200 needs a two-byte prefix
  EXPECT_EQ(lp.size(), 3u);
  EXPECT_EQ(lp.bytes(), (1 + 5) + 1 + (2 + 200u));
  EXPECT_EQ(Contents(lp), (std::vector<std::string>{"field", "", std::string(200, 'x')}));
}

TEST(ListpackTest, ReplaceAndEraseKeepTheRestInPlace) {
  Listpack lp;
  for (const char* s : {"a", "1", "b", "2", "c", "3"}) lp.Append(s);
  size_t off = 0, b_value = 0;
  for (int i = 0; i < 3; ++i) lp.Get(off, &off);
  b_value = off;  // "2"
  lp.Replace(b_value, std::string(300, 'y'));
  EXPECT_EQ(Contents(lp),
            (std::vector<std::string>{"a", "1", "b", std::string(300, 'y'), "c", "3"}));
  lp.Replace(b_value, "z");
  EXPECT_EQ(Contents(lp), (std::vector<std::string>{"a", "1", "b", "z", "c", "3"}));
  size_t b = 0;
  lp.Get(0, &b);
  lp.Get(b, &b);
  lp.Erase(b, 2);
  EXPECT_EQ(Contents(lp), (std::vector<std::string>{"a", "1", "c", "3"}));
  Listpack copy(lp);
  lp.Erase(0, 4);
  EXPECT_EQ(lp.size(), 0u);
  EXPECT_EQ(lp.bytes(), 0u);
  EXPECT_EQ(Contents(copy), (std::vector<std::string>{"a", "1", "c", "3"}));
}

TEST(ListpackTest, RandomizedAgainstVector) {
  std::mt19937 rng(5);
  Listpack lp;
  std::vector<std::string> model;
  for (int step = 0; step < 3000; ++step) {
    std::string s(rng() % 3 == 0 ? rng() % 300 : rng() % 10, static_cast<char>('a' + rng() % 26));
    size_t i = model.empty() ? 0 : rng() % model.size();
    size_t off = 0;
    for (size_t k = 0; k < i && !model.empty(); ++k) lp.Get(off, &off);
    switch (model.empty() ? 0 : rng() % 3) {
      case 0:
        lp.Append(s);
        model.push_back(s);
        break;
      case 1:
        lp.Replace(off, s);
        model[i] = s;
        break;
      case 2: {
        size_t n = std::min<size_t>(1 + rng() % 2, model.size() - i);
        lp.Erase(off, n);
        model.erase(model.begin() + i, model.begin() + i + n);
        break;
      }
    }
    ASSERT_EQ(lp.size(), model.size());
  }
  EXPECT_EQ(Contents(lp), model);
}

}  // namespace
}  // namespace engine
