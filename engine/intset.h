#ifndef SHARDIS_ENGINE_INTSET_H_
#define SHARDIS_ENGINE_INTSET_H_

#include <cstddef>
#include <cstdint>
#include <utility>

namespace engine {

// The "intset" encoding of small integer-only sets: distinct int64 values,
// sorted ascending (so SMEMBERS lists them in order, as Redis does), in one
// heap block sized exactly to them. Every value takes the narrowest width, 2,
// 4 or 8 bytes, that holds all of them; adding a wider value widens the whole
// block, and it never narrows back (Redis's intset does the same).
//
// Lookups are binary searches, insertions and removals shift the tail: meant
// for the few hundred members a set keeps in this encoding. Owner-thread only.
class IntSet {
 public:
  IntSet() = default;
  IntSet(const IntSet& other);
  IntSet(IntSet&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)),
        size_(std::exchange(other.size_, 0)),
        width_(std::exchange(other.width_, 2)) {}
  IntSet& operator=(const IntSet&) = delete;
  IntSet& operator=(IntSet&& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    std::swap(width_, other.width_);
    return *this;
  }
  ~IntSet();

  size_t size() const { return size_; }
  // The i-th smallest value (i < size()).
  int64_t At(size_t i) const;
  bool Contains(int64_t v) const;
  // False when v was already there.
  bool Insert(int64_t v);
  // False when v was not there.
  bool Remove(int64_t v);
  void RemoveAt(size_t i);
  // Bytes of the values block (2, 4 or 8 per value).
  size_t bytes() const { return size_t{size_} * width_; }

 private:
  static uint8_t WidthFor(int64_t v);
  // Position of v, or where it would go; true when found.
  bool Search(int64_t v, size_t* pos) const;
  void Store(size_t i, int64_t v);
  void Resize(size_t n);
  void Widen(uint8_t width);

  char* data_ = nullptr;
  uint32_t size_ = 0;
  uint8_t width_ = 2;
};

}  // namespace engine

#endif  // SHARDIS_ENGINE_INTSET_H_
