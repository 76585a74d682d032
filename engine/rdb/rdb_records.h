#ifndef SHARDIS_ENGINE_RDB_RDB_RECORDS_H_
#define SHARDIS_ENGINE_RDB_RDB_RECORDS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/object.h"
#include "engine/rdb/value_codec.h"

namespace rdb {

// The records of an RDB file, appended to a buffer in the order a file has
// them: header, AUX fields, function libraries, then per database SELECTDB,
// RESIZEDB and its keys, and EOF with the checksum. A file may select a
// database more than once (our snapshots do: each shard writes its own
// runs), which every Redis loader accepts.

void AppendHeader(std::string* out);  // "REDIS0010"
void AppendAux(std::string* out, std::string_view key, std::string_view value);
void AppendFunction(std::string* out, std::string_view library_code);
// FUNCTION DUMP's payload: each library's FUNCTION2 record, then the DUMP
// footer.
std::string FunctionsPayload(const std::vector<std::string>& library_codes);
// FUNCTION RESTORE's reading of one: the libraries' code, or Redis's error
// ("ERR DUMP payload version or checksum are wrong", ...); "" when it read.
std::string ReadFunctionsPayload(std::string_view payload, std::vector<std::string>* library_codes);
void AppendSelectDb(std::string* out, uint64_t db);
void AppendResizeDb(std::string* out, uint64_t keys, uint64_t expires);

// What eviction knows about a key, written as Redis does for the policy in
// force: the idle time under an LRU policy, the counter under LFU.
struct KeyMeta {
  int64_t expire_ms = 0;  // absolute unix ms; 0 = none
  int64_t idle_seconds = -1;
  int frequency = -1;
};
void AppendKey(std::string* out, std::string_view key, const engine::Object& value,
               const KeyMeta& meta, const SaveOptions& options);

// EOF and the CRC-64 of everything before the checksum (0 when checksums
// are off: rdbchecksum no).
void AppendEof(std::string* out);
void AppendChecksum(std::string* out, uint64_t crc);

// A DUMP payload: type, value, RDB version and CRC-64 (Redis's
// createDumpPayload).
std::string DumpPayload(const engine::Object& value, const SaveOptions& options);
// RESTORE's side: false with Redis's error text when the payload's footer
// is wrong or its value does not decode. As in Redis, bytes after the value
// (inside the checksummed body) are ignored.
bool RestorePayload(std::string_view payload, const engine::EncodingLimits& limits,
                    engine::Object** out, std::string* error);

}  // namespace rdb

#endif  // SHARDIS_ENGINE_RDB_RDB_RECORDS_H_
