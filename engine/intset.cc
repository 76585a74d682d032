#include "engine/intset.h"

#include <cstdlib>
#include <cstring>

namespace engine {

namespace {

// Values are stored in native byte order at width-aligned offsets of a
// malloc'ed block; memcpy keeps the accesses free of aliasing questions.
int64_t Load(const char* data, uint8_t width, size_t i) {
  const char* p = data + i * width;
  if (width == 2) {
    int16_t v;
    std::memcpy(&v, p, sizeof(v));
    return v;
  }
  if (width == 4) {
    int32_t v;
    std::memcpy(&v, p, sizeof(v));
    return v;
  }
  int64_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

void StoreAt(char* data, uint8_t width, size_t i, int64_t v) {
  char* p = data + i * width;
  if (width == 2) {
    auto n = static_cast<int16_t>(v);
    std::memcpy(p, &n, sizeof(n));
  } else if (width == 4) {
    auto n = static_cast<int32_t>(v);
    std::memcpy(p, &n, sizeof(n));
  } else {
    std::memcpy(p, &v, sizeof(v));
  }
}

}  // namespace

IntSet::IntSet(const IntSet& other) : size_(other.size_), width_(other.width_) {
  if (other.bytes() > 0) {
    data_ = static_cast<char*>(std::malloc(other.bytes()));
    std::memcpy(data_, other.data_, other.bytes());
  }
}

IntSet::~IntSet() { std::free(data_); }

uint8_t IntSet::WidthFor(int64_t v) {
  if (v >= INT16_MIN && v <= INT16_MAX) return 2;
  if (v >= INT32_MIN && v <= INT32_MAX) return 4;
  return 8;
}

int64_t IntSet::At(size_t i) const { return Load(data_, width_, i); }

void IntSet::Store(size_t i, int64_t v) { StoreAt(data_, width_, i, v); }

bool IntSet::Search(int64_t v, size_t* pos) const {
  size_t lo = 0, hi = size_;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int64_t m = At(mid);
    if (m == v) {
      *pos = mid;
      return true;
    }
    if (m < v) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  *pos = lo;
  return false;
}

bool IntSet::Contains(int64_t v) const {
  if (WidthFor(v) > width_) return false;
  size_t pos;
  return Search(v, &pos);
}

void IntSet::Resize(size_t n) {
  size_ = static_cast<uint32_t>(n);
  if (n == 0) {
    std::free(data_);
    data_ = nullptr;
    return;
  }
  data_ = static_cast<char*>(std::realloc(data_, n * width_));
}

void IntSet::Widen(uint8_t width) {
  char* wide = static_cast<char*>(std::malloc(size_t{size_} * width));
  for (size_t i = 0; i < size_; ++i) StoreAt(wide, width, i, Load(data_, width_, i));
  std::free(data_);
  data_ = wide;
  width_ = width;
}

bool IntSet::Insert(int64_t v) {
  uint8_t width = WidthFor(v);
  size_t pos;
  if (width > width_) {
    // v is outside every current value's range: it goes first or last.
    Widen(width);
    pos = v < 0 ? 0 : size_;
  } else if (Search(v, &pos)) {
    return false;
  }
  size_t n = size_;
  Resize(n + 1);
  std::memmove(data_ + (pos + 1) * width_, data_ + pos * width_, (n - pos) * width_);
  Store(pos, v);
  return true;
}

bool IntSet::Remove(int64_t v) {
  if (WidthFor(v) > width_) return false;
  size_t pos;
  if (!Search(v, &pos)) return false;
  RemoveAt(pos);
  return true;
}

void IntSet::RemoveAt(size_t i) {
  std::memmove(data_ + i * width_, data_ + (i + 1) * width_, (size_ - i - 1) * width_);
  Resize(size_ - 1);
}

}  // namespace engine
