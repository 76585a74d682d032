// DUMP and RESTORE in-process on 3 workers: round trips of every encoding,
// payloads real Redis 7.0.15 wrote, TTLs, REPLACE, IDLETIME/FREQ, events,
// WATCH, every error text, and corrupted payloads.
#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/rdb/crc64.h"
#include "engine/rdb/rdb_string.h"
#include "server/testing/command_fixture.h"

namespace server {
namespace {

std::string Hex(const std::string& hex) { return absl::HexStringToBytes(hex); }
std::string HexOf(const std::string& bytes) { return absl::BytesToHexString(bytes); }

// A DUMP payload's footer over `body` (RDB version 10, CRC-64).
std::string WithFooter(std::string body) {
  rdb::AppendDumpFooter(&body);
  return body;
}

const std::string kX70(70, 'x');

// A value Redis 7.0.15 dumped (rdbcompression no, then yes), and the
// commands that build it here.
struct Golden {
  const char* key;
  const char* encoding;
  std::vector<std::vector<std::string>> build;
  std::string plain;  // hex
  std::string lzf;    // hex
  bool same_bytes;    // false: a hashtable, whose order is the table's
};

std::vector<Golden> Goldens() {
  return {
      {"g:int",
       "int",
       {{"set", "g:int", "12345"}},
       "00c139300a009d94ea2793fc08b9",
       "00c139300a009d94ea2793fc08b9",
       true},
      {"g:embstr",
       "embstr",
       {{"set", "g:embstr", "hello"}},
       "000568656c6c6f0a006372df766534200a",
       "000568656c6c6f0a006372df766534200a",
       true},
      {"g:raw",
       "raw",
       {{"set", "g:raw", "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"}},
       "003e303132333435363738396162636465666768696a6b6c6d6e6f707172737475767778797a414243444546"
       "4748494a4b4c4d4e4f505152535455565758595a0a0083b32efbd786c758",
       "003e303132333435363738396162636465666768696a6b6c6d6e6f707172737475767778797a414243444546"
       "4748494a4b4c4d4e4f505152535455565758595a0a0083b32efbd786c758",
       true},
      {"g:rawz",
       "raw",
       {{"set", "g:rawz", std::string(100, 'a')}},
       "004064" + HexOf(std::string(100, 'a')) + "0a00afa7a1bf69717045",
       "00c3094064016161e057000161610a00e8a3b507b06df271",
       true},
      {"g:list",
       "quicklist",
       {{"rpush", "g:list", "a", "b", "1", "-5000", "70000", kX70}},
       "12010240616100000006008161028162020101f178ec03f270110104e046" + HexOf(kX70) +
           "48ff0a00efb7e24f123bd268",
       "120102c3214061196100000006008161028162020101f178ec03f270110104e04678e03c000148ff0a000fe0"
       "71bc6c189fad",
       true},
      {"g:intset",
       "intset",
       {{"sadd", "g:intset", "1", "2", "3", "-100", "70000"}},
       "0b1c04000000050000009cffffff010000000200000003000000701101000a009f4dd5a629d01743",
       "0b1c04000000050000009cffffff010000000200000003000000701101000a009f4dd5a629d01743",
       true},
      {"g:hset",
       "hashtable",
       {{"sadd", "g:hset", "a", "b", "c"}},
       "02030161016201630a00ad9b6c54ee4a24ad",
       "02030161016201630a00ad9b6c54ee4a24ad",
       false},
      {"g:lphash",
       "listpack",
       {{"hset", "g:lphash", "f", "v", "n", "7"}},
       "1012120000000400816602817602816e020701ff0a00b82adea8407ffaa8",
       "1012120000000400816602817602816e020701ff0a00b82adea8407ffaa8",
       true},
      {"g:hthash",
       "hashtable",
       {{"hset", "g:hthash", "f1", kX70, "f2", "v2"}},
       "04020266320276320266314046" + HexOf(kX70) + "0a00ff7d758a82ce9398",
       "0402026632027632026631c3094046017878e039000178780a0026399d01e1ecdda9",
       false},
      {"g:lpzset",
       "listpack",
       {{"zadd", "g:lpzset", "1", "a", "2.5", "b", "-0.1", "c"}},
       "112d2d0000000600816302942d302e313030303030303030303030303030303115816102010181620283322e"
       "3504ff0a00316c2bbb13f4686f",
       "11c3242d0e2d0000000600816302942d302e3130e005000f3115816102010181620283322e3504ff0a009508"
       "e61f133eadfb",
       true},
      {"g:slzset",
       "skiplist",
       {{"zadd", "g:slzset", "1", kX70, "2.5", "b", "-0.1", "c"}},
       "0503016200000000000004404046" + HexOf(kX70) +
           "000000000000f03f01639a9999999999b9bf0a00649b9ac8faef964e",
       "050301620000000000000440c3094046017878e03900017878000000000000f03f01639a9999999999b9bf0a"
       "007aa5934c5d597ce7",
       true},
  };
}

class DumpCommandsTest : public CommandFixture {
 protected:
  void TearDown() override {
    // Eviction's settings are process-wide: leave them as the next test
    // expects them.
    Run({"config", "set", "maxmemory-policy", "noeviction"});
    CommandFixture::TearDown();
  }

  std::string Dump(const std::string& key) { return RunValue({"dump", key}).str; }

  // The value at key as type, encoding and contents (members and fields
  // sorted), and a failure when the value breaks its type's invariants.
  std::string Snapshot(const std::string& key) {
    std::string type = RunValue({"type", key}).str;
    std::string out = absl::StrCat(type, "/", RunValue({"object", "encoding", key}).str, ":");
    if (type == "string") return out + Run({"get", key});
    if (type == "list") {
      EXPECT_EQ(static_cast<size_t>(RunValue({"llen", key}).integer),
                RunValue({"lrange", key, "0", "-1"}).elements.size());
      return out + Run({"lrange", key, "0", "-1"});
    }
    std::vector<std::string> items;
    if (type == "set") {
      for (const resp::Value& v : RunValue({"smembers", key}).elements) items.push_back(v.str);
      EXPECT_EQ(std::set<std::string>(items.begin(), items.end()).size(), items.size()) << key;
      EXPECT_EQ(static_cast<size_t>(RunValue({"scard", key}).integer), items.size()) << key;
    } else if (type == "hash") {
      resp::Value all = RunValue({"hgetall", key});
      std::set<std::string> fields;
      for (size_t i = 0; i + 1 < all.elements.size(); i += 2) {
        fields.insert(all.elements[i].str);
        items.push_back(all.elements[i].str + "=" + all.elements[i + 1].str);
        EXPECT_EQ(RunValue({"hget", key, all.elements[i].str}).str, all.elements[i + 1].str);
      }
      EXPECT_EQ(fields.size(), items.size()) << key;
      EXPECT_EQ(static_cast<size_t>(RunValue({"hlen", key}).integer), items.size()) << key;
    } else if (type == "zset") {
      resp::Value all = RunValue({"zrange", key, "0", "-1", "withscores"});
      std::set<std::string> members;
      for (size_t i = 0; i + 1 < all.elements.size(); i += 2) {
        members.insert(all.elements[i].str);
        items.push_back(all.elements[i].str + "=" + all.elements[i + 1].str);
        EXPECT_EQ(RunValue({"zscore", key, all.elements[i].str}).str, all.elements[i + 1].str);
      }
      EXPECT_EQ(members.size(), items.size()) << key;
      EXPECT_EQ(static_cast<size_t>(RunValue({"zcard", key}).integer), items.size()) << key;
    } else {
      return out;
    }
    std::sort(items.begin(), items.end());
    for (const std::string& item : items) absl::StrAppend(&out, " ", item);
    return out;
  }
};

TEST_F(DumpCommandsTest, GoldensAreRedisBytesAndRestore) {
  for (bool compress : {false, true}) {
    server().shards().set_rdb_compression(compress);
    for (const Golden& g : Goldens()) {
      Run({"del", g.key});
      for (const auto& cmd : g.build) Run(cmd);
      EXPECT_EQ(RunValue({"object", "encoding", g.key}).str, g.encoding) << g.key;
      const std::string& want = compress ? g.lzf : g.plain;
      if (g.same_bytes) {
        EXPECT_EQ(HexOf(Dump(g.key)), want) << g.key << " compress=" << compress;
      }
      std::string copy = absl::StrCat(g.key, ":restored");
      Run({"del", copy});
      EXPECT_EQ(Run({"restore", copy, "0", Hex(want)}), "+\"OK\"") << g.key;
      EXPECT_EQ(Snapshot(copy), Snapshot(g.key));
      // And ours restores too (a hashtable's own order).
      EXPECT_EQ(Run({"restore", copy, "0", Dump(g.key), "replace"}), "+\"OK\"") << g.key;
      EXPECT_EQ(Snapshot(copy), Snapshot(g.key));
    }
  }
}

TEST_F(DumpCommandsTest, RoundTripsEveryTypeAndEncoding) {
  std::vector<std::string> big_list = {"rpush", "biglist"};
  std::vector<std::string> big_set = {"sadd", "bigintset"};
  std::vector<std::string> big_hash = {"hset", "bighash"};
  std::vector<std::string> big_zset = {"zadd", "bigzset"};
  for (int i = 0; i < 700; ++i) {
    big_list.push_back(absl::StrCat("item-", i));
    if (i < 500) big_set.push_back(absl::StrCat(i * 7));  // set-max-intset-entries is 512
    big_hash.push_back(absl::StrCat("f", i));
    big_hash.push_back(absl::StrCat("value-", i));
    big_zset.push_back(absl::StrCat(i % 50, ".5"));
    big_zset.push_back(absl::StrCat("m", i));
  }
  Run(big_list);
  Run(big_set);
  Run(big_hash);
  Run(big_zset);
  Run({"set", "int", "-9223372036854775808"});
  Run({"set", "empty", ""});
  Run({"set", "binary", std::string("\0\xff\r\n", 4)});
  Run({"set", "long", std::string(5000, 'r')});
  Run({"sadd", "strset", "x", "1", "y"});
  Run({"lpush", "ints", "1", "-1", "9223372036854775807", "12345678901"});
  struct {
    const char* key;
    const char* encoding;
  } cases[] = {{"biglist", "quicklist"}, {"bigintset", "intset"}, {"bighash", "hashtable"},
               {"bigzset", "skiplist"},  {"int", "int"},          {"empty", "embstr"},
               {"binary", "embstr"},     {"long", "raw"},         {"strset", "hashtable"},
               {"ints", "quicklist"}};
  for (bool compress : {true, false}) {
    server().shards().set_rdb_compression(compress);
    for (const auto& c : cases) {
      ASSERT_EQ(RunValue({"object", "encoding", c.key}).str, c.encoding) << c.key;
      std::string before = Snapshot(c.key);
      std::string payload = Dump(c.key);
      ASSERT_EQ(Run({"del", c.key}), ":1");
      ASSERT_EQ(Run({"restore", c.key, "0", payload}), "+\"OK\"") << c.key;
      EXPECT_EQ(Snapshot(c.key), before);
      EXPECT_EQ(Run({"ttl", c.key}), ":-1");
      EXPECT_EQ(Dump(c.key), payload) << c.key;  // what comes back dumps the same
    }
  }
  EXPECT_EQ(Run({"dump", "nosuchkey"}), "nil");
}

TEST_F(DumpCommandsTest, TtlAndAbsTtl) {
  Run({"set", "src", "v"});
  std::string p = Dump("src");
  EXPECT_EQ(Run({"restore", "k", "5000", p}), "+\"OK\"");
  int64_t pttl = RunValue({"pttl", "k"}).integer;
  EXPECT_GT(pttl, 3000);
  EXPECT_LE(pttl, 5000);
  // Past 32 bits.
  EXPECT_EQ(Run({"restore", "k", "2569591501", p, "replace"}), "+\"OK\"");
  EXPECT_GT(RunValue({"pttl", "k"}).integer, 2569591501 - 3000);
  int64_t at = absl::ToUnixMillis(absl::Now()) + 100000;
  EXPECT_EQ(Run({"restore", "k", absl::StrCat(at), p, "replace", "absttl"}), "+\"OK\"");
  EXPECT_EQ(RunValue({"pexpiretime", "k"}).integer, at);
  EXPECT_EQ(Run({"restore", "k", "0", p, "replace", "absttl"}), "+\"OK\"");
  EXPECT_EQ(Run({"pttl", "k"}), ":-1");
  // A time already past: OK, and no key (the old one is gone with REPLACE).
  EXPECT_EQ(Run({"restore", "k", "1", p, "absttl", "replace"}), "+\"OK\"");
  EXPECT_EQ(Run({"exists", "k"}), ":0");
  EXPECT_EQ(Run({"restore", "k", "1", p, "absttl"}), "+\"OK\"");
  EXPECT_EQ(Run({"exists", "k"}), ":0");
  // now + INT64_MAX wraps into the past, as in Redis.
  EXPECT_EQ(Run({"restore", "k", "9223372036854775807", p}), "+\"OK\"");
  EXPECT_EQ(Run({"exists", "k"}), ":0");
  EXPECT_EQ(Run({"restore", "k", "9223372036854775807", p, "absttl"}), "+\"OK\"");
  EXPECT_EQ(RunValue({"pexpiretime", "k"}).integer, INT64_MAX);
}

TEST_F(DumpCommandsTest, BusyKeyAndReplace) {
  Run({"set", "k", "one"});
  std::string one = Dump("k");
  Run({"set", "k", "two"});
  std::string two = Dump("k");
  EXPECT_EQ(Run({"restore", "k", "0", one}), "-\"BUSYKEY Target key name already exists.\"");
  // The key is checked before the TTL and the payload.
  EXPECT_EQ(Run({"restore", "k", "abc", "..."}), "-\"BUSYKEY Target key name already exists.\"");
  EXPECT_EQ(Run({"restore", "k", "0", one, "replace"}), "+\"OK\"");
  EXPECT_EQ(Run({"get", "k"}), "\"one\"");
  Run({"hset", "k2", "f", "v"});
  EXPECT_EQ(Run({"restore", "k2", "0", two, "REPLACE"}), "+\"OK\"");  // any old type
  EXPECT_EQ(Run({"get", "k2"}), "\"two\"");
  // A key whose TTL passed is not there.
  Run({"set", "k3", "v", "pxat", "1"});
  EXPECT_EQ(Run({"restore", "k3", "0", one}), "+\"OK\"");
  EXPECT_EQ(Run({"get", "k3"}), "\"one\"");
}

TEST_F(DumpCommandsTest, ErrorsInRedisOrder) {
  Run({"set", "k", "v"});
  std::string p = Dump("k");
  const std::string syntax = "-\"ERR syntax error\"";
  const std::string not_int = "-\"ERR value is not an integer or out of range\"";
  const std::string idle = "-\"ERR Invalid IDLETIME value, must be >= 0\"";
  const std::string freq = "-\"ERR Invalid FREQ value, must be >= 0 and <= 255\"";
  const std::string footer = "-\"ERR DUMP payload version or checksum are wrong\"";
  EXPECT_EQ(Run({"restore", "k", "0"}), "-\"ERR wrong number of arguments for 'restore' command\"");
  EXPECT_EQ(Run({"dump"}), "-\"ERR wrong number of arguments for 'dump' command\"");
  EXPECT_EQ(Run({"dump", "a", "b"}), "-\"ERR wrong number of arguments for 'dump' command\"");
  // Options come first, even before an existing key.
  EXPECT_EQ(Run({"restore", "k", "0", "x", "foo"}), syntax);
  EXPECT_EQ(Run({"restore", "k", "0", "x", "idletime"}), syntax);
  EXPECT_EQ(Run({"restore", "k", "0", "x", "freq"}), syntax);
  EXPECT_EQ(Run({"restore", "k", "0", "x", "idletime", "5", "freq", "5"}), syntax);
  EXPECT_EQ(Run({"restore", "k", "0", "x", "freq", "5", "idletime", "5"}), syntax);
  EXPECT_EQ(Run({"restore", "k", "0", "x", "replace", "idletime", "1", "foo"}), syntax);
  EXPECT_EQ(Run({"restore", "k", "0", "x", "idletime", "-1"}), idle);
  EXPECT_EQ(Run({"restore", "k", "0", "x", "idletime", "abc"}), not_int);
  EXPECT_EQ(Run({"restore", "k", "0", "x", "idletime", "1", "idletime", "-3"}), idle);
  EXPECT_EQ(Run({"restore", "k", "0", "x", "freq", "256"}), freq);
  EXPECT_EQ(Run({"restore", "k", "0", "x", "freq", "-1"}), freq);
  EXPECT_EQ(Run({"restore", "k", "0", "x", "FREQ", "1", "FREQ", "300"}), freq);
  EXPECT_EQ(Run({"restore", "k", "0", "x", "freq", "x"}), not_int);
  // Then the key, then the TTL.
  EXPECT_EQ(Run({"restore", "k", "-1", "x"}), "-\"BUSYKEY Target key name already exists.\"");
  for (std::string ttl : {"abc", "", "+5", " 5", "0x5", "007", "-0", "9223372036854775808"}) {
    EXPECT_EQ(Run({"restore", "k", ttl, "x", "replace"}), not_int) << ttl;
  }
  EXPECT_EQ(Run({"restore", "k", "-1", "x", "replace"}),
            "-\"ERR Invalid TTL value, must be >= 0\"");
  EXPECT_EQ(Run({"restore", "nokey", "-5", p}), "-\"ERR Invalid TTL value, must be >= 0\"");
  // Then the footer, then the value.
  for (std::string bad : {std::string(), std::string("x"), std::string("\0", 1),
                          p.substr(0, p.size() - 1), p + "x"}) {
    EXPECT_EQ(Run({"restore", "nokey", "0", bad}), footer) << HexOf(bad);
  }
  std::string newer = p;
  newer[newer.size() - 10] = 11;  // RDB version 11
  EXPECT_EQ(Run({"restore", "nokey", "0", newer}), footer);
  std::string zero_crc = p.substr(0, p.size() - 8) + std::string(8, '\0');
  EXPECT_EQ(Run({"restore", "nokey", "0", zero_crc}), footer);
  for (std::string body : {std::string(), std::string("\x12\x00", 2), std::string("\x02\x00", 2),
                           std::string("\x0f\x00", 2), std::string("\x07\x00", 2),
                           std::string("\xff"), std::string("\x00\x05hi", 4)}) {
    EXPECT_EQ(Run({"restore", "nokey", "0", WithFooter(body)}), "-\"ERR Bad data format\"")
        << HexOf(body);
  }
  EXPECT_EQ(Run({"exists", "nokey"}), ":0");
  // Older RDB versions load; bytes after the value are ignored, as in Redis.
  std::string v9("\x00\x01v\x09\x00", 5);
  uint64_t crc = rdb::Crc64(0, v9);
  for (int i = 0; i < 8; ++i) v9.push_back(static_cast<char>(crc >> (8 * i)));
  EXPECT_EQ(Run({"restore", "nokey", "0", v9}), "+\"OK\"");
  EXPECT_EQ(Run({"restore", "nokey", "0", WithFooter(std::string("\x00\x01wXYZ", 6)), "replace"}),
            "+\"OK\"");
  EXPECT_EQ(Run({"get", "nokey"}), "\"w\"");
}

TEST_F(DumpCommandsTest, IdleTimeAndFreqFollowThePolicy) {
  Run({"set", "src", "bar"});
  std::string p = Dump("src");
  // Any policy but LFU keeps access times: IDLETIME backdates, FREQ is
  // ignored.
  for (std::string policy : {"noeviction", "allkeys-lru", "volatile-random"}) {
    ASSERT_EQ(Run({"config", "set", "maxmemory-policy", policy}), "+\"OK\"");
    EXPECT_EQ(Run({"restore", "k", "0", p, "replace", "idletime", "1000"}), "+\"OK\"");
    int64_t idle = RunValue({"object", "idletime", "k"}).integer;
    EXPECT_GE(idle, 1000) << policy;
    EXPECT_LE(idle, 1010) << policy;
    EXPECT_EQ(Run({"restore", "k", "0", p, "replace", "freq", "100"}), "+\"OK\"");
    EXPECT_LE(RunValue({"object", "idletime", "k"}).integer, 2) << policy;
  }
  // More idle time than the clock holds: as idle as it can be.
  EXPECT_EQ(Run({"restore", "k", "0", p, "replace", "idletime", "9223372036854775807"}), "+\"OK\"");
  EXPECT_GT(RunValue({"object", "idletime", "k"}).integer, 1000000000);
  // LFU keeps counters: FREQ sets it, IDLETIME is ignored.
  for (std::string policy : {"allkeys-lfu", "volatile-lfu"}) {
    ASSERT_EQ(Run({"config", "set", "maxmemory-policy", policy}), "+\"OK\"");
    EXPECT_EQ(Run({"restore", "k", "0", p, "replace", "freq", "100"}), "+\"OK\"");
    EXPECT_EQ(Run({"object", "freq", "k"}), ":100") << policy;
    EXPECT_EQ(Run({"restore", "k", "0", p, "replace", "freq", "0"}), "+\"OK\"");
    EXPECT_EQ(Run({"object", "freq", "k"}), ":0") << policy;
    EXPECT_EQ(Run({"restore", "k", "0", p, "replace", "idletime", "100000"}), "+\"OK\"");
    EXPECT_EQ(Run({"object", "freq", "k"}), ":5") << policy;  // a new value's counter
  }
  EXPECT_EQ(Run({"get", "k"}), "\"bar\"");
}

TEST_F(DumpCommandsTest, EventsAndWatch) {
  Run({"set", "src", "v"});
  std::string p = Dump("src");
  Run({"set", "k2", "old", "pxat", "1"});  // expired, not yet deleted
  ASSERT_EQ(Run({"config", "set", "notify-keyspace-events", "Egx"}), "+\"OK\"");
  Run({"psubscribe", "__keyevent@0__:*"}, 1);
  auto event = [](const std::string& name, const std::string& key = "k") {
    return absl::StrCat("[\"pmessage\", \"__keyevent@0__:*\", \"__keyevent@0__:", name, "\", \"",
                        key, "\"]");
  };
  EXPECT_EQ(Run({"restore", "k", "0", p}), "+\"OK\"");
  EXPECT_EQ(Receive(1), event("restore"));
  EXPECT_EQ(Run({"restore", "k", "0", p, "replace"}), "+\"OK\"");
  EXPECT_EQ(Receive(1), event("restore"));  // no "del" for the value replaced
  EXPECT_EQ(Run({"restore", "k", "1", p, "replace", "absttl"}), "+\"OK\"");
  EXPECT_EQ(Receive(1), event("del"));
  EXPECT_EQ(Run({"restore", "k", "1", p, "replace", "absttl"}), "+\"OK\"");  // nothing to delete
  EXPECT_EQ(Run({"restore", "k", "0", p, "replace", "freq", "1000"}),
            "-\"ERR Invalid FREQ value, must be >= 0 and <= 255\"");
  EXPECT_EQ(Run({"restore", "k2", "0", p}), "+\"OK\"");
  EXPECT_EQ(Receive(1), event("expired", "k2"));  // lazily, looking for an existing key
  EXPECT_EQ(Receive(1), event("restore", "k2"));
  EXPECT_EQ(Run({"config", "set", "notify-keyspace-events", ""}), "+\"OK\"");

  // WATCH: a restore changes the key; a refused one does not.
  EXPECT_EQ(Run({"restore", "k", "0", p}), "+\"OK\"");
  EXPECT_EQ(Run({"watch", "k"}, 2), "+\"OK\"");
  EXPECT_EQ(Run({"restore", "k", "0", p}), "-\"BUSYKEY Target key name already exists.\"");
  EXPECT_EQ(Run({"multi"}, 2), "+\"OK\"");
  EXPECT_EQ(Run({"get", "k"}, 2), "+\"QUEUED\"");
  EXPECT_EQ(Run({"exec"}, 2), "[\"v\"]");
  EXPECT_EQ(Run({"watch", "k", "w"}, 2), "+\"OK\"");
  EXPECT_EQ(Run({"restore", "w", "0", p}), "+\"OK\"");
  EXPECT_EQ(Run({"multi"}, 2), "+\"OK\"");
  EXPECT_EQ(Run({"get", "k"}, 2), "+\"QUEUED\"");
  EXPECT_EQ(Run({"exec"}, 2), "nil");
}

// Every byte of payloads of each encoding, changed (under a recomputed
// CRC, so the decoder sees it) and cut short: an error or a value that
// holds together, never a crash.
TEST_F(DumpCommandsTest, CorruptPayloadsAreRefusedOrSound) {
  std::vector<std::string> payloads;
  for (const Golden& g : Goldens()) {
    payloads.push_back(Hex(g.plain));
    if (g.lzf != g.plain) payloads.push_back(Hex(g.lzf));
  }
  size_t restored = 0, refused = 0;
  for (const std::string& payload : payloads) {
    std::string body = payload.substr(0, payload.size() - 10);
    std::vector<std::string> variants;
    for (size_t i = 0; i < body.size(); ++i) {
      for (uint8_t mask : {0x01, 0x80, 0xff}) {
        std::string b = body;
        b[i] = static_cast<char>(b[i] ^ mask);
        variants.push_back(WithFooter(b));
      }
      variants.push_back(WithFooter(body.substr(0, i)));
    }
    std::string flipped = payload;
    flipped[body.size() / 2] ^= 0x10;  // the footer's CRC no longer matches
    EXPECT_EQ(Run({"restore", "c", "0", flipped, "replace"}),
              "-\"ERR DUMP payload version or checksum are wrong\"");
    for (const std::string& v : variants) {
      std::string reply = Run({"restore", "c", "0", v, "replace"});
      if (reply != "+\"OK\"") {
        ASSERT_EQ(reply, "-\"ERR Bad data format\"") << HexOf(v);
        ++refused;
        continue;
      }
      ++restored;
      std::string seen = Snapshot("c");
      ASSERT_EQ(Run({"restore", "c2", "0", Dump("c"), "replace"}), "+\"OK\"") << HexOf(v);
      ASSERT_EQ(Snapshot("c2"), seen) << HexOf(v);
    }
  }
  EXPECT_GT(refused, 0u);
  EXPECT_GT(restored, 0u);
}

}  // namespace
}  // namespace server
