#include "server/persistence/rdb_file_loader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "engine/rdb/value_codec.h"

namespace persistence {
namespace {

// The file, mapped read-only for the duration of the load.
class MappedFile {
 public:
  ~MappedFile() {
    if (data_ != nullptr) munmap(data_, size_);
    if (fd_ >= 0) close(fd_);
  }
  absl::Status Open(const std::string& path) {
    fd_ = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) {
      if (errno == ENOENT) return absl::NotFoundError(path);
      return absl::InternalError(absl::StrCat("Can't open ", path, ": ", strerror(errno)));
    }
    struct stat st {};
    if (fstat(fd_, &st) != 0) return absl::InternalError(strerror(errno));
    size_ = static_cast<size_t>(st.st_size);
    if (size_ == 0) return absl::OkStatus();
    void* p = mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd_, 0);
    if (p == MAP_FAILED) return absl::InternalError(absl::StrCat("mmap: ", strerror(errno)));
    data_ = p;
    madvise(data_, size_, MADV_SEQUENTIAL);
    return absl::OkStatus();
  }
  std::string_view view() const { return {static_cast<const char*>(data_), size_}; }

 private:
  int fd_ = -1;
  void* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace

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
