#include "engine/rdb/listpack_blob.h"

#include "absl/strings/numbers.h"
#include "engine/object.h"
#include "engine/rdb/rdb_string.h"

namespace rdb {
namespace {

constexpr size_t kHeaderBytes = 6;
constexpr unsigned char kEnd = 0xFF;
constexpr size_t kMaxCount = 65535;

// The entry encodings (listpack.c's LP_ENCODING_*).
constexpr unsigned char k7BitUint = 0x00;  // 0xxxxxxx
constexpr unsigned char k6BitStr = 0x80;   // 10xxxxxx
constexpr unsigned char k13BitInt = 0xC0;  // 110xxxxx yyyyyyyy
constexpr unsigned char k12BitStr = 0xE0;  // 1110xxxx yyyyyyyy
constexpr unsigned char k16BitInt = 0xF1;
constexpr unsigned char k24BitInt = 0xF2;
constexpr unsigned char k32BitInt = 0xF3;
constexpr unsigned char k64BitInt = 0xF4;
constexpr unsigned char k32BitStr = 0xF0;

size_t BacklenSize(size_t l) {
  return l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
}

char* FormatInt(int64_t v, char* scratch) {
  return absl::numbers_internal::FastIntToBuffer(v, scratch);
}

}  // namespace

ListpackWriter::ListpackWriter() { buf_.assign(kHeaderBytes, '\0'); }

void ListpackWriter::AppendBacklen(size_t l) {
  // Written so that reading backwards from the entry's end finds the low
  // 7 bits first; bit 7 set means "more bytes to the left".
  size_t n = BacklenSize(l);
  for (size_t i = 0; i < n; ++i) {
    size_t shift = 7 * (n - 1 - i);
    unsigned char b = (l >> shift) & 127;
    if (i > 0) b |= 128;
    buf_.push_back(static_cast<char>(b));
  }
}

void ListpackWriter::AddInteger(int64_t v) {
  size_t start = buf_.size();
  if (v >= 0 && v <= 127) {
    buf_.push_back(static_cast<char>(k7BitUint | v));
  } else if (v >= -4096 && v <= 4095) {
    uint64_t u = v < 0 ? (uint64_t{1} << 13) + v : v;
    buf_.push_back(static_cast<char>(k13BitInt | (u >> 8)));
    buf_.push_back(static_cast<char>(u & 0xff));
  } else if (v >= INT16_MIN && v <= INT16_MAX) {
    buf_.push_back(static_cast<char>(k16BitInt));
    AppendLittleEndian(&buf_, static_cast<uint64_t>(v), 2);
  } else if (v >= -8388608 && v <= 8388607) {
    buf_.push_back(static_cast<char>(k24BitInt));
    AppendLittleEndian(&buf_, static_cast<uint64_t>(v), 3);
  } else if (v >= INT32_MIN && v <= INT32_MAX) {
    buf_.push_back(static_cast<char>(k32BitInt));
    AppendLittleEndian(&buf_, static_cast<uint64_t>(v), 4);
  } else {
    buf_.push_back(static_cast<char>(k64BitInt));
    AppendLittleEndian(&buf_, static_cast<uint64_t>(v), 8);
  }
  AppendBacklen(buf_.size() - start);
  ++count_;
}

void ListpackWriter::Add(std::string_view s) {
  int64_t v = 0;
  if (s.size() <= 20 && engine::ParseInt64(s, &v)) return AddInteger(v);
  size_t start = buf_.size();
  if (s.size() < 64) {
    buf_.push_back(static_cast<char>(k6BitStr | s.size()));
  } else if (s.size() < 4096) {
    buf_.push_back(static_cast<char>(k12BitStr | (s.size() >> 8)));
    buf_.push_back(static_cast<char>(s.size() & 0xff));
  } else {
    buf_.push_back(static_cast<char>(k32BitStr));
    AppendLittleEndian(&buf_, s.size(), 4);
  }
  buf_.append(s);
  AppendBacklen(buf_.size() - start);
  ++count_;
}

std::string ListpackWriter::Finish() {
  buf_.push_back(static_cast<char>(kEnd));
  std::string out = std::move(buf_);
  size_t pos = 0;
  std::string header;
  AppendLittleEndian(&header, out.size(), 4);
  AppendLittleEndian(&header, count_ < kMaxCount ? count_ : kMaxCount, 2);
  out.replace(pos, kHeaderBytes, header);
  buf_.assign(kHeaderBytes, '\0');
  count_ = 0;
  return out;
}

ListpackReader::ListpackReader(std::string_view blob) : blob_(blob) {
  size_t pos = 0;
  uint64_t total = 0, count = 0;
  if (!ReadLittleEndian(blob, &pos, 4, &total) || !ReadLittleEndian(blob, &pos, 2, &count) ||
      total != blob.size() || blob.size() < kHeaderBytes + 1 ||
      static_cast<unsigned char>(blob.back()) != kEnd) {
    failed_ = true;
    pos_ = blob.size();
    return;
  }
  header_count_ = count;
}

bool ListpackReader::Next(std::string_view* s, char* scratch) {
  if (failed_) return false;
  const size_t end = blob_.size() - 1;  // the terminator
  if (pos_ == end) return false;
  if (pos_ > end) return Fail();
  const size_t start = pos_;
  unsigned char b = static_cast<unsigned char>(blob_[pos_]);
  auto need = [&](size_t n) { return end - pos_ >= n; };
  auto integer = [&](int bytes) -> bool {
    uint64_t u = 0;
    size_t p = pos_ + 1;
    if (!need(1 + bytes) || !ReadLittleEndian(blob_, &p, bytes, &u)) return false;
    // Sign-extend from `bytes` bytes.
    int shift = 64 - 8 * bytes;
    int64_t v = static_cast<int64_t>(u << shift) >> shift;
    *s = std::string_view(scratch, FormatInt(v, scratch) - scratch);
    pos_ = p;
    return true;
  };
  if ((b & 0x80) == k7BitUint) {
    *s = std::string_view(scratch, FormatInt(b & 0x7f, scratch) - scratch);
    pos_ += 1;
  } else if ((b & 0xC0) == k6BitStr) {
    size_t len = b & 0x3f;
    if (!need(1 + len)) return Fail();
    *s = blob_.substr(pos_ + 1, len);
    pos_ += 1 + len;
  } else if ((b & 0xE0) == k13BitInt) {
    if (!need(2)) return Fail();
    uint64_t u = (uint64_t{b & 0x1fu} << 8) | static_cast<unsigned char>(blob_[pos_ + 1]);
    int64_t v = u >= (1u << 12) ? static_cast<int64_t>(u) - (1 << 13) : static_cast<int64_t>(u);
    *s = std::string_view(scratch, FormatInt(v, scratch) - scratch);
    pos_ += 2;
  } else if ((b & 0xF0) == k12BitStr) {
    if (!need(2)) return Fail();
    size_t len = (size_t{b & 0x0fu} << 8) | static_cast<unsigned char>(blob_[pos_ + 1]);
    if (!need(2 + len)) return Fail();
    *s = blob_.substr(pos_ + 2, len);
    pos_ += 2 + len;
  } else if (b == k32BitStr) {
    uint64_t len = 0;
    size_t p = pos_ + 1;
    if (!ReadLittleEndian(blob_, &p, 4, &len) || p > end || len > end - p) return Fail();
    *s = blob_.substr(p, len);
    pos_ = p + len;
  } else if (b == k16BitInt || b == k24BitInt || b == k32BitInt || b == k64BitInt) {
    int bytes = b == k16BitInt ? 2 : b == k24BitInt ? 3 : b == k32BitInt ? 4 : 8;
    if (!integer(bytes)) return Fail();
  } else {
    return Fail();  // 0xF5..0xFE are unused; 0xFF before the end is corrupt
  }
  // The backwards length must agree with the entry, as lpValidateNext checks.
  size_t entry_len = pos_ - start;
  size_t n = BacklenSize(entry_len);
  if (end - pos_ < n) return Fail();
  uint64_t back = 0;
  for (size_t i = 0; i < n; ++i) {
    back = (back << 7) | (static_cast<unsigned char>(blob_[pos_ + i]) & 127);
  }
  if (back != entry_len) return Fail();
  pos_ += n;
  return true;
}

}  // namespace rdb
