// Random Lua values for the round-trip tests, written as Lua source so a
// failing case prints as something one can paste into redis-cli. Draws favour
// the boundaries where encodings change.
#ifndef SHARDIS_SERVER_SCRIPTING_LUALIB_LUA_RANDOM_H_
#define SHARDIS_SERVER_SCRIPTING_LUALIB_LUA_RANDOM_H_

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <string_view>

namespace scripting::lualib_test {

class LuaRandom {
 public:
  explicit LuaRandom(uint64_t seed) : rng_(seed) {}

  uint64_t Below(uint64_t n) { return std::uniform_int_distribution<uint64_t>(0, n - 1)(rng_); }
  bool OneIn(uint64_t n) { return Below(n) == 0; }
  template <typename T, size_t N>
  const T& Pick(const T (&items)[N]) {
    return items[Below(N)];
  }

  // A double as a Lua expression that evaluates to exactly it. No -0 or x/0
  // constants: Lua 5.1 keeps one constant for 0 and -0 per function, so a -0
  // would turn a later 1/0 into -inf.
  static std::string Number(double d) {
    if (std::isnan(d)) return "(0/0)";
    if (std::isinf(d)) return d > 0 ? "math.huge" : "(-math.huge)";
    if (d == 0 && std::signbit(d)) return "(-1/math.huge)";
    char buf[40];
    std::snprintf(buf, sizeof buf, "(%.17g)", d);
    return buf;
  }

  // Bytes as a Lua string literal; \ddd for every byte keeps it exact.
  static std::string String(std::string_view bytes) {
    std::string out = "\"";
    for (unsigned char c : bytes) {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\%03u", c);
      out += buf;
    }
    return out + "\"";
  }

  std::string Bytes(size_t n, bool allow_zero = true) {
    std::string s(n, '\0');
    for (char& c : s) c = static_cast<char>(allow_zero ? Below(256) : 1 + Below(255));
    return s;
  }

  // An integer in [lo, hi] that a double holds exactly, near one end or
  // anywhere in between.
  double Integer(double lo, double hi) {
    switch (Below(4)) {
      case 0:
        return lo + static_cast<double>(Below(4));
      case 1:
        return hi - static_cast<double>(Below(4));
      default: {
        const double x = std::uniform_real_distribution<double>(lo, hi)(rng_);
        return std::fmin(hi, std::fmax(lo, std::trunc(x)));
      }
    }
  }

  // Any double: specials, powers of 2 and neighbours, or random bits.
  double AnyDouble() {
    static constexpr double kSpecial[] = {0.0,
                                          -0.0,
                                          0.1,
                                          0.5,
                                          -1.5,
                                          1e308,
                                          -1e308,
                                          5e-324,
                                          1e-300,
                                          3.4028234663852886e38,
                                          1.401298464324817e-45,
                                          1e39,
                                          INFINITY,
                                          -INFINITY,
                                          NAN,
                                          0x1p53,
                                          0x1p63,
                                          -0x1p63,
                                          0x1p64,
                                          -0x1p64};
    switch (Below(3)) {
      case 0:
        return Pick(kSpecial);
      case 1: {
        const double p = std::ldexp(1.0, static_cast<int>(Below(140)) - 70);
        return OneIn(2) ? -p : p + static_cast<double>(Below(3)) - 1;
      }
      default: {
        uint64_t bits = rng_();
        double d;
        std::memcpy(&d, &bits, sizeof d);
        return std::isnan(d) ? 1.0 : d;
      }
    }
  }

  std::mt19937_64& engine() { return rng_; }

 private:
  std::mt19937_64 rng_;
};

}  // namespace scripting::lualib_test

#endif  // SHARDIS_SERVER_SCRIPTING_LUALIB_LUA_RANDOM_H_
