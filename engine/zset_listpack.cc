#include "engine/zset_listpack.h"

#include <cstdlib>
#include <cstring>
#include <new>

#include "engine/zset_entry.h"

namespace engine {

namespace {

enum ScoreKind : uint8_t { kInt8 = 0, kInt16 = 1, kInt32 = 2, kDouble = 3 };

ScoreKind KindOf(double s) {
  // Range checks first: converting an out-of-range double to an integer is
  // undefined.
  if (s >= -128 && s <= 127 && s == static_cast<double>(static_cast<int8_t>(s))) return kInt8;
  if (s >= -32768 && s <= 32767 && s == static_cast<double>(static_cast<int16_t>(s))) {
    return kInt16;
  }
  if (s >= -2147483648.0 && s <= 2147483647.0 &&
      s == static_cast<double>(static_cast<int32_t>(s))) {
    return kInt32;
  }
  return kDouble;
}

constexpr size_t kScoreBytes[] = {1, 2, 4, 8};

size_t VarintBytes(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

char* PutVarint(char* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

const char* GetVarint(const char* p, uint64_t* v) {
  uint64_t result = 0;
  int shift = 0;
  while (true) {
    uint8_t byte = static_cast<uint8_t>(*p++);
    result |= uint64_t{byte & 0x7fu} << shift;
    if (byte < 0x80) break;
    shift += 7;
  }
  *v = result;
  return p;
}

double Normalize(double score) { return score == 0 ? 0.0 : score; }  // -0 -> 0

}  // namespace

ZListpack::ZListpack(const ZListpack& other) : used_(other.used_), count_(other.count_) {
  if (used_ == 0) return;
  buf_ = static_cast<char*>(std::malloc(used_));
  if (buf_ == nullptr) throw std::bad_alloc();
  std::memcpy(buf_, other.buf_, used_);
}

ZListpack::~ZListpack() { std::free(buf_); }

void ZListpack::Resize(uint32_t bytes) {
  if (bytes == 0) {
    std::free(buf_);
    buf_ = nullptr;
    return;
  }
  // Exact size, as Redis's listpack: jemalloc resizes in place within a
  // size class, and a small set carries no slack.
  char* grown = static_cast<char*>(std::realloc(buf_, bytes));
  if (grown == nullptr) throw std::bad_alloc();
  buf_ = grown;
}

size_t ZListpack::EntryBytes(std::string_view member, double score) {
  ScoreKind kind = KindOf(Normalize(score));
  return VarintBytes((uint64_t{member.size()} << 2) | kind) + member.size() + kScoreBytes[kind];
}

uint32_t ZListpack::Read(uint32_t offset, std::string_view* member, double* score) const {
  uint64_t header;
  const char* p = GetVarint(buf_ + offset, &header);
  size_t len = header >> 2;
  *member = std::string_view(p, len);
  p += len;
  switch (static_cast<ScoreKind>(header & 3)) {
    case kInt8: {
      int8_t v;
      std::memcpy(&v, p, 1);
      *score = v;
      break;
    }
    case kInt16: {
      int16_t v;
      std::memcpy(&v, p, 2);
      *score = v;
      break;
    }
    case kInt32: {
      int32_t v;
      std::memcpy(&v, p, 4);
      *score = v;
      break;
    }
    case kDouble:
      std::memcpy(score, p, 8);
      break;
  }
  p += kScoreBytes[header & 3];
  return static_cast<uint32_t>(p - buf_);
}

uint32_t ZListpack::Find(std::string_view member, double* score, size_t* rank) const {
  size_t r = 0;
  for (uint32_t off = 0; off < used_; ++r) {
    std::string_view m;
    double s;
    uint32_t next = Read(off, &m, &s);
    if (m == member) {
      if (score != nullptr) *score = s;
      if (rank != nullptr) *rank = r;
      return off;
    }
    off = next;
  }
  return used_;
}

uint32_t ZListpack::OffsetOfRank(size_t rank) const {
  uint32_t off = 0;
  std::string_view m;
  double s;
  for (size_t r = 0; r < rank && off < used_; ++r) off = Read(off, &m, &s);
  return off;
}

size_t ZListpack::CountPrefix(absl::FunctionRef<bool(std::string_view, double)> below) const {
  size_t n = 0;
  for (uint32_t off = 0; off < used_; ++n) {
    std::string_view m;
    double s;
    uint32_t next = Read(off, &m, &s);
    if (!below(m, s)) break;
    off = next;
  }
  return n;
}

void ZListpack::Insert(std::string_view member, double score) {
  score = Normalize(score);
  uint32_t at = 0;
  while (at < used_) {
    std::string_view m;
    double s;
    uint32_t next = Read(at, &m, &s);
    if (!ZLess(s, m, score, member)) break;
    at = next;
  }
  ScoreKind kind = KindOf(score);
  size_t bytes = EntryBytes(member, score);
  uint32_t old_used = used_;
  Resize(static_cast<uint32_t>(used_ + bytes));
  std::memmove(buf_ + at + bytes, buf_ + at, old_used - at);
  char* p = PutVarint(buf_ + at, (uint64_t{member.size()} << 2) | kind);
  std::memcpy(p, member.data(), member.size());
  p += member.size();
  switch (kind) {
    case kInt8: {
      int8_t v = static_cast<int8_t>(score);
      std::memcpy(p, &v, 1);
      break;
    }
    case kInt16: {
      int16_t v = static_cast<int16_t>(score);
      std::memcpy(p, &v, 2);
      break;
    }
    case kInt32: {
      int32_t v = static_cast<int32_t>(score);
      std::memcpy(p, &v, 4);
      break;
    }
    case kDouble:
      std::memcpy(p, &score, 8);
      break;
  }
  used_ = static_cast<uint32_t>(old_used + bytes);
  ++count_;
}

void ZListpack::EraseBytes(uint32_t from, uint32_t to, size_t entries) {
  std::memmove(buf_ + from, buf_ + to, used_ - to);
  used_ -= to - from;
  count_ -= static_cast<uint32_t>(entries);
  Resize(used_);
}

void ZListpack::EraseAt(uint32_t offset) {
  std::string_view m;
  double s;
  EraseBytes(offset, Read(offset, &m, &s), 1);
}

void ZListpack::EraseRanks(size_t from, size_t to) {
  if (to > count_) to = count_;
  if (from >= to) return;
  uint32_t start = OffsetOfRank(from);
  uint32_t stop = start;
  std::string_view m;
  double s;
  for (size_t r = from; r < to; ++r) stop = Read(stop, &m, &s);
  EraseBytes(start, stop, to - from);
}

}  // namespace engine
