#ifndef SHARDIS_ENGINE_RDB_CRC64_H_
#define SHARDIS_ENGINE_RDB_CRC64_H_

#include <cstdint>
#include <string_view>

namespace rdb {

// The CRC-64 Redis puts at the end of RDB files and DUMP payloads (Jones
// polynomial 0xad93d23594c935a9, reflected, no final xor): crc64(0,
// "123456789") == 0xe9c6d914c4b8d9ca. `crc` continues an earlier one.
uint64_t Crc64(uint64_t crc, std::string_view data);

}  // namespace rdb

#endif  // SHARDIS_ENGINE_RDB_CRC64_H_
