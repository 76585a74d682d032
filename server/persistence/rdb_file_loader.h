#ifndef SHARDIS_SERVER_PERSISTENCE_RDB_FILE_LOADER_H_
#define SHARDIS_SERVER_PERSISTENCE_RDB_FILE_LOADER_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "engine/encoding_limits.h"
#include "engine/object.h"
#include "engine/rdb/rdb_reader.h"

namespace persistence {

struct LoadStats {
  int version = 0;
  uint64_t keys_loaded = 0;
  uint64_t expired_skipped = 0;  // TTL already past: dropped, as a master does
  uint64_t empty_skipped = 0;    // empty containers (old Redis bugs): dropped
  uint64_t bytes = 0;
};

struct LoadSinks {
  // A decoded live key of db `db`: the callee owns `value`.
  std::function<void(int db, const rdb::RdbRecord& record, engine::Object* value)> key;
  // A function library's code (FUNCTION2); "" from the callee or an error.
  std::function<std::string(const std::string& code)> function;
};

// Reads the RDB file at `path` (mapped, not read into memory) and hands
// every live key to the sinks. NotFound when there is no file; any other
// error names the offset of the bad record, and keys before it have been
// handed over already (the caller decides - at start, Redis exits).
// `verify_checksum`: rdbchecksum (off: the CRC is not checked, as Redis).
absl::Status LoadRdbFile(const std::string& path, int64_t now_ms, int num_dbs,
                         const engine::EncodingLimits& limits, const LoadSinks& sinks,
                         LoadStats* stats, bool verify_checksum = true);

}  // namespace persistence

#endif  // SHARDIS_SERVER_PERSISTENCE_RDB_FILE_LOADER_H_
