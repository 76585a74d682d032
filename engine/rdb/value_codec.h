#ifndef SHARDIS_ENGINE_RDB_VALUE_CODEC_H_
#define SHARDIS_ENGINE_RDB_VALUE_CODEC_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/encoding_limits.h"
#include "engine/object.h"
#include "engine/rdb/rdb_format.h"

namespace rdb {

// One value in RDB's serialization (rdbSaveObject / rdbLoadObject), the
// part shared by RDB files, DUMP payloads and AOF preambles.

struct SaveOptions {
  bool compress = true;    // rdbcompression: LZF for strings over 20 bytes
  int64_t list_fill = -2;  // list-max-listpack-size, for the listpack nodes
};

// Appends the value in the encoding Redis 7.0 writes for it (listpack hashes
// and sorted sets, quicklist 2 lists, intsets, plain sets and hashes,
// skiplist sorted sets with binary scores) and returns its type byte, which
// the caller writes before the key.
ValueType SaveValue(const engine::Object& obj, const SaveOptions& options, std::string* out);

enum class LoadStatus {
  kOk,
  kEmpty,        // a well-formed empty container: Redis skips such keys
  kCorrupt,      // *error says what
  kUnsupported,  // streams and modules: we cannot store them
};

// Decodes a value of `type` (every type RDB 1..10 defines for the five data
// types) from in at *pos, advancing it. On kOk *out owns a new object,
// encoded as the limits say (a big listpack becomes a hashtable, as when
// Redis loads it). Never reads past `in`, whatever the bytes.
LoadStatus LoadValue(uint8_t type, std::string_view in, size_t* pos,
                     const engine::EncodingLimits& limits, engine::Object** out,
                     std::string* error);

// Steps over a value without building it: where a record ends, so a loader
// can hand raw records to other threads. False on truncation or an unknown
// type.
bool SkipValue(uint8_t type, std::string_view in, size_t* pos);

// Whether `type` starts a key (as opposed to an opcode).
bool IsValueType(uint8_t type);

// A sorted-set score as Redis writes it into a listpack (d2string).
std::string ScoreText(double score);

}  // namespace rdb

#endif  // SHARDIS_ENGINE_RDB_VALUE_CODEC_H_
