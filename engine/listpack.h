#ifndef SHARDIS_ENGINE_LISTPACK_H_
#define SHARDIS_ENGINE_LISTPACK_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

namespace engine {

// The "listpack" encoding of small containers: byte strings one after the
// other in one heap block sized exactly to them, each behind a length prefix
// (one byte for strings under 128 bytes). A small hash stores field, value,
// field, value... in insertion order, as Redis's listpack does.
//
// Strings are addressed by byte offset: begin() is 0, Get() gives the next
// offset, and a walk ends at end(). Every mutation may move the block and
// shifts the offsets after the change, so views and offsets obtained before
// it are invalid after it. Lookups are linear: meant for the ~hundred strings
// a container keeps in this encoding. At most 4 GB. Owner-thread only.
class Listpack {
 public:
  Listpack() = default;
  Listpack(const Listpack& other);
  Listpack(Listpack&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)),
        bytes_(std::exchange(other.bytes_, 0)),
        count_(std::exchange(other.count_, 0)) {}
  Listpack& operator=(const Listpack&) = delete;
  Listpack& operator=(Listpack&& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(bytes_, other.bytes_);
    std::swap(count_, other.count_);
    return *this;
  }
  ~Listpack();

  // Number of strings.
  size_t size() const { return count_; }
  size_t bytes() const { return bytes_; }
  size_t begin() const { return 0; }
  size_t end() const { return bytes_; }

  // The string at `off` (< end()); *next gets the offset after it.
  std::string_view Get(size_t off, size_t* next) const;
  void Append(std::string_view s);
  // Replaces the string at `off` with s.
  void Replace(size_t off, std::string_view s);
  // Removes `n` strings starting with the one at `off`.
  void Erase(size_t off, size_t n);
  void Clear();

 private:
  // Grows or shrinks the block to `bytes`, keeping its prefix.
  void Resize(size_t bytes);

  char* data_ = nullptr;
  uint32_t bytes_ = 0;
  uint32_t count_ = 0;
};

}  // namespace engine

#endif  // SHARDIS_ENGINE_LISTPACK_H_
