#ifndef SHARDIS_SERVER_AOF_MANIFEST_H_
#define SHARDIS_SERVER_AOF_MANIFEST_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace aof {

// One file of a Redis 7.0 multi-part append-only file.
struct AofFileInfo {
  enum Type : char { kBase = 'b', kHistory = 'h', kIncr = 'i' };
  std::string name;  // a file name inside the append-only directory
  int64_t seq = 0;
  Type type = kIncr;
};

// The manifest of a Redis 7.0 append-only directory (appendonly.aof.manifest):
// which base file (RDB or AOF) and which incremental files, in order, make
// up the data; history files are left over from rewrites, to be deleted.
// Lines read "file <name> seq <n> type <b|h|i>", as Redis writes them.
struct Manifest {
  std::optional<AofFileInfo> base;
  std::vector<AofFileInfo> history;
  std::vector<AofFileInfo> incr;
  int64_t base_seq = 0;  // the highest used so far
  int64_t incr_seq = 0;

  // Redis's checks and messages ("Invalid AOF manifest file format", ...).
  static absl::Status Parse(std::string_view text, Manifest* out);
  std::string Format() const;

  bool empty() const { return !base && incr.empty(); }
  // <prefix>.<seq>.base.rdb (or .aof), the old base becoming history.
  std::string NewBase(const std::string& prefix, bool rdb);
  // <prefix>.<seq>.incr.aof, appended to incr.
  std::string NewIncr(const std::string& prefix);
  // After a rewrite: every incremental file but the newest is history.
  void MarkRewrittenIncrAsHistory();
};

// The manifest's file name for appendfilename `prefix`.
std::string ManifestName(const std::string& prefix);
// Reads dir/name; NotFound when it does not exist.
absl::Status ReadManifest(const std::string& dir, const std::string& name, Manifest* out);
// Writes dir/name whole or not at all: a temp file, fsynced, renamed over
// it, and the directory fsynced.
absl::Status WriteManifest(const std::string& dir, const std::string& name,
                           const Manifest& manifest);

}  // namespace aof

#endif  // SHARDIS_SERVER_AOF_MANIFEST_H_
