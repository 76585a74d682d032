#include "server/rdb/crc64.h"

#include <array>

namespace rdb {
namespace {

// The reflected polynomial, one byte at a time from a table built once.
constexpr uint64_t kPolyReflected = 0x95ac9329ac4bc9b5ULL;

std::array<uint64_t, 256> MakeTable() {
  std::array<uint64_t, 256> table{};
  for (uint64_t i = 0; i < 256; ++i) {
    uint64_t crc = i;
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1) ? (crc >> 1) ^ kPolyReflected : crc >> 1;
    table[i] = crc;
  }
  return table;
}

}  // namespace

uint64_t Crc64(uint64_t crc, std::string_view data) {
  static const std::array<uint64_t, 256> kTable = MakeTable();
  for (unsigned char byte : data) crc = kTable[(crc ^ byte) & 0xff] ^ (crc >> 8);
  return crc;
}

}  // namespace rdb
