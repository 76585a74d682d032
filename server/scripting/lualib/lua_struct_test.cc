#include "server/scripting/lualib/lua_struct.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "server/scripting/lualib/lua_random.h"
#include "server/scripting/lualib/lua_test_util.h"

namespace scripting::lualib_test {
namespace {

// Expected texts are Redis 7.0.15's (redis_oracle.py).
constexpr RedisCase kRedisCases[] = {
    // Integers: sizes, byte order, sign, truncation of what does not fit.
    {R"lua(return struct.pack('>i', 1), struct.pack('<i', -1), struct.pack('i', 2^40 + 5))lua",
     R"lua(x00000001 xffffffff x05000000)lua"},
    {R"lua(return struct.pack('>bBhHlLT', -1, 255, -2, 65535, -3, 2^53, 7))lua",
     R"lua(xfffffffefffffffffffffffffffd00200000000000000000000000000007)lua"},
    {R"lua(return struct.pack('<i3', 0x123456), struct.pack('>I3', -1))lua",
     R"lua(x563412 xffffff)lua"},
    {R"lua(return struct.pack('<B b', 256, -129), struct.pack('<h', 1.9), struct.pack('<h', -1.9))lua",
     R"lua(x007f x0100 xffff)lua"},
    {R"lua(return struct.pack('<L', 2^63), struct.pack('<l', -2^63), struct.pack('<L', 2^64 - 2048))lua",
     R"lua(x0000000000000080 x0000000000000080 x00f8ffffffffffff)lua"},
    // Out of range and NaN: what Redis's casts give on x86-64.
    {R"lua(return struct.pack('<L', 0/0), struct.pack('<L', 2^64), struct.pack('<l', 1e30))lua",
     R"lua(x0000000000000080 x0000000000000000 x0000000000000000)lua"},
    {R"lua(return struct.pack('<l', -1e30), struct.pack('<L', -1), struct.pack('<L', 1/0), struct.pack('<l', -1/0))lua",
     R"lua(x0000000000000080 xffffffffffffffff x0000000000000000 x0000000000000080)lua"},
    // Wide integers: i17 is allowed (limit 32); the bytes above 8 are zero.
    {R"lua(return struct.pack('<i17', -1), struct.pack('>i9', -1), struct.pack('>I16', 2^53))lua",
     R"lua(xffffffffffffffff000000000000000000 x00ffffffffffffffff x00000000000000000020000000000000)lua"},
    {R"lua(return struct.pack('>i32', 1), #struct.pack('i32', 0))lua",
     R"lua(x0000000000000000000000000000000000000000000000000000000000000001 32)lua"},
    {R"lua(return struct.pack('i33', 1))lua",
     R"lua(error: integral size 33 is larger than limit of 32)lua"},
    {R"lua(return struct.pack('i0', 5), struct.size('i0'), struct.unpack('>I0', 'ab'))lua",
     R"lua("" 0 0 1)lua"},
    // Huge counts: bounded, never overflowing (CVE-2020-14147).
    {R"lua(return struct.pack('i2147483647', 1))lua",
     R"lua(error: integral size 2147483647 is larger than limit of 32)lua"},
    {R"lua(return struct.pack('i2147483648', 1))lua", R"lua(error: integral size overflow)lua"},
    {R"lua(return struct.pack('c4294967296', 'a'))lua", R"lua(error: integral size overflow)lua"},
    {R"lua(return struct.pack('c99999999999999999999', 'a'))lua",
     R"lua(error: integral size overflow)lua"},
    {R"lua(return struct.pack('c2147483647', 'a'))lua",
     R"lua(error: bad argument #3 to 'pack' (string too short))lua"},
    {R"lua(return struct.unpack('c2147483647', 'ab'))lua",
     R"lua(error: bad argument #2 to 'unpack' (data string too short))lua"},
    {R"lua(return struct.unpack('c4294967296', 'ab'))lua",
     R"lua(error: integral size overflow)lua"},
    {R"lua(return struct.unpack('i17', string.rep('a', 16)))lua",
     R"lua(error: bad argument #2 to 'unpack' (data string too short))lua"},
    {R"lua(return struct.size('c2147483647 c2147483647 i'))lua", R"lua(4294967298)lua"},
    {R"lua(return struct.size('!2147483648'))lua", R"lua(error: integral size overflow)lua"},
    // Alignment.
    {R"lua(return struct.pack('!3 i', 1))lua", R"lua(error: alignment 3 is not a power of 2)lua"},
    {R"lua(return struct.pack('!0 i', 1))lua", R"lua(error: alignment 0 is not a power of 2)lua"},
    {R"lua(return struct.pack('!17', 1))lua", R"lua(error: alignment 17 is not a power of 2)lua"},
    {R"lua(return struct.pack('!16 b i16', 1, 2), struct.pack('! b d', 1, 2))lua",
     R"lua(x0100000000000000000000000000000002000000000000000000000000000000 x01000000000000000000000000000040)lua"},
    {R"lua(return struct.pack('!4 b i3 h !2 d', 1, 2, 3, 4))lua",
     R"lua(x01000002000003000000000000001040)lua"},
    {R"lua(return struct.unpack('!4 b i3 h !2 d', struct.pack('!4 b i3 h !2 d', 1, 2, 3, 4)))lua",
     R"lua(1 2 3 4 17)lua"},
    {R"lua(return struct.pack('!8 b c3 i', 1, 'abc', 2), struct.pack('>!8 b d', 1, 2))lua",
     R"lua(x0161626302000000 x01000000000000004000000000000000)lua"},
    {R"lua(return struct.size('>i !8 d'), struct.size('!bxi'), struct.size('!8 bi16'), struct.size('!8 bi3'))lua",
     R"lua(16 8 24 6)lua"},
    {R"lua(return struct.size('c10 !4 i'), struct.size('i17 !8 d'), struct.size(''))lua",
     R"lua(16 32 0)lua"},
    {R"lua(return struct.unpack('!8 b d', string.rep('\0', 15)))lua",
     R"lua(error: bad argument #2 to 'unpack' (data string too short))lua"},
    {R"lua(return struct.unpack('!8 b d', string.rep('\0', 16)))lua", R"lua(0 0 17)lua"},
    {R"lua(return struct.unpack('!2 b d', string.rep('\0', 10)))lua", R"lua(0 0 11)lua"},
    // Format errors, and size()'s leniency.
    {R"lua(return struct.pack('z', 1))lua",
     R"lua(error: bad argument #1 to 'pack' (invalid format option 'z'))lua"},
    {R"lua(return struct.pack(12, 5))lua",
     R"lua(error: bad argument #1 to 'pack' (invalid format option '1'))lua"},
    {R"lua(return struct.unpack('z', 'abc'))lua",
     R"lua(error: bad argument #1 to 'unpack' (invalid format option 'z'))lua"},
    {R"lua(return struct.size('z5 b'), struct.size('?'))lua",
     R"lua(error: bad argument #1 to 'size' (invalid format option '?'))lua"},
    {R"lua(return struct.size('!3'))lua", R"lua(error: alignment 3 is not a power of 2)lua"},
    {R"lua(return struct.size('s'))lua",
     R"lua(error: bad argument #1 to 'size' (option 's' has no fixed size))lua"},
    {R"lua(return struct.size('c0'))lua",
     R"lua(error: bad argument #1 to 'size' (option 'c0' has no fixed size))lua"},
    {R"lua(return struct.pack(''), struct.pack('  <  >  '), struct.pack('x x', 1), struct.pack('b\0b', 1, 2))lua",
     R"lua("" "" x0000 x01)lua"},
    // Arguments.
    {R"lua(return struct.pack('b'))lua",
     R"lua(error: bad argument #2 to 'pack' (number expected, got nil))lua"},
    {R"lua(return struct.pack('bb', 1))lua",
     R"lua(error: bad argument #3 to 'pack' (number expected, got nil))lua"},
    {R"lua(return struct.pack('b', '12'), struct.pack('s', 12))lua", R"lua(x0c x313200)lua"},
    {R"lua(return struct.pack('b', 'x'))lua",
     R"lua(error: bad argument #2 to 'pack' (number expected, got string))lua"},
    {R"lua(return struct.pack('c3', 'ab'))lua",
     R"lua(error: bad argument #3 to 'pack' (string too short))lua"},
    {R"lua(return struct.pack())lua",
     R"lua(error: bad argument #1 to 'pack' (string expected, got no value))lua"},
    // Strings.
    {R"lua(return struct.pack('c0 s c2', 'hello', 'wor\0ld', 'pqr'), struct.pack('c', 'hello'))lua",
     R"lua(x68656c6c6f776f72006c64007071 "h")lua"},
    {R"lua(return struct.unpack('s s', 'ab\0\0c'))lua", R"lua("ab" "" 5)lua"},
    {R"lua(return struct.unpack('s', 'abc'))lua", R"lua(error: unfinished string in data)lua"},
    {R"lua(return struct.unpack('s', ''))lua", R"lua(error: unfinished string in data)lua"},
    {R"lua(return struct.unpack('s', 'a\0b\0', 3))lua", R"lua("b" 5)lua"},
    {R"lua(return struct.unpack('c3', 'ab'))lua",
     R"lua(error: bad argument #2 to 'unpack' (data string too short))lua"},
    // c0 on unpack: the length is the previous value.
    {R"lua(return struct.unpack('c0', '3abc'))lua",
     R"lua(error: format 'c0' needs a previous size)lua"},
    {R"lua(return struct.unpack('x c0', 'abc'))lua",
     R"lua(error: format 'c0' needs a previous size)lua"},
    {R"lua(return struct.unpack('b c0', '\3abcd'))lua", R"lua("abc" 5)lua"},
    {R"lua(return struct.unpack('b c0', '\5abcd'))lua",
     R"lua(error: bad argument #2 to 'unpack' (data string too short))lua"},
    {R"lua(return struct.unpack('b c0', '\255abc'))lua",
     R"lua(error: bad argument #2 to 'unpack' (data string too short))lua"},
    {R"lua(return struct.unpack('c1 c0', '2abc'), struct.unpack('c4 c0', '0x02abc'))lua",
     R"lua("ab" "ab" 7)lua"},
    {R"lua(return struct.unpack('c2 c0', '-1abc'))lua",
     R"lua(error: bad argument #2 to 'unpack' (data string too short))lua"},
    {R"lua(return struct.unpack('c3 c0', 'nanabc'))lua",
     R"lua(error: bad argument #2 to 'unpack' (data string too short))lua"},
    {R"lua(return struct.unpack('c4 c0', '-0.5abc'), struct.unpack('>i0 c0', 'abc'))lua",
     R"lua("" "" 1)lua"},
    // Integers on unpack.
    {R"lua(return struct.unpack('>i', '\0\0\1\0'), struct.unpack('<i', '\255\255\255\255'), struct.unpack('<I', '\255\255\255\255'))lua",
     R"lua(256 -1 4294967295 5)lua"},
    {R"lua(return struct.unpack('>l', '\127\255\255\255\255\255\255\255'), struct.unpack('>L', '\255\255\255\255\255\255\255\255'))lua",
     R"lua(9.2233720368547758e+18 1.8446744073709552e+19 9)lua"},
    {R"lua(return struct.unpack('>l', '\128\0\0\0\0\0\0\0'), struct.unpack('<i3', '\255\255\127'), struct.unpack('<i3', '\0\0\128'))lua",
     R"lua(-9.2233720368547758e+18 8388607 -8388608 4)lua"},
    {R"lua(return struct.unpack('<i16', string.rep('\255', 16)), struct.unpack('<I16', string.rep('\255', 16)))lua",
     R"lua(-1 1.8446744073709552e+19 17)lua"},
    {R"lua(return struct.unpack('>i9', '\0' .. string.rep('\255', 8)), struct.unpack('<i9', struct.pack('<i9', -2)))lua",
     R"lua(-1 -2 10)lua"},
    {R"lua(return struct.unpack('b', 123), struct.unpack('>I4', struct.pack('>I4', 2^32 - 1)))lua",
     R"lua(49 4294967295 5)lua"},
    // Floats.
    {R"lua(return struct.pack('<f d', 0.1, 0.1), struct.pack('>f d', -0.0, 2), struct.pack('<d', -math.huge))lua",
     R"lua(xcdcccc3d9a9999999999b93f x800000004000000000000000 x000000000000f0ff)lua"},
    {R"lua(return struct.pack('>f', 1e300), struct.pack('>f', -1e300), struct.pack('>f', 3.4028235677973366e38), struct.pack('>f', 3.4028235e38))lua",
     R"lua(x7f800000 xff800000 x7f800000 x7f7fffff)lua"},
    {R"lua(return struct.pack('<f', 0/0), struct.pack('>d', 0/0), struct.pack('>d', -(0/0)))lua",
     R"lua(x0000c0ff xfff8000000000000 x7ff8000000000000)lua"},
    {R"lua(return struct.unpack('>f d', struct.pack('>f d', 0.5, 0.1)))lua",
     R"lua(0.5 0.10000000000000001 13)lua"},
    {R"lua(return struct.unpack('<f', '\0\0\192\127'), struct.unpack('d', string.rep('a', 7)))lua",
     R"lua(error: bad argument #2 to 'unpack' (data string too short))lua"},
    // Positions: init, short data, results limit.
    {R"lua(return struct.unpack('<I3', 'abcdef', 2))lua", R"lua(6579042 5)lua"},
    {R"lua(return struct.unpack('b', 'a', 0))lua",
     R"lua(error: bad argument #3 to 'unpack' (offset must be 1 or greater))lua"},
    {R"lua(return struct.unpack('b', 'a', -1))lua",
     R"lua(error: bad argument #2 to 'unpack' (data string too short))lua"},
    {R"lua(return struct.unpack('>', 'a', -1))lua",
     R"lua(error: bad argument #2 to 'unpack' (data string too short))lua"},
    {R"lua(return struct.unpack('', 'a', -5), struct.unpack('', 'ab', 3), struct.unpack('', 'ab', 100))lua",
     R"lua(-5 3 100)lua"},
    {R"lua(return struct.unpack('b', ''))lua",
     R"lua(error: bad argument #2 to 'unpack' (data string too short))lua"},
    {R"lua(return struct.unpack('b', 'ab', 2), struct.unpack('b', 'ab', 1.9))lua",
     R"lua(98 97 2)lua"},
    {R"lua(return struct.unpack('b', 'ab', 3))lua",
     R"lua(error: bad argument #2 to 'unpack' (data string too short))lua"},
    {R"lua(return struct.unpack('x', 'ab', 3))lua",
     R"lua(error: bad argument #2 to 'unpack' (data string too short))lua"},
    {R"lua(return struct.unpack('i8', string.rep('a', 7)))lua",
     R"lua(error: bad argument #2 to 'unpack' (data string too short))lua"},
    {R"lua(return struct.unpack('i', 'abcd', '2'))lua",
     R"lua(error: bad argument #2 to 'unpack' (data string too short))lua"},
    {R"lua(return struct.unpack('b', 'a', 'x'))lua",
     R"lua(error: bad argument #3 to 'unpack' (number expected, got string))lua"},
    {R"lua(return struct.unpack(string.rep('b', 9000), string.rep('a', 9000)))lua",
     R"lua(error: stack overflow (too many results))lua"},
    {R"lua(return select('#', struct.unpack(string.rep('b', 7000), string.rep('a', 7000))), struct.unpack(string.rep('x', 9000), string.rep('a', 9000)))lua",
     R"lua(7001 9001)lua"},
    {R"lua(return #struct.pack('c1000000', string.rep('x', 1000000)), #struct.pack('s', string.rep('y', 70000)))lua",
     R"lua(1000000 70001)lua"},
    {R"lua(return struct.pack('>bi', 1, 2, 3) == struct.pack('>b', 1) .. struct.pack('>i', 2))lua",
     R"lua(true)lua"},
};

class StructRedisCaseTest : public ::testing::TestWithParam<RedisCase> {};

TEST_P(StructRedisCaseTest, MatchesRedis) {
  LuaState lua(OpenLuaStruct);
  EXPECT_EQ(lua.Run(GetParam().snippet), GetParam().expected) << GetParam().snippet;
}

INSTANTIATE_TEST_SUITE_P(Redis, StructRedisCaseTest, ::testing::ValuesIn(kRedisCases));

TEST(LuaStructTest, RegistersTheStructTable) {
  LuaState lua(OpenLuaStruct);
  EXPECT_EQ(lua.Run("return type(struct), type(struct.pack), type(struct.unpack), "
                    "type(struct.size), package.loaded.struct == struct"),
            "\"table\" \"function\" \"function\" \"function\" true");
  // Opened Redis's way: called with the library name, results dropped.
  lua_State* L = lua.get();
  lua_pushcfunction(L, OpenLuaStruct);
  lua_pushstring(L, "struct");
  lua_call(L, 1, 0);
  EXPECT_EQ(lua_gettop(L), 0);
  EXPECT_EQ(lua.Run("return struct.size('i')"), "4");
}

// Redis sign-extends i9..i32 with a shift of more than 64 bits (undefined in
// C; on x86-64 it tests bit (8n-1) mod 64). Here the low 64 bits are the
// value: '\255' then eight zeros is 255, where Redis says -1.
TEST(LuaStructTest, WideSignedIntegersKeepTheirLow64Bits) {
  LuaState lua(OpenLuaStruct);
  EXPECT_EQ(lua.Run(R"(return struct.unpack('<i9', '\255' .. string.rep('\0', 8)))"), "255 10");
  EXPECT_EQ(lua.Run(R"(return struct.unpack('<i17', struct.pack('<i17', -5)))"), "-5 18");
}

// Every integer type at its limits and one past them, both byte orders.
TEST(LuaStructTest, IntegerLimitsRoundTrip) {
  LuaState lua(OpenLuaStruct);
  for (int n = 1; n <= 8; ++n) {
    const int bits = 8 * n;
    // The largest integers below 2^k that a double holds.
    auto below = [](int k) {
      return k <= 53 ? std::ldexp(1, k) - 1 : std::ldexp(1, k) - std::ldexp(1, k - 53);
    };
    const std::string sn = std::to_string(n);
    const std::string checks[] = {
        "i" + sn + "', " + LuaRandom::Number(-std::ldexp(1, bits - 1)),
        "i" + sn + "', " + LuaRandom::Number(below(bits - 1)),
        "i" + sn + "', 0",
        "i" + sn + "', -1",
        "I" + sn + "', 0",
        "I" + sn + "', " + LuaRandom::Number(below(bits)),
    };
    for (const std::string& check : checks) {
      for (const char* order : {"<", ">"}) {
        const std::string fmt = std::string("'") + order + check;
        const std::string snippet = "local v = select(2, " + fmt + ") local s = struct.pack(" +
                                    fmt + ") return same(struct.unpack(" +
                                    fmt.substr(0, fmt.find(',')) + ", s), v), #s";
        EXPECT_EQ(lua.Run(snippet), "true " + sn) << snippet;
      }
    }
    // One past the top wraps to the bottom, as C's conversions do.
    if (bits <= 48) {
      EXPECT_EQ(lua.Run("return struct.unpack('<i" + sn + "', struct.pack('<i" + sn + "', 2^" +
                        std::to_string(bits - 1) + "))"),
                lua.Run("return -2^" + std::to_string(bits - 1) + ", " + std::to_string(n + 1)));
    }
  }
}

// A random format with values drawn at the boundaries, packed, unpacked and
// checked: values, position, size(), an init past leading junk, and every
// truncation of the data refused.
struct Draw {
  std::string format;
  std::string args;      // pack's values
  std::string expected;  // what unpack returns before the position
  int n_args = 0;
  int n_expected = 0;
  bool fixed_size = true;
  bool aligned = false;
};

void Add(std::string* list, int* n, const std::string& value) {
  if (*n > 0) *list += ", ";
  *list += value;
  ++*n;
}

void AddItem(LuaRandom& r, Draw* d) {
  auto value = [&](const std::string& v) {
    Add(&d->args, &d->n_args, v);
    Add(&d->expected, &d->n_expected, v);
  };
  auto below = [](int k) {
    return k <= 53 ? std::ldexp(1, k) - 1 : std::ldexp(1, k) - std::ldexp(1, k - 53);
  };
  auto integer = [&](const std::string& opt, int bytes, bool is_signed) {
    d->format += opt;
    if (bytes > 8) {  // the low 64 bits travel
      value(LuaRandom::Number(is_signed ? r.Integer(-0x1p63, below(63)) : r.Integer(0, below(64))));
    } else {
      value(LuaRandom::Number(is_signed
                                  ? r.Integer(-std::ldexp(1, 8 * bytes - 1), below(8 * bytes - 1))
                                  : r.Integer(0, below(8 * bytes))));
    }
  };
  static constexpr const char* kControls[] = {"<", ">", " ", "!", "!1", "!2", "!4", "!8", "!16"};
  switch (r.Below(14)) {
    case 0:
      integer("b", 1, true);
      break;
    case 1:
      integer("B", 1, false);
      break;
    case 2:
      r.OneIn(2) ? integer("h", 2, true) : integer("H", 2, false);
      break;
    case 3:
      r.OneIn(2) ? integer("l", 8, true) : integer(r.OneIn(2) ? "L" : "T", 8, false);
      break;
    case 4: {
      const int bytes = 1 + static_cast<int>(r.Below(r.OneIn(4) ? 32 : 8));
      const bool is_signed = r.OneIn(2);
      integer((is_signed ? "i" : "I") + std::to_string(bytes), bytes, is_signed);
      break;
    }
    case 5: {
      static constexpr float kFloats[] = {0.0f,
                                          -0.0f,
                                          0.5f,
                                          3.4028234663852886e38f,
                                          1.17549435e-38f,
                                          1.401298464324817e-45f,
                                          INFINITY,
                                          -INFINITY,
                                          NAN,
                                          -2.5f};
      float f = r.Pick(kFloats);
      if (r.OneIn(2))
        f = static_cast<float>(std::ldexp(static_cast<double>(r.Below(1 << 24)),
                                          static_cast<int>(r.Below(200)) - 100));
      d->format += "f";
      value(LuaRandom::Number(f));
      break;
    }
    case 6:
      d->format += "d";
      value(LuaRandom::Number(r.AnyDouble()));
      break;
    case 7: {
      static constexpr int kLengths[] = {1, 2, 5, 31, 255, 256};
      const int n = r.Pick(kLengths);
      d->format += "c" + std::to_string(n);
      value(LuaRandom::String(r.Bytes(n)));
      break;
    }
    case 8: {  // a length, then c0: unpack returns the string alone
      const std::string s = r.Bytes(r.Below(r.OneIn(2) ? 256 : 4));
      d->format += "Bc0";
      Add(&d->args, &d->n_args, std::to_string(s.size()));
      Add(&d->args, &d->n_args, LuaRandom::String(s));
      Add(&d->expected, &d->n_expected, LuaRandom::String(s));
      d->fixed_size = false;
      break;
    }
    case 9:
      d->format += "s";
      value(LuaRandom::String(r.Bytes(r.Below(40), false)));
      d->fixed_size = false;
      break;
    case 10:
      d->format += "x";
      break;
    default: {
      const std::string control = r.Pick(kControls);
      if (control[0] == '!' && control != "!1") d->aligned = true;
      d->format += control;
    }
  }
}

TEST(LuaStructTest, RandomFormatsRoundTrip) {
  LuaState lua(OpenLuaStruct);
  LuaRandom r(20240611);
  for (int round = 0; round < 400; ++round) {
    Draw d;
    const int items = 1 + static_cast<int>(r.Below(12));
    for (int i = 0; i < items; ++i) AddItem(r, &d);
    std::string snippet = "local fmt = '" + d.format + "'\n" +
                          "local args = {n = " + std::to_string(d.n_args) + ", " + d.args + "}\n" +
                          "local want = {n = " + std::to_string(d.n_expected) + ", " + d.expected +
                          "}\n" +
                          R"(local s = struct.pack(fmt, unpack(args, 1, args.n))
local function check(data, init, stop)
  local got = {struct.unpack(fmt, data, init)}
  for i = 1, want.n do
    if not same(want[i], got[i]) then return 'item ' .. i .. ' ' .. dump(got[i]) end
  end
  if got[want.n + 1] ~= stop then return 'position ' .. tostring(got[want.n + 1]) end
end
local bad = check(s, 1, #s + 1)
if bad then return bad end
)";
    if (d.fixed_size)
      snippet += "if struct.size(fmt) ~= #s then return 'size', struct.size(fmt), #s end\n";
    if (!d.aligned) {
      snippet +=
          "local junk = " + LuaRandom::String(r.Bytes(1 + r.Below(9))) + "\n" +
          "bad = check(junk .. s, #junk + 1, #junk + #s + 1) if bad then return 'init', bad end\n";
    }
    snippet += R"(for k = 0, #s - 1 do
  local ok, e = pcall(struct.unpack, fmt, s:sub(1, k))
  if ok or not (e:find('data string too short', 1, true) or
                e:find('unfinished string in data', 1, true)) then
    return 'prefix', k, e
  end
end
return 'ok')";
    ASSERT_EQ(lua.Run(snippet), "\"ok\"") << snippet;
  }
}

// Data one byte short at every item boundary of a format that touches each
// kind of item.
TEST(LuaStructTest, DataTooShortAtEveryLength) {
  LuaState lua(OpenLuaStruct);
  EXPECT_EQ(lua.Run(R"(
    local fmt = '>!4 b i h x l c3 d f I3 s B c0'
    local s = struct.pack(fmt, 1, 2, 3, 4, 'abc', 0.5, 0.25, 7, 'str', 2, 'zz')
    local out = {}
    for k = 0, #s - 1 do
      local ok, e = pcall(struct.unpack, fmt, s:sub(1, k))
      out[#out + 1] = ok and 'ok' or (e:match('too short') and 'S' or e:match('unfinished') and 'U' or e)
    end
    return #s, table.concat(out), select('#', struct.unpack(fmt, s)))"),
            "48 \"" + std::string(41, 'S') + "UUUUSSS\" 11");
}

}  // namespace
}  // namespace scripting::lualib_test
