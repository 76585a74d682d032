#include "engine/listpack.h"

#include <cstdlib>
#include <cstring>

#include "engine/length_prefix.h"

namespace engine {

Listpack::Listpack(const Listpack& other) : bytes_(other.bytes_), count_(other.count_) {
  if (bytes_ > 0) {
    data_ = static_cast<char*>(std::malloc(bytes_));
    std::memcpy(data_, other.data_, bytes_);
  }
}

Listpack::~Listpack() { std::free(data_); }

void Listpack::Resize(size_t bytes) {
  bytes_ = static_cast<uint32_t>(bytes);
  if (bytes == 0) {
    std::free(data_);
    data_ = nullptr;
    return;
  }
  // Exact size: jemalloc rounds to its size classes and reallocates in place
  // while a change stays within one.
  data_ = static_cast<char*>(std::realloc(data_, bytes));
}

std::string_view Listpack::Get(size_t off, size_t* next) const {
  size_t stored;
  std::string_view s = length_prefix::Read(data_ + off, &stored);
  *next = off + stored;
  return s;
}

void Listpack::Append(std::string_view s) {
  size_t off = bytes_;
  Resize(off + length_prefix::StoredSize(s));
  length_prefix::Write(data_ + off, s);
  ++count_;
}

void Listpack::Replace(size_t off, std::string_view s) {
  size_t old_stored;
  length_prefix::Read(data_ + off, &old_stored);
  size_t new_stored = length_prefix::StoredSize(s);
  size_t tail_off = off + old_stored;
  size_t tail = bytes_ - tail_off;
  if (new_stored > old_stored) {
    Resize(bytes_ + (new_stored - old_stored));
    std::memmove(data_ + off + new_stored, data_ + tail_off, tail);
  } else if (new_stored < old_stored) {
    std::memmove(data_ + off + new_stored, data_ + tail_off, tail);
    Resize(bytes_ - (old_stored - new_stored));
  }
  length_prefix::Write(data_ + off, s);
}

void Listpack::Erase(size_t off, size_t n) {
  size_t stop = off;
  for (size_t i = 0; i < n; ++i) Get(stop, &stop);
  std::memmove(data_ + off, data_ + stop, bytes_ - stop);
  Resize(bytes_ - (stop - off));
  count_ -= static_cast<uint32_t>(n);
}

void Listpack::Clear() {
  Resize(0);
  count_ = 0;
}

}  // namespace engine
