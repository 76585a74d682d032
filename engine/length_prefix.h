#ifndef SHARDIS_ENGINE_LENGTH_PREFIX_H_
#define SHARDIS_ENGINE_LENGTH_PREFIX_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace engine {

// Byte strings stored as a length prefix followed by the bytes: the building
// block of the compact encodings (Listpack, PackedEntry). The prefix is a
// LEB128 varint (7 bits per byte, low bits first), so a string shorter than
// 128 bytes costs one byte of overhead.
namespace length_prefix {

// Redis strings are below 2^32 bytes: five prefix bytes always suffice.
inline constexpr size_t kMaxPrefixBytes = 5;

inline size_t PrefixSize(size_t len) {
  size_t n = 1;
  while (len >= 0x80) {
    len >>= 7;
    ++n;
  }
  return n;
}

// Bytes taken by `s` once stored.
inline size_t StoredSize(std::string_view s) { return PrefixSize(s.size()) + s.size(); }

// Writes prefix and bytes at `out`; returns the bytes written (StoredSize).
inline size_t Write(char* out, std::string_view s) {
  size_t len = s.size();
  size_t n = 0;
  while (len >= 0x80) {
    out[n++] = static_cast<char>((len & 0x7f) | 0x80);
    len >>= 7;
  }
  out[n++] = static_cast<char>(len);
  if (!s.empty()) std::memcpy(out + n, s.data(), s.size());
  return n + s.size();
}

// Reads the string stored at `in`; *stored gets the bytes it takes.
inline std::string_view Read(const char* in, size_t* stored) {
  size_t len = 0;
  size_t n = 0;
  int shift = 0;
  uint8_t byte;
  do {
    byte = static_cast<uint8_t>(in[n++]);
    len |= static_cast<size_t>(byte & 0x7f) << shift;
    shift += 7;
  } while (byte & 0x80);
  *stored = n + len;
  return {in + n, len};
}

}  // namespace length_prefix
}  // namespace engine

#endif  // SHARDIS_ENGINE_LENGTH_PREFIX_H_
