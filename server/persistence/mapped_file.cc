#include "server/persistence/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace persistence {

MappedFile::~MappedFile() {
  if (data_ != nullptr) munmap(data_, size_);
  if (fd_ >= 0) close(fd_);
}

absl::Status MappedFile::Open(const std::string& path) {
  fd_ = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    if (errno == ENOENT) return absl::NotFoundError(path);
    return absl::InternalError(absl::StrCat("Can't open ", path, ": ", std::strerror(errno)));
  }
  struct stat st {};
  if (fstat(fd_, &st) != 0) return absl::InternalError(std::strerror(errno));
  size_ = static_cast<size_t>(st.st_size);
  if (size_ == 0) return absl::OkStatus();
  void* p = mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd_, 0);
  if (p == MAP_FAILED) return absl::InternalError(absl::StrCat("mmap: ", std::strerror(errno)));
  data_ = p;
  madvise(data_, size_, MADV_SEQUENTIAL);
  return absl::OkStatus();
}

}  // namespace persistence
