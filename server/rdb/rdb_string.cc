#include "server/rdb/rdb_string.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/rdb/crc64.h"

namespace rdb {
namespace {

constexpr uint8_t k6Bit = 0;
constexpr uint8_t k14Bit = 1;
constexpr uint8_t k32Or64Bit = 2;
constexpr uint8_t kEncoded = 3;
constexpr uint8_t k32Bit = 0x80;
constexpr uint8_t k64Bit = 0x81;
constexpr uint8_t kEncInt8 = 0;
constexpr uint8_t kEncInt16 = 1;
constexpr uint8_t kEncInt32 = 2;
constexpr uint8_t kEncLzf = 3;

uint64_t ReadBigEndian(std::string_view in, size_t pos, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(in[pos + i]);
  return v;
}

// LZF (liblzf's format): literal runs and back references.
bool LzfDecompress(std::string_view in, size_t out_len, std::string* out) {
  out->clear();
  out->reserve(out_len);
  size_t i = 0;
  while (i < in.size()) {
    unsigned ctrl = static_cast<unsigned char>(in[i++]);
    if (ctrl < 32) {  // a literal run of ctrl + 1 bytes
      size_t run = ctrl + 1;
      if (i + run > in.size() || out->size() + run > out_len) return false;
      out->append(in.substr(i, run));
      i += run;
      continue;
    }
    size_t len = ctrl >> 5;
    if (len == 7) {
      if (i >= in.size()) return false;
      len += static_cast<unsigned char>(in[i++]);
    }
    if (i >= in.size()) return false;
    size_t back = ((ctrl & 0x1f) << 8) + static_cast<unsigned char>(in[i++]) + 1;
    len += 2;
    if (back > out->size() || out->size() + len > out_len) return false;
    size_t from = out->size() - back;
    for (size_t k = 0; k < len; ++k) out->push_back((*out)[from + k]);  // may overlap
  }
  return out->size() == out_len;
}

}  // namespace

void AppendLength(std::string* out, uint64_t length) {
  if (length < (1 << 6)) {
    out->push_back(static_cast<char>((k6Bit << 6) | length));
  } else if (length < (1 << 14)) {
    out->push_back(static_cast<char>((k14Bit << 6) | (length >> 8)));
    out->push_back(static_cast<char>(length & 0xff));
  } else if (length <= UINT32_MAX) {
    out->push_back(static_cast<char>(k32Bit));
    for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(length >> shift));
  } else {
    out->push_back(static_cast<char>(k64Bit));
    for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(length >> shift));
  }
}

void AppendString(std::string* out, std::string_view s) {
  AppendLength(out, s.size());
  out->append(s);
}

bool ReadLength(std::string_view in, size_t* pos, uint64_t* length, bool* encoded) {
  if (*pos >= in.size()) return false;
  unsigned char first = static_cast<unsigned char>(in[*pos]);
  *encoded = false;
  switch (first >> 6) {
    case k6Bit:
      *length = first & 0x3f;
      *pos += 1;
      return true;
    case k14Bit:
      if (*pos + 2 > in.size()) return false;
      *length = (uint64_t{first & 0x3fu} << 8) | static_cast<unsigned char>(in[*pos + 1]);
      *pos += 2;
      return true;
    case kEncoded:
      *encoded = true;
      *length = first & 0x3f;
      *pos += 1;
      return true;
    default:
      if (first == k32Bit) {
        if (*pos + 5 > in.size()) return false;
        *length = ReadBigEndian(in, *pos + 1, 4);
        *pos += 5;
        return true;
      }
      if (first == k64Bit) {
        if (*pos + 9 > in.size()) return false;
        *length = ReadBigEndian(in, *pos + 1, 8);
        *pos += 9;
        return true;
      }
      return false;
  }
}

bool ReadString(std::string_view in, size_t* pos, std::string* s) {
  uint64_t length = 0;
  bool encoded = false;
  if (!ReadLength(in, pos, &length, &encoded)) return false;
  if (!encoded) {
    if (length > in.size() - *pos) return false;
    s->assign(in.substr(*pos, length));
    *pos += length;
    return true;
  }
  auto little = [&](int bytes) {
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(in[*pos + i]);
    return v;
  };
  switch (length) {
    case kEncInt8:
    case kEncInt16:
    case kEncInt32: {
      int bytes = length == kEncInt8 ? 1 : length == kEncInt16 ? 2 : 4;
      if (*pos + bytes > in.size()) return false;
      uint64_t raw = little(bytes);
      int64_t v = bytes == 1   ? static_cast<int8_t>(raw)
                  : bytes == 2 ? static_cast<int16_t>(raw)
                               : static_cast<int32_t>(raw);
      *pos += bytes;
      *s = absl::StrCat(v);
      return true;
    }
    case kEncLzf: {
      uint64_t compressed = 0, plain = 0;
      bool enc = false;
      if (!ReadLength(in, pos, &compressed, &enc) || enc) return false;
      if (!ReadLength(in, pos, &plain, &enc) || enc) return false;
      if (compressed > in.size() - *pos || plain > (uint64_t{1} << 32)) return false;
      bool ok = LzfDecompress(in.substr(*pos, compressed), plain, s);
      *pos += compressed;
      return ok;
    }
    default:
      return false;
  }
}

void AppendDumpFooter(std::string* payload) {
  payload->push_back(static_cast<char>(kRdbVersion & 0xff));
  payload->push_back(static_cast<char>(kRdbVersion >> 8));
  uint64_t crc = Crc64(0, *payload);
  for (int i = 0; i < 8; ++i) payload->push_back(static_cast<char>(crc >> (8 * i)));
}

bool CheckDumpFooter(std::string_view payload, std::string_view* body) {
  if (payload.size() < 10) return false;
  size_t footer = payload.size() - 10;
  uint16_t version = static_cast<uint16_t>(static_cast<unsigned char>(payload[footer]) |
                                           (static_cast<unsigned char>(payload[footer + 1]) << 8));
  if (version > kRdbVersion) return false;
  uint64_t crc = Crc64(0, payload.substr(0, payload.size() - 8));
  for (int i = 0; i < 8; ++i) {
    if (static_cast<unsigned char>(payload[footer + 2 + i]) != ((crc >> (8 * i)) & 0xff)) {
      return false;
    }
  }
  *body = payload.substr(0, footer);
  return true;
}

}  // namespace rdb
