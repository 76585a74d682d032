#include "engine/rdb/rdb_string.h"

#include <liblzf/lzf.h>

#include <cmath>
#include <cstring>

#include "absl/strings/charconv.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/object.h"
#include "engine/rdb/crc64.h"

namespace rdb {
namespace {

constexpr uint8_t k6Bit = 0;
constexpr uint8_t k14Bit = 1;
constexpr uint8_t kEncoded = 3;
constexpr uint8_t k32Bit = 0x80;
constexpr uint8_t k64Bit = 0x81;
constexpr uint8_t kEncInt8 = 0;
constexpr uint8_t kEncInt16 = 1;
constexpr uint8_t kEncInt32 = 2;
constexpr uint8_t kEncLzf = 3;
// Uncompressed strings longer than this are refused: no key or value may
// be larger than Redis's proto-max-bulk-len ceiling, and a corrupt length
// must not make us allocate it.
constexpr uint64_t kMaxStringLength = uint64_t{1} << 32;

uint64_t ReadBigEndian(std::string_view in, size_t pos, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(in[pos + i]);
  return v;
}

void AppendEncodedInt(std::string* out, int64_t v) {
  if (v >= INT8_MIN && v <= INT8_MAX) {
    out->push_back(static_cast<char>((kEncoded << 6) | kEncInt8));
    AppendLittleEndian(out, static_cast<uint64_t>(v), 1);
  } else if (v >= INT16_MIN && v <= INT16_MAX) {
    out->push_back(static_cast<char>((kEncoded << 6) | kEncInt16));
    AppendLittleEndian(out, static_cast<uint64_t>(v), 2);
  } else {
    out->push_back(static_cast<char>((kEncoded << 6) | kEncInt32));
    AppendLittleEndian(out, static_cast<uint64_t>(v), 4);
  }
}

// The encoded strings' lengths: an integer of 1/2/4 bytes, or LZF.
bool ReadEncoded(std::string_view in, size_t* pos, uint64_t enc, std::string* s) {
  switch (enc) {
    case kEncInt8:
    case kEncInt16:
    case kEncInt32: {
      int bytes = enc == kEncInt8 ? 1 : enc == kEncInt16 ? 2 : 4;
      uint64_t raw = 0;
      if (!ReadLittleEndian(in, pos, bytes, &raw)) return false;
      int64_t v = bytes == 1   ? static_cast<int8_t>(raw)
                  : bytes == 2 ? static_cast<int16_t>(raw)
                               : static_cast<int32_t>(raw);
      if (s != nullptr) *s = absl::StrCat(v);
      return true;
    }
    case kEncLzf: {
      uint64_t compressed = 0, plain = 0;
      if (!ReadPlainLength(in, pos, &compressed) || !ReadPlainLength(in, pos, &plain)) {
        return false;
      }
      // LZF expands at most 88 times (a 3-byte back reference copies 264
      // bytes): a larger claim is corrupt and must not be allocated.
      if (compressed > in.size() - *pos || plain > kMaxStringLength || compressed == 0 ||
          plain > compressed * 90 + 64) {
        return false;
      }
      if (s != nullptr) {
        s->resize(plain);
        // liblzf checks its input and output bounds: corrupt data gives 0.
        unsigned got = plain == 0 ? 0
                                  : lzf_decompress(in.data() + *pos, compressed, s->data(), plain);
        if (got != plain) return false;
      }
      *pos += compressed;
      return true;
    }
    default:
      return false;
  }
}

}  // namespace

void AppendLittleEndian(std::string* out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}

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

void AppendEncodedString(std::string* out, std::string_view s, bool compress) {
  int64_t v = 0;
  if (s.size() <= 11 && engine::ParseInt64(s, &v) && v >= INT32_MIN && v <= INT32_MAX) {
    return AppendEncodedInt(out, v);
  }
  if (compress && s.size() > 20) {
    // Worth it only when it saves more than the two extra lengths cost.
    std::string packed(s.size() - 4, '\0');
    unsigned n = lzf_compress(s.data(), s.size(), packed.data(), packed.size());
    if (n > 0) {
      out->push_back(static_cast<char>((kEncoded << 6) | kEncLzf));
      AppendLength(out, n);
      AppendLength(out, s.size());
      out->append(packed.data(), n);
      return;
    }
  }
  AppendString(out, s);
}

void AppendInteger(std::string* out, int64_t v) {
  if (v >= INT32_MIN && v <= INT32_MAX) return AppendEncodedInt(out, v);
  AppendString(out, absl::StrCat(v));
}

void AppendBinaryDouble(std::string* out, double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof(bits));
  AppendLittleEndian(out, bits, 8);
}

bool ReadLittleEndian(std::string_view in, size_t* pos, int bytes, uint64_t* v) {
  if (*pos > in.size() || in.size() - *pos < static_cast<size_t>(bytes)) return false;
  uint64_t r = 0;
  for (int i = bytes - 1; i >= 0; --i) r = (r << 8) | static_cast<unsigned char>(in[*pos + i]);
  *pos += bytes;
  *v = r;
  return true;
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

bool ReadPlainLength(std::string_view in, size_t* pos, uint64_t* length) {
  bool encoded = false;
  return ReadLength(in, pos, length, &encoded) && !encoded;
}

bool ReadString(std::string_view in, size_t* pos, std::string* s) {
  uint64_t length = 0;
  bool encoded = false;
  if (!ReadLength(in, pos, &length, &encoded)) return false;
  if (encoded) return ReadEncoded(in, pos, length, s);
  if (length > in.size() - *pos) return false;
  s->assign(in.substr(*pos, length));
  *pos += length;
  return true;
}

bool SkipString(std::string_view in, size_t* pos) {
  uint64_t length = 0;
  bool encoded = false;
  if (!ReadLength(in, pos, &length, &encoded)) return false;
  if (encoded) return ReadEncoded(in, pos, length, nullptr);
  if (length > in.size() - *pos) return false;
  *pos += length;
  return true;
}

bool ReadBinaryDouble(std::string_view in, size_t* pos, double* v) {
  uint64_t bits = 0;
  if (!ReadLittleEndian(in, pos, 8, &bits)) return false;
  std::memcpy(v, &bits, sizeof(bits));
  return true;
}

bool ReadTextDouble(std::string_view in, size_t* pos, double* v) {
  if (*pos >= in.size()) return false;
  unsigned char len = static_cast<unsigned char>(in[(*pos)++]);
  switch (len) {
    case 253:
      *v = std::nan("");
      return true;
    case 254:
      *v = INFINITY;
      return true;
    case 255:
      *v = -INFINITY;
      return true;
    default:
      break;
  }
  if (len > in.size() - *pos) return false;
  std::string_view text = in.substr(*pos, len);
  *pos += len;
  auto r = absl::from_chars(text.data(), text.data() + text.size(), *v);
  return r.ec == std::errc() && r.ptr == text.data() + text.size();
}

void AppendDumpFooter(std::string* payload) {
  AppendLittleEndian(payload, kRdbVersion, 2);
  AppendLittleEndian(payload, Crc64(0, *payload), 8);
}

bool CheckDumpFooter(std::string_view payload, std::string_view* body) {
  if (payload.size() < 10) return false;
  size_t footer = payload.size() - 10;
  size_t pos = footer;
  uint64_t version = 0, crc = 0;
  ReadLittleEndian(payload, &pos, 2, &version);
  ReadLittleEndian(payload, &pos, 8, &crc);
  if (version > kRdbVersion) return false;
  if (crc != Crc64(0, payload.substr(0, payload.size() - 8))) return false;
  *body = payload.substr(0, footer);
  return true;
}

}  // namespace rdb
