#include "server/persistence/rdb_file_loader.h"

#include "absl/strings/str_cat.h"
#include "engine/rdb/value_codec.h"
#include "server/persistence/mapped_file.h"

namespace persistence {

absl::Status LoadRdbFile(const std::string& path, int64_t now_ms, int num_dbs,
                         const engine::EncodingLimits& limits, const LoadSinks& sinks,
                         LoadStats* stats, bool verify_checksum) {
  MappedFile file;
  absl::Status st = file.Open(path);
  if (!st.ok()) return st;
  std::string_view bytes = file.view();
  stats->bytes = bytes.size();
  rdb::RdbReader reader(bytes);
  reader.set_verify_checksum(verify_checksum);
  if (!reader.ReadHeader()) return absl::DataLossError(reader.error());
  stats->version = reader.version();
  rdb::RdbRecord r;
  int db = 0;
  while (reader.Next(&r)) {
    switch (r.kind) {
      case rdb::RdbRecord::kSelectDb:
        if (r.db >= static_cast<uint64_t>(num_dbs)) {
          return absl::FailedPreconditionError(absl::StrCat(
              "Data file was created with a server configured to handle more than ", num_dbs,
              " databases (db ", r.db, " at offset ", r.offset, ")"));
        }
        db = static_cast<int>(r.db);
        break;
      case rdb::RdbRecord::kFunction: {
        std::string error = sinks.function ? sinks.function(r.value) : "";
        if (!error.empty()) {
          return absl::DataLossError(
              absl::StrCat("Failed loading library at offset ", r.offset, ": ", error));
        }
        break;
      }
      case rdb::RdbRecord::kKey: {
        engine::Object* obj = nullptr;
        std::string error;
        size_t pos = 0;
        rdb::LoadStatus status = rdb::LoadValue(r.type, r.payload, &pos, limits, &obj, &error);
        if (status == rdb::LoadStatus::kEmpty) {
          ++stats->empty_skipped;
          break;
        }
        if (status != rdb::LoadStatus::kOk || pos != r.payload.size()) {
          if (obj != nullptr) engine::DestroyObject(obj);
          return absl::DataLossError(absl::StrCat("Bad value of key '", r.key, "' at offset ",
                                                  r.offset, ": ",
                                                  error.empty() ? "trailing bytes" : error));
        }
        if (r.expire_ms != 0 && r.expire_ms <= now_ms) {
          engine::DestroyObject(obj);
          ++stats->expired_skipped;
          break;
        }
        sinks.key(db, r, obj);
        ++stats->keys_loaded;
        break;
      }
      default:
        break;
    }
  }
  if (!reader.done()) return absl::DataLossError(reader.error());
  return absl::OkStatus();
}

}  // namespace persistence
