#ifndef SHARDIS_ENGINE_LIST_OBJECT_H_
#define SHARDIS_ENGINE_LIST_OBJECT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/container/inlined_vector.h"
#include "engine/object.h"

namespace engine {

// Owner-only list of byte strings (LPUSH/RPUSH/LINDEX/...), kept the way
// Redis's quicklist keeps it: a sequence of nodes, each one allocation of
// packed entries (a length varint, then the bytes). Small lists are one
// small node, so a 10-element list costs about what Redis's costs; big lists
// pay one pointer per node rather than per element.
//
// Redis 7.0 reports every list as "quicklist".
//
// `fill` arguments are Redis's list-max-listpack-size: > 0 caps a node's
// entries (and its bytes at 8 KB), -1..-5 cap its bytes at 4..64 KB. A single
// entry larger than the cap gets a node of its own.
//
// Views returned by At() and passed to visitors stay valid until the next
// change to the list.
class ListObject : public Object {
 public:
  ListObject() : Object(ObjectType::kList, Encoding::kQuicklist) {}
  ~ListObject();
  ListObject(const ListObject&) = delete;
  ListObject& operator=(const ListObject&) = delete;

  // A deep copy (COPY, values moved between shards).
  ListObject* Clone() const;

  // Frees the elements, leaving an empty husk (Db calls this when the value
  // is removed: only the header may still be read by other threads until
  // hazard pointers let it go).
  void ReleaseContents();
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  void PushFront(std::string_view value, int64_t fill);
  void PushBack(std::string_view value, int64_t fill);
  // The list must not be empty.
  std::string PopFront();
  std::string PopBack();

  // Element `index` (0 <= index < size()).
  std::string_view At(size_t index) const;
  void Set(size_t index, std::string_view value, int64_t fill);
  // Inserts before element `index`; index == size() appends.
  void Insert(size_t index, std::string_view value, int64_t fill);
  void Erase(size_t index);
  // Keeps elements [start, start + count) (LTRIM); the rest goes.
  void Keep(size_t start, size_t count);

  // Removes up to `limit` elements equal to value (0: all), scanning from the
  // head, or from the tail when from_tail. Returns how many went (LREM).
  size_t RemoveEqual(std::string_view value, size_t limit, bool from_tail);

  // Calls f(index, view) for elements from `start` towards the tail (or, for
  // the Reverse form, from `start` towards the head) until f returns false.
  template <typename F>
  void VisitFrom(size_t start, F&& f) const;
  template <typename F>
  void VisitReverseFrom(size_t start, F&& f) const;

  // Number of nodes (for tests and memory figures).
  size_t node_count() const { return nodes_.size(); }

 private:
  // One allocation: header, then `capacity` bytes of which [head, end) hold
  // entries. Free space at both ends makes pushes and pops at either end
  // cheap; the middle is moved only by middle inserts and erases.
  struct Node {
    uint32_t count;
    uint32_t head;
    uint32_t end;
    uint32_t capacity;
    char data[];

    uint32_t bytes() const { return end - head; }
  };
  struct Position {
    size_t node;
    size_t index_in_node;
    size_t offset;
  };

  static Node* NewNode(size_t capacity);
  // Whether a node may take one more entry of entry_bytes under `fill`.
  static bool Fits(const Node* node, size_t entry_bytes, int64_t fill);
  static bool Overfull(const Node* node, int64_t fill);
  // Makes room for `bytes` at byte offset `at` (relative to head); returns
  // the node, which may have moved. prefer_front puts growth slack before
  // the entries (the node grows at its head).
  static Node* OpenGap(Node* node, size_t at, size_t bytes, bool prefer_front);
  // Removes `bytes` at offset `at`. Entries after the gap then start at
  // `at`, entries before it keep their offsets. May shrink (and move) the node.
  static Node* CloseGap(Node* node, size_t at, size_t bytes);

  // Element `index` as (node, index in node, byte offset in node).
  Position Locate(size_t index) const;
  void InsertAt(Position pos, std::string_view value, int64_t fill);
  void EraseRange(size_t from, size_t count);
  // Splits node i in half when a middle insert made it pass the fill cap.
  void MaybeSplit(size_t i, int64_t fill);
  void DropNode(size_t i);

  absl::InlinedVector<Node*, 1> nodes_;
  size_t size_ = 0;
};

// Entry layout: varint(len), the bytes, then the entry's own size so far
// (varint length + len) written backwards, so entries decode from either end
// (Redis's listpack "backlen"). Two bytes of overhead for short elements.
namespace list_internal {
size_t EntrySize(size_t len);
void WriteEntry(char* p, std::string_view value);
// The entry starting at p; *size gets the whole entry's size.
std::string_view ReadEntry(const char* p, size_t* size);
// The entry ending just before p; *size gets the whole entry's size.
std::string_view ReadEntryBefore(const char* p, size_t* size);
}  // namespace list_internal

template <typename F>
void ListObject::VisitFrom(size_t start, F&& f) const {
  if (start >= size_) return;
  Position pos = Locate(start);
  size_t index = start;
  for (size_t n = pos.node; n < nodes_.size(); ++n) {
    const Node* node = nodes_[n];
    const char* p = node->data + node->head + (n == pos.node ? pos.offset : 0);
    for (size_t i = n == pos.node ? pos.index_in_node : 0; i < node->count; ++i) {
      size_t size;
      std::string_view v = list_internal::ReadEntry(p, &size);
      p += size;
      if (!f(index++, v)) return;
    }
  }
}

template <typename F>
void ListObject::VisitReverseFrom(size_t start, F&& f) const {
  if (start >= size_) return;
  Position pos = Locate(start);
  size_t index = start;
  for (size_t n = pos.node + 1; n-- > 0;) {
    const Node* node = nodes_[n];
    const char* p = node->data + node->end;
    size_t i = node->count;
    if (n == pos.node) {
      size_t size;
      list_internal::ReadEntry(node->data + node->head + pos.offset, &size);
      p = node->data + node->head + pos.offset + size;
      i = pos.index_in_node + 1;
    }
    for (; i > 0; --i) {
      size_t size;
      std::string_view v = list_internal::ReadEntryBefore(p, &size);
      p -= size;
      if (!f(index--, v)) return;
    }
  }
}

}  // namespace engine

#endif  // SHARDIS_ENGINE_LIST_OBJECT_H_
