#ifndef SHARDIS_SERVER_RDB_RDB_STRING_H_
#define SHARDIS_SERVER_RDB_RDB_STRING_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace rdb {

// RDB's length and string encodings (the format of RDB files and DUMP
// payloads, Redis 7.0, RDB version 10).
inline constexpr uint16_t kRdbVersion = 10;

// Appends a length: 6 bits, 14 bits, 32 or 64 bits, as rdbSaveLen does.
void AppendLength(std::string* out, uint64_t length);
// Appends a string as a plain length-prefixed one (never compressed).
void AppendString(std::string* out, std::string_view s);

// Reads what the appenders write, plus the integer encodings (8/16/32-bit
// numbers stored as strings) and LZF-compressed strings Redis may write.
// Advances *pos; false on truncated or invalid input.
bool ReadLength(std::string_view in, size_t* pos, uint64_t* length, bool* encoded);
bool ReadString(std::string_view in, size_t* pos, std::string* s);

// A DUMP payload's footer: the RDB version (2 bytes) and the CRC-64 of
// everything before it (8 bytes), little endian.
void AppendDumpFooter(std::string* payload);
// Checks the footer; the body is the payload without it.
bool CheckDumpFooter(std::string_view payload, std::string_view* body);

}  // namespace rdb

#endif  // SHARDIS_SERVER_RDB_RDB_STRING_H_
