#ifndef SHARDIS_ENGINE_RDB_RDB_STRING_H_
#define SHARDIS_ENGINE_RDB_RDB_STRING_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/rdb/rdb_format.h"

namespace rdb {

// RDB's scalar encodings: lengths, strings (plain, as small integers, or
// LZF-compressed), doubles and fixed-width integers. Appenders write what
// Redis 7.0 writes; readers accept everything any version wrote, advance
// *pos, and return false on truncated or invalid input (never read past
// `in`).

// A length: 6 bits, 14 bits, 32 or 64 bits, as rdbSaveLen does.
void AppendLength(std::string* out, uint64_t length);
// A string as a plain length-prefixed one (never compressed).
void AppendString(std::string* out, std::string_view s);
// A string as rdbSaveRawString stores it: a canonical integer of up to 32
// bits in its integer encoding; with `compress`, LZF when that is shorter
// (strings over 20 bytes).
void AppendEncodedString(std::string* out, std::string_view s, bool compress);
// An integer as rdbSaveLongLongAsStringObject: encoded when it fits 32 bits,
// else as its decimal text.
void AppendInteger(std::string* out, int64_t v);
// 8 bytes, little endian (RDB_TYPE_ZSET_2 scores).
void AppendBinaryDouble(std::string* out, double v);
// Fixed-width little-endian integer of `bytes` bytes.
void AppendLittleEndian(std::string* out, uint64_t v, int bytes);

bool ReadLength(std::string_view in, size_t* pos, uint64_t* length, bool* encoded);
// A length that must not be an encoding marker.
bool ReadPlainLength(std::string_view in, size_t* pos, uint64_t* length);
bool ReadString(std::string_view in, size_t* pos, std::string* s);
// Steps over a string without materializing it (record boundaries).
bool SkipString(std::string_view in, size_t* pos);
bool ReadBinaryDouble(std::string_view in, size_t* pos, double* v);
// RDB_TYPE_ZSET's scores: a length byte, then the number as text
// (253 nan, 254 +inf, 255 -inf).
bool ReadTextDouble(std::string_view in, size_t* pos, double* v);
bool ReadLittleEndian(std::string_view in, size_t* pos, int bytes, uint64_t* v);

// A DUMP payload's footer: the RDB version (2 bytes) and the CRC-64 of
// everything before it (8 bytes), little endian.
void AppendDumpFooter(std::string* payload);
// Checks the footer; the body is the payload without it.
bool CheckDumpFooter(std::string_view payload, std::string_view* body);

}  // namespace rdb

#endif  // SHARDIS_ENGINE_RDB_RDB_STRING_H_
