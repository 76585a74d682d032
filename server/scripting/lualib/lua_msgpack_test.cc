#include "server/scripting/lualib/lua_msgpack.h"

#include <gtest/gtest.h>

#include <string>

#include "server/scripting/lualib/lua_random.h"
#include "server/scripting/lualib/lua_test_util.h"

namespace scripting::lualib_test {
namespace {

// Expected texts are Redis 7.0.15's (redis_oracle.py).
constexpr RedisCase kRedisCases[] = {
    // Redis's own test suite (tests/unit/scripting.tcl).
    {R"lua(return hex(cmsgpack.pack(0.1)), hex(cmsgpack.pack(-1099511627776)))lua",
     R"lua("cb3fb999999999999a" "d3ffffff0000000000")lua"},
    // Integers: the smallest encoding at each boundary.
    {R"lua(return enc(0, 1, 127, 128, 255, 256, 65535, 65536, 2^32 - 1, 2^32))lua",
     R"lua("00 01 7f cc80 ccff cd0100 cdffff ce00010000 ceffffffff cf0000000100000000")lua"},
    {R"lua(return enc(-1, -32, -33, -128, -129, -32768, -32769, -2^31, -2^31 - 1))lua",
     R"lua("ff e0 d0df d080 d1ff7f d18000 d2ffff7fff d280000000 d3ffffffff7fffffff")lua"},
    {R"lua(return enc(2^53, 2^53 + 2, -2^53, 2^63 - 1024, -2^63, 2^63, 2^64, -2^64))lua",
     R"lua("cf0020000000000000 cf0020000000000002 d3ffe0000000000000 cf7ffffffffffffc00 d38000000000000000 ca5f000000 ca5f800000 cadf800000")lua"},
    // Other numbers: float32 when exact, else float64; -0 is the integer 0.
    {R"lua(return enc(0.5, 1.5, -0.0, 0.1))lua",
     R"lua("ca3f000000 ca3fc00000 00 cb3fb999999999999a")lua"},
    {R"lua(return enc(1/0, -1/0, 0/0, -(0/0)))lua",
     R"lua("ca7f800000 caff800000 cbfff8000000000000 cb7ff8000000000000")lua"},
    {R"lua(return enc(1e300, 3.4028234663852886e38, 3.4028235677973366e38, 2^-149, 5e-324, 1e-45))lua",
     R"lua("cb7e37e43c8800759c ca7f7fffff cb47effffff0000000 ca00000001 cb0000000000000001 cb3696d601ad376ab9")lua"},
    // Strings, arrays and maps around the fix/8/16/32 limits.
    {R"lua(return headers(function(n) return string.rep('x', n) end, 0, 1, 31, 32, 255, 256, 65535, 65536))lua",
     R"lua("1:a0 2:a178 32:bf78787878 34:d920787878 257:d9ff787878 259:da01007878 65538:daffff7878 65541:db00010000")lua"},
    {R"lua(return headers(function(n) local t = {} for i = 1, n do t[i] = true end return t end, 0, 1, 15, 16, 65535, 65536))lua",
     R"lua("1:90 2:91c3 16:9fc3c3c3c3 19:dc0010c3c3 65538:dcffffc3c3 65541:dd00010000")lua"},
    {R"lua(return headers(function(n) local t = {} for i = 1, n do t['k' .. i] = 0 end return t end, 1, 15, 16, 65535, 65536))lua",
     R"lua("5:81a26b3100 67:8fa36b3132 74:de0010a36b 513177:deffffa66b 513187:df00010000")lua"},
    // Which tables are arrays.
    {R"lua(return enc({}, {1, 2, 3}, {1, nil, 3}, {[1] = 1, [3] = 3}, {[0] = 1}, {[1.5] = 1}))lua",
     R"lua("90 93010203 8201010303 8201010303 810001 81ca3fc0000001")lua"},
    {R"lua(return enc({[2^31] = 1}, {[2^31 - 1] = 1}, {[-1] = 1}, {[1] = 1, [2] = 2, x = 3}, {a = 1}))lua",
     R"lua("81ce8000000001 81ce7fffffff01 81ff01 8301010202a17803 81a16101")lua"},
    {R"lua(return enc({[true] = false}, {[{1}] = 2}, {['1'] = 1}, {{}, {{}}}, {[1/0] = 1}))lua",
     R"lua("81c3c2 81910102 81a13101 92909190 81ca7f80000001")lua"},
    // What MessagePack cannot carry is nil; several arguments concatenate.
    {R"lua(return hex(cmsgpack.pack(function() end, true, false, nil)), hex(cmsgpack.pack(nil)))lua",
     R"lua("c0c3c2c0" "c0")lua"},
    {R"lua(return hex(cmsgpack.pack({a = 1}, 2, 'x')), hex(cmsgpack.pack({x = string.len})))lua",
     R"lua("81a1610102a178" "81a178c0")lua"},
    {R"lua(return cmsgpack.pack())lua",
     R"lua(error: bad argument #0 to 'pack' (MessagePack pack needs input.))lua"},
    {R"lua(local t = {} for i = 1, 7000 do t[i] = i end return cmsgpack.pack(unpack(t)))lua",
     R"lua(error: bad argument #0 to 'pack' (Too many arguments for MessagePack pack.))lua"},
    {R"lua(local t = {} for i = 1, 3000 do t[i] = i end return #cmsgpack.pack(unpack(t)))lua",
     R"lua(8618)lua"},
    // Nesting: 16 tables deep encode, the 17th is nil.
    {R"lua(local t = {} local c = t for i = 1, 15 do c[1] = {} c = c[1] end return hex(cmsgpack.pack(t)))lua",
     R"lua("91919191919191919191919191919190")lua"},
    {R"lua(local t = {} local c = t for i = 1, 16 do c[1] = {} c = c[1] end return hex(cmsgpack.pack(t)))lua",
     R"lua("91919191919191919191919191919191c0")lua"},
    {R"lua(local t = {} local c = t for i = 1, 40 do c.k = {} c = c.k end return hex(cmsgpack.pack(t)))lua",
     R"lua("81a16b81a16b81a16b81a16b81a16b81a16b81a16b81a16b81a16b81a16b81a16b81a16b81a16b81a16b81a16b81a16bc0")lua"},
    {R"lua(local t = {} t[1] = t return hex(cmsgpack.pack(t)))lua",
     R"lua("91919191919191919191919191919191c0")lua"},
    // Decoding: every integer form.
    {R"lua(return cmsgpack.unpack('\0\127\224\255\204\255\205\1\0\206\0\1\0\0\207\0\0\0\1\0\0\0\0'))lua",
     R"lua(0 127 -32 -1 255 256 65536 4294967296)lua"},
    {R"lua(return cmsgpack.unpack('\207\255\255\255\255\255\255\255\255\207\127\255\255\255\255\255\255\255'))lua",
     R"lua(-1 9.2233720368547758e+18)lua"},
    {R"lua(return cmsgpack.unpack('\208\128\208\127\209\128\0\209\255\255\210\128\0\0\0\210\0\0\0\1\211\128\0\0\0\0\0\0\0\211\255\255\255\255\255\255\255\254'))lua",
     R"lua(-128 127 -32768 -1 -2147483648 1 -9.2233720368547758e+18 -2)lua"},
    {R"lua(return cmsgpack.unpack('\202\127\128\0\0\202\255\192\0\0\202\63\0\0\0\203\63\185\153\153\153\153\153\154\192\195\194'))lua",
     R"lua(inf -nan 0.5 0.10000000000000001 nil true false)lua"},
    // Strings, arrays, maps in every length form; nil in arrays.
    {R"lua(return cmsgpack.unpack('\163abc\217\3abc\218\0\3abc\219\0\0\0\3abc\160\217\0'))lua",
     R"lua("abc" "abc" "abc" "abc" "" "")lua"},
    {R"lua(return cmsgpack.unpack('\146\1\2\220\0\2\1\2\221\0\0\0\2\1\2\144\147\1\192\3'))lua",
     R"lua({1=1,2=2} {1=1,2=2} {1=1,2=2} {} {1=1,3=3})lua"},
    {R"lua(return cmsgpack.unpack('\129\161a\1\222\0\1\161a\1\223\0\0\0\1\161a\1\128\130\1\2\161k\145\192'))lua",
     R"lua({"a"=1} {"a"=1} {"a"=1} {} {"k"={},1=2})lua"},
    // Keys Lua refuses.
    {R"lua(return cmsgpack.unpack('\129\192\1'))lua", R"lua(error: table index is nil)lua"},
    {R"lua(return cmsgpack.unpack('\129\203\255\248\0\0\0\0\0\0\1'))lua",
     R"lua(error: table index is NaN)lua"},
    // bin, ext and 0xc1 are not understood.
    {R"lua(local o = {} for _, b in ipairs({0xc1, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8}) do o[#o + 1] = select(2, pcall(cmsgpack.unpack, string.char(b) .. string.rep('\0', 20))) end return table.concat(o, ' '))lua",
     R"lua("Bad data format in input. Bad data format in input. Bad data format in input. Bad data format in input. Bad data format in input. Bad data format in input. Bad data format in input. Bad data format in input. Bad data format in input. Bad data format in input. Bad data format in input. Bad data format in input.")lua"},
    {R"lua(return cmsgpack.unpack('\145\193'))lua", R"lua(error: Bad data format in input.)lua"},
    // Truncated input, including lengths that promise more than there is.
    {R"lua(local o = {} for _, s in ipairs({'\205\1', '\217\5abc', '\219\0\0', '\221\0\0\0\5\1', '\146\1', '\129\1', '\203\0', '\163ab', '\221\255\255\255\255', '\219\255\255\255\255abc', '\223\255\255\255\255\1'}) do o[#o + 1] = select(2, pcall(cmsgpack.unpack, s)) end return table.concat(o, ' '))lua",
     R"lua("Missing bytes in input. Missing bytes in input. Missing bytes in input. Missing bytes in input. Missing bytes in input. Missing bytes in input. Missing bytes in input. Missing bytes in input. Missing bytes in input. Missing bytes in input. Missing bytes in input.")lua"},
    // Every first byte, followed by zeros: a digest of what each decodes to.
    {R"lua(local o = {} for b = 0, 255 do local data = string.char(b) .. string.rep('\0', 40) local ok, r = pcall(cmsgpack.unpack, data) o[#o + 1] = select('#', pcall(cmsgpack.unpack, data)) .. (ok and dump(r) or tostring(r)) end local s = table.concat(o, '|') local h = 0 for i = 1, #s do h = (h * 31 + s:byte(i)) % 2147483647 end return #s, h)lua",
     R"lua(3072 935908386)lua"},
    // unpack, unpack_one, unpack_limit: offsets and their errors.
    {R"lua(return cmsgpack.unpack(''), cmsgpack.unpack_one(''), cmsgpack.unpack_limit('', 1))lua",
     R"lua(nil -1 -1)lua"},
    {R"lua(return cmsgpack.unpack_one('\1\2', 0), cmsgpack.unpack_one('\1\2', 1), cmsgpack.unpack_one('\1\2', 2))lua",
     R"lua(1 -1 -1)lua"},
    {R"lua(return cmsgpack.unpack_one('\1\2', 3))lua",
     R"lua(error: Start offset 3 greater than input length 2.)lua"},
    {R"lua(return cmsgpack.unpack_one('\1\2', -1))lua",
     R"lua(error: Invalid request to unpack with offset of -1 and limit of 2.)lua"},
    {R"lua(return cmsgpack.unpack_one('\1\2', 1.5), cmsgpack.unpack_one('\1\2', '1'), cmsgpack.unpack_one('\1\2'))lua",
     R"lua(-1 -1 1 1)lua"},
    {R"lua(return cmsgpack.unpack_limit('\1\2\3', 0), cmsgpack.unpack_limit('\1\2\3', 0, 1), cmsgpack.unpack_limit('\1\2\3', 5, 1))lua",
     R"lua(1 1 -1 2 3)lua"},
    {R"lua(return cmsgpack.unpack_limit('\1\2\3', 2, 0), cmsgpack.unpack_limit('\1\2\3', 2))lua",
     R"lua(2 2 1 2)lua"},
    {R"lua(return cmsgpack.unpack_limit('\1\2\3', -1, 1))lua",
     R"lua(error: Invalid request to unpack with offset of 1 and limit of 3.)lua"},
    {R"lua(return cmsgpack.unpack_limit('\1\2\3'))lua",
     R"lua(error: bad argument #2 to 'unpack_limit' (number expected, got no value))lua"},
    {R"lua(return cmsgpack.unpack_one())lua",
     R"lua(error: bad argument #1 to 'unpack_one' (string expected, got no value))lua"},
    {R"lua(return cmsgpack.unpack(12), cmsgpack.unpack('\1', 'ignored'))lua", R"lua(49 1)lua"},
    // Redis's pack/unpack smoke test, as offsets.
    {R"lua(local s = cmsgpack.pack(string.rep('x', 30), string.rep('x', 250), string.rep('x', 65530), string.rep('x', 100000)) local o = {} local off = 0 repeat local v off, v = cmsgpack.unpack_limit(s, 1, off) o[#o + 1] = off .. ':' .. #v until off == -1 return table.concat(o, ' '))lua",
     R"lua("31:30 283:250 65816:65530 -1:100000")lua"},
    // The stack limits: values returned at once, nesting on decode.
    {R"lua(return cmsgpack.unpack(string.rep('\1', 9000)))lua",
     R"lua(error: stack overflow (too many return values at once; use unpack_one or unpack_limit instead.))lua"},
    {R"lua(return select('#', cmsgpack.unpack(string.rep('\1', 7000))))lua", R"lua(7000)lua"},
    {R"lua(return cmsgpack.unpack(string.rep('\145', 9000)))lua",
     R"lua(error: stack overflow (in function mp_decode_to_lua_array))lua"},
    {R"lua(return cmsgpack.unpack(string.rep('\129', 9000)))lua",
     R"lua(error: stack overflow (too many return values at once; use unpack_one or unpack_limit instead.))lua"},
    {R"lua(local last for n = 3980, 4020 do if pcall(cmsgpack.unpack, string.rep('\145', n) .. '\1') then last = n end end return last)lua",
     R"lua(3999)lua"},
    {R"lua(local last for n = 7980, 8020 do if pcall(cmsgpack.unpack, string.rep('\129', n) .. '\1' .. string.rep('\1', n)) then last = n end end return last)lua",
     R"lua(7997)lua"},
    {R"lua(return cmsgpack._NAME, cmsgpack._VERSION, cmsgpack._COPYRIGHT, cmsgpack._DESCRIPTION)lua",
     R"lua("cmsgpack" "lua-cmsgpack 0.4.0" "Copyright (C) 2012, Salvatore Sanfilippo" "MessagePack C implementation for Lua")lua"},
};

class MsgpackRedisCaseTest : public ::testing::TestWithParam<RedisCase> {};

TEST_P(MsgpackRedisCaseTest, MatchesRedis) {
  LuaState lua(OpenLuaMsgpack);
  EXPECT_EQ(lua.Run(GetParam().snippet), GetParam().expected) << GetParam().snippet;
}

INSTANTIATE_TEST_SUITE_P(Redis, MsgpackRedisCaseTest, ::testing::ValuesIn(kRedisCases));

TEST(LuaMsgpackTest, RegistersTheCmsgpackTable) {
  LuaState lua(OpenLuaMsgpack);
  EXPECT_EQ(lua.Run("return type(cmsgpack.pack), type(cmsgpack.unpack), type(cmsgpack.unpack_one), "
                    "type(cmsgpack.unpack_limit), package.loaded.cmsgpack"),
            "\"function\" \"function\" \"function\" \"function\" nil");
  lua_State* L = lua.get();
  lua_pushcfunction(L, OpenLuaMsgpack);
  lua_pushstring(L, "cmsgpack");
  lua_call(L, 1, 0);
  EXPECT_EQ(lua_gettop(L), 0);
}

// Redis's test "cmsgpack can pack and unpack circular references?", whole.
TEST(LuaMsgpackTest, CircularReferencesStopAtDepth16) {
  LuaState lua(OpenLuaMsgpack);
  EXPECT_EQ(lua.Run(R"(
    local a = {x = nil, y = 5}
    local b = {x = a}
    a['x'] = b
    local encoded = cmsgpack.pack(a)
    local re = cmsgpack.unpack(encoded)
    assert(re.x.x.y == re.y)
    assert(re.x.x.x.x.x.x.x.x.x.x.x.x.x.x.y == re.y)
    assert(re.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x)
    assert(re.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x == nil)
    return hex(encoded), re.x.x.x.x.x.x.x.x.y == re.y, re.y == 5)"),
            "\"82a17905a17881a17882a17905a17881a17882a17905a17881a17882a17905a17881a17882a17905"
            "a17881a17882a17905a17881a17882a17905a17881a17882a17905a17881a178c0\" true true");
}

// Big containers round-trip whole, in each length form.
TEST(LuaMsgpackTest, LargeContainersRoundTrip) {
  LuaState lua(OpenLuaMsgpack);
  EXPECT_EQ(lua.Run(R"(
    local o = {}
    for _, n in ipairs({15, 16, 65535, 65536}) do
      local a, m = {}, {}
      for i = 1, n do a[i] = i % 300 - 150 m['k' .. i] = string.rep('v', i % 40) end
      o[#o + 1] = same(cmsgpack.unpack(cmsgpack.pack(a)), a) and same(cmsgpack.unpack(cmsgpack.pack(m)), m)
    end
    return unpack(o))"),
            "true true true true");
}

const char* const kNumbers[] = {"0",         "1",
                                "-1",        "127",
                                "128",       "-32",
                                "-33",       "255",
                                "256",       "-128",
                                "-129",      "65535",
                                "65536",     "-32768",
                                "-32769",    "2^32-1",
                                "2^32",      "-2^31",
                                "-2^31-1",   "2^53",
                                "-2^53",     "2^63-1024",
                                "-2^63",     "2^63",
                                "2^64",      "-1/math.huge",
                                "0.1",       "0.5",
                                "math.huge", "-math.huge",
                                "0/0",       "1e308",
                                "5e-324",    "3.4028234663852886e38"};

std::string RandomValue(LuaRandom& r, int depth, bool allow_nil);

std::string RandomKey(LuaRandom& r) {
  switch (r.Below(4)) {
    case 0:
      return LuaRandom::String(r.Bytes(r.Below(12)));
    case 1:
      return LuaRandom::Number(r.Integer(-1000, 1000));
    case 2: {
      const double d = r.AnyDouble();
      return LuaRandom::Number(d != d ? 0.25 : d);  // NaN cannot be a key
    }
    default:
      return r.OneIn(2) ? "true" : "false";
  }
}

std::string RandomValue(LuaRandom& r, int depth, bool allow_nil) {
  // Tables thin out with depth so a value stays small, yet chains reach the
  // deepest level that still encodes (15 tables around a value).
  const bool table = depth < 15 && r.Below(100) < (depth < 2 ? 40u : 20u);
  if (table) {
    static constexpr int kLengths[] = {0, 1, 15, 16};
    const int n = depth < 2 ? (r.OneIn(2) ? r.Pick(kLengths) : static_cast<int>(r.Below(20)))
                            : static_cast<int>(r.Below(3));
    const bool array = r.OneIn(2);
    std::string out = "{";
    for (int i = 0; i < n; ++i) {
      if (!array) out += "[" + RandomKey(r) + "] = ";
      out += RandomValue(r, depth + 1, /*allow_nil=*/array) + ", ";
    }
    return out + "}";
  }
  switch (r.Below(allow_nil ? 6 : 5)) {
    case 0:
      return r.OneIn(2) ? "true" : "false";
    case 1:
      return r.Pick(kNumbers);
    case 2: {
      const int bits = static_cast<int>(r.Below(64));
      return LuaRandom::Number(r.Integer(-std::ldexp(1, bits), std::ldexp(1, bits) - 1));
    }
    case 3:
      return LuaRandom::Number(r.AnyDouble());
    case 4: {
      static constexpr size_t kLengths[] = {0, 1, 31, 32, 255, 256, 65535, 65536};
      if (r.OneIn(8)) {
        return "string.rep(" + LuaRandom::String(r.Bytes(1)) + ", " +
               std::to_string(r.Pick(kLengths)) + ")";
      }
      return LuaRandom::String(r.Bytes(r.Below(40)));
    }
    default:
      return "nil";
  }
}

// Random values round-trip through pack and each unpack, and every strict
// prefix of an encoding is "Missing bytes in input.".
TEST(LuaMsgpackTest, RandomValuesRoundTrip) {
  LuaState lua(OpenLuaMsgpack);
  LuaRandom r(4242);
  for (int round = 0; round < 500; ++round) {
    const std::string value = RandomValue(r, 0, /*allow_nil=*/true);
    const std::string snippet = "local v = " + value + R"(
local s = cmsgpack.pack(v)
local n = select('#', cmsgpack.unpack(s))
local u = cmsgpack.unpack(s)
local off1, u1 = cmsgpack.unpack_one(s)
local off2, u2 = cmsgpack.unpack_limit(s, 1, 0)
if n ~= 1 or off1 ~= -1 or off2 ~= -1 then return 'offsets', n, off1, off2 end
if not (same(v, u) and same(v, u1) and same(v, u2)) then return 'value', dump(u) end
if #s < 600 then
  for k = 1, #s - 1 do
    local ok, e = pcall(cmsgpack.unpack, s:sub(1, k))
    if ok or not e:find('Missing bytes in input.', 1, true) then return 'prefix', k, e end
  end
end
return 'ok')";
    ASSERT_EQ(lua.Run(snippet), "\"ok\"") << snippet;
  }
}

// Several values in one string: pack concatenates, and the unpack functions
// walk it by offsets.
TEST(LuaMsgpackTest, RandomStreamsWalkByOffsets) {
  LuaState lua(OpenLuaMsgpack);
  LuaRandom r(777);
  for (int round = 0; round < 100; ++round) {
    const int n = 1 + static_cast<int>(r.Below(6));
    std::string values;
    for (int i = 0; i < n; ++i) values += (i ? ", " : "") + RandomValue(r, 1, /*allow_nil=*/false);
    const std::string snippet = "local v = {" + values + "}\nlocal n = " + std::to_string(n) + R"(
local s = cmsgpack.pack(unpack(v, 1, n))
local parts = {}
for i = 1, n do parts[i] = cmsgpack.pack(v[i]) end
if s ~= table.concat(parts) then return 'concat' end
local all = {cmsgpack.unpack(s)}
if #all ~= n or not same(all, v) then return 'unpack', #all end
local off, i = 0, 0
repeat
  local x
  off, x = cmsgpack.unpack_one(s, off)
  i = i + 1
  if not same(x, v[i]) then return 'one', i end
until off == -1
if i ~= n then return 'count', i end
local lim = {cmsgpack.unpack_limit(s, 2)}
if lim[1] ~= (n <= 2 and -1 or #parts[1] + #parts[2]) or not same(lim[2], v[1]) then
  return 'limit', lim[1]
end
return 'ok')";
    ASSERT_EQ(lua.Run(snippet), "\"ok\"") << snippet;
  }
}

}  // namespace
}  // namespace scripting::lualib_test
