#ifndef SHARDIS_ENGINE_RDB_RDB_FORMAT_H_
#define SHARDIS_ENGINE_RDB_RDB_FORMAT_H_

#include <cstdint>

namespace rdb {

// The numbers of Redis's RDB format (rdb.h of Redis 7.0): value types, which
// precede each key, and opcodes, which take a type's place for everything
// that is not a key.
enum ValueType : uint8_t {
  kTypeString = 0,
  kTypeList = 1,  // a plain list of strings (RDB < 7)
  kTypeSet = 2,
  kTypeZSet = 3,  // scores as text (RDB < 8)
  kTypeHash = 4,
  kTypeZSet2 = 5,  // scores as binary doubles
  kTypeModule = 6,
  kTypeModule2 = 7,
  kTypeHashZipmap = 9,
  kTypeListZiplist = 10,
  kTypeSetIntset = 11,
  kTypeZSetZiplist = 12,
  kTypeHashZiplist = 13,
  kTypeListQuicklist = 14,  // nodes are ziplists (RDB 7..9)
  kTypeStreamListpacks = 15,
  kTypeHashListpack = 16,
  kTypeZSetListpack = 17,
  kTypeListQuicklist2 = 18,  // nodes are listpacks or plain strings (RDB 10)
  kTypeStreamListpacks2 = 19,
};

enum Opcode : uint8_t {
  kOpFunction2 = 245,
  kOpFunctionPreGa = 246,  // 7.0 release candidates only
  kOpModuleAux = 247,
  kOpIdle = 248,
  kOpFreq = 249,
  kOpAux = 250,
  kOpResizeDb = 251,
  kOpExpireTimeMs = 252,
  kOpExpireTime = 253,
  kOpSelectDb = 254,
  kOpEof = 255,
};

// A quicklist 2 node's container.
inline constexpr uint64_t kQuicklistNodePlain = 1;
inline constexpr uint64_t kQuicklistNodePacked = 2;

// What we write, and the oldest file we read (Redis 2.6's).
inline constexpr int kRdbVersion = 10;
inline constexpr int kOldestReadableVersion = 1;

}  // namespace rdb

#endif  // SHARDIS_ENGINE_RDB_RDB_FORMAT_H_
