#ifndef SHARDIS_SERVER_PERSISTENCE_MAPPED_FILE_H_
#define SHARDIS_SERVER_PERSISTENCE_MAPPED_FILE_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace persistence {

// A whole file mapped read-only while it is read once from start to end (a
// dump.rdb, an AOF file being replayed); unmapped and closed with it.
class MappedFile {
 public:
  MappedFile() = default;
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  // NotFound when the file does not exist. An empty file maps nothing.
  absl::Status Open(const std::string& path);
  std::string_view view() const {
    return data_ == nullptr ? std::string_view() : std::string_view(static_cast<const char*>(data_), size_);
  }

 private:
  int fd_ = -1;
  void* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace persistence

#endif  // SHARDIS_SERVER_PERSISTENCE_MAPPED_FILE_H_
