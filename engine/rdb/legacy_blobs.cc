#include "engine/rdb/legacy_blobs.h"

#include <cstdint>

#include "absl/strings/numbers.h"
#include "engine/rdb/rdb_string.h"

namespace rdb {
namespace {

constexpr unsigned char kEnd = 0xFF;
constexpr unsigned char kBigPrevLen = 254;

uint64_t BigEndian(std::string_view in, size_t pos, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(in[pos + i]);
  return v;
}

std::string_view Format(int64_t v, char* scratch) {
  return std::string_view(scratch, absl::numbers_internal::FastIntToBuffer(v, scratch) - scratch);
}

}  // namespace

ZiplistReader::ZiplistReader(std::string_view blob) : blob_(blob) {
  size_t pos = 0;
  uint64_t total = 0;
  if (!ReadLittleEndian(blob, &pos, 4, &total) || total != blob.size() || blob.size() < 11 ||
      static_cast<unsigned char>(blob.back()) != kEnd) {
    failed_ = true;
    pos_ = blob.size();
  }
}

bool ZiplistReader::Next(std::string_view* s, char* scratch) {
  if (failed_) return false;
  const size_t end = blob_.size() - 1;
  if (pos_ == end) return false;
  if (pos_ > end) return Fail();
  const size_t start = pos_;
  // The previous entry's length, which must match what we just walked.
  size_t p = pos_;
  size_t prev = static_cast<unsigned char>(blob_[p]);
  if (prev == kBigPrevLen) {
    uint64_t v = 0;
    ++p;
    if (!ReadLittleEndian(blob_, &p, 4, &v)) return Fail();
    prev = v;
  } else {
    ++p;
  }
  if (prev != prev_len_ || p >= end) return Fail();
  unsigned char e = static_cast<unsigned char>(blob_[p]);
  auto need = [&](size_t n) { return end - p >= n; };
  switch (e >> 6) {
    case 0: {
      size_t len = e & 0x3f;
      if (!need(1 + len)) return Fail();
      *s = blob_.substr(p + 1, len);
      p += 1 + len;
      break;
    }
    case 1: {
      if (!need(2)) return Fail();
      size_t len = BigEndian(blob_, p, 2) & 0x3fff;
      if (!need(2 + len)) return Fail();
      *s = blob_.substr(p + 2, len);
      p += 2 + len;
      break;
    }
    case 2: {
      if (e != 0x80 || !need(5)) return Fail();
      uint64_t len = BigEndian(blob_, p + 1, 4);
      if (!need(5) || len > end - p - 5) return Fail();
      *s = blob_.substr(p + 5, len);
      p += 5 + len;
      break;
    }
    default: {
      int64_t v = 0;
      int bytes = 0;
      if (e == 0xC0) {
        bytes = 2;
      } else if (e == 0xD0) {
        bytes = 4;
      } else if (e == 0xE0) {
        bytes = 8;
      } else if (e == 0xF0) {
        bytes = 3;
      } else if (e == 0xFE) {
        bytes = 1;
      } else if (e >= 0xF1 && e <= 0xFD) {
        v = (e & 0x0f) - 1;
      } else {
        return Fail();
      }
      ++p;
      if (bytes > 0) {
        uint64_t u = 0;
        if (!need(bytes) || !ReadLittleEndian(blob_, &p, bytes, &u)) return Fail();
        int shift = 64 - 8 * bytes;
        v = static_cast<int64_t>(u << shift) >> shift;
      }
      *s = Format(v, scratch);
      break;
    }
  }
  prev_len_ = p - start;
  pos_ = p;
  return true;
}

ZipmapReader::ZipmapReader(std::string_view blob) : blob_(blob) {
  if (blob.size() < 2 || static_cast<unsigned char>(blob.back()) != kEnd) {
    failed_ = true;
    pos_ = blob.size();
  }
}

bool ZipmapReader::ReadLen(size_t* len) {
  if (pos_ >= blob_.size()) return Fail();
  unsigned char b = static_cast<unsigned char>(blob_[pos_]);
  if (b < kBigPrevLen) {
    *len = b;
    ++pos_;
    return true;
  }
  if (b != kBigPrevLen) return Fail();
  ++pos_;
  uint64_t v = 0;
  if (!ReadLittleEndian(blob_, &pos_, 4, &v)) return Fail();
  *len = v;
  return true;
}

bool ZipmapReader::Next(std::string_view* field, std::string_view* value) {
  if (failed_) return false;
  if (pos_ >= blob_.size()) return Fail();
  if (static_cast<unsigned char>(blob_[pos_]) == kEnd) {
    if (pos_ + 1 != blob_.size()) Fail();
    return false;
  }
  size_t len = 0;
  if (!ReadLen(&len) || len > blob_.size() - pos_) return Fail();
  *field = blob_.substr(pos_, len);
  pos_ += len;
  if (!ReadLen(&len) || pos_ >= blob_.size()) return Fail();
  size_t free_bytes = static_cast<unsigned char>(blob_[pos_++]);
  if (len > blob_.size() - pos_ || free_bytes > blob_.size() - pos_ - len) return Fail();
  *value = blob_.substr(pos_, len);
  pos_ += len + free_bytes;
  return true;
}

}  // namespace rdb
