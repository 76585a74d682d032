#ifndef SHARDIS_ENGINE_PACKED_ENTRY_H_
#define SHARDIS_ENGINE_PACKED_ENTRY_H_

#include <cstdlib>
#include <string_view>
#include <utility>

#include "engine/length_prefix.h"

namespace engine {

// One element of a large container (a hash field and its value, or a set
// member with an empty value) in a single heap block sized to its payload:
// [len][key][len][value]. Referenced by an 8-byte pointer: no std::string
// headers and one allocation per element, where Redis spends a dictEntry
// plus an sds per string.
//
// Move-only; owner-thread data like the containers holding it.
class PackedEntry {
 public:
  PackedEntry() = default;
  PackedEntry(std::string_view key, std::string_view value) {
    size_t bytes = length_prefix::StoredSize(key) + length_prefix::StoredSize(value);
    data_ = static_cast<char*>(std::malloc(bytes));
    size_t n = length_prefix::Write(data_, key);
    length_prefix::Write(data_ + n, value);
  }
  PackedEntry(PackedEntry&& other) noexcept : data_(std::exchange(other.data_, nullptr)) {}
  PackedEntry& operator=(PackedEntry&& other) noexcept {
    std::swap(data_, other.data_);
    return *this;
  }
  PackedEntry(const PackedEntry&) = delete;
  PackedEntry& operator=(const PackedEntry&) = delete;
  ~PackedEntry() { std::free(data_); }

  PackedEntry Copy() const { return PackedEntry(key(), value()); }

  std::string_view key() const {
    size_t n;
    return length_prefix::Read(data_, &n);
  }
  std::string_view value() const {
    size_t n;
    length_prefix::Read(data_, &n);
    return length_prefix::Read(data_ + n, &n);
  }

 private:
  char* data_ = nullptr;
};

}  // namespace engine

#endif  // SHARDIS_ENGINE_PACKED_ENTRY_H_
