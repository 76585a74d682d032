#include "engine/list_object.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

namespace engine {

namespace list_internal {

namespace {

size_t VarintSize(size_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

}  // namespace

size_t EntrySize(size_t len) {
  size_t head = VarintSize(len) + len;
  return head + VarintSize(head);
}

void WriteEntry(char* p, std::string_view value) {
  size_t len = value.size();
  char* start = p;
  while (len >= 0x80) {
    *p++ = static_cast<char>((len & 0x7f) | 0x80);
    len >>= 7;
  }
  *p++ = static_cast<char>(len);
  if (!value.empty()) std::memcpy(p, value.data(), value.size());
  p += value.size();
  // Backlen: its low 7-bit group is the entry's last byte, so reading
  // backwards meets the groups low to high; the flag marks "more before".
  size_t back = static_cast<size_t>(p - start);
  size_t groups = VarintSize(back);
  for (size_t g = 0; g < groups; ++g) {
    unsigned char byte = (back >> (7 * g)) & 0x7f;
    if (g + 1 < groups) byte |= 0x80;
    p[groups - 1 - g] = static_cast<char>(byte);
  }
}

std::string_view ReadEntry(const char* p, size_t* size) {
  size_t len = 0;
  int shift = 0;
  size_t i = 0;
  for (;; ++i) {
    auto byte = static_cast<unsigned char>(p[i]);
    len |= static_cast<size_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) break;
    shift += 7;
  }
  size_t head = i + 1 + len;
  *size = head + VarintSize(head);
  return {p + i + 1, len};
}

std::string_view ReadEntryBefore(const char* p, size_t* size) {
  size_t back = 0;
  size_t groups = 0;
  for (;;) {
    auto byte = static_cast<unsigned char>(p[-1 - static_cast<ptrdiff_t>(groups)]);
    back |= static_cast<size_t>(byte & 0x7f) << (7 * groups);
    ++groups;
    if ((byte & 0x80) == 0) break;
  }
  const char* start = p - groups - back;
  return ReadEntry(start, size);
}

}  // namespace list_internal

namespace {

using list_internal::EntrySize;
using list_internal::ReadEntry;
using list_internal::ReadEntryBefore;
using list_internal::WriteEntry;

// Redis's SIZE_SAFETY_LIMIT: count-capped nodes still stop at 8 KB.
constexpr size_t kSafetyBytes = 8192;

size_t ByteCap(int64_t fill) {
  if (fill > 0) return kSafetyBytes;
  static constexpr size_t kCaps[] = {4096, 8192, 16384, 32768, 65536};
  int64_t i = std::clamp<int64_t>(-fill, 1, 5) - 1;
  return kCaps[i];
}

// Allocation sizes rounded the way jemalloc's size classes round them (16-byte
// steps to 128, then four classes per doubling): growing to the class costs
// no memory the allocator would not spend anyway.
size_t RoundToSizeClass(size_t n) {
  if (n <= 128) return (n + 15) & ~size_t{15};
  size_t power = size_t{1} << (63 - __builtin_clzll(n - 1));  // < n <= 2 * power
  size_t step = power / 4;
  return (n + step - 1) / step * step;
}

}  // namespace

ListObject::~ListObject() { ReleaseContents(); }

void ListObject::ReleaseContents() {
  for (Node* n : nodes_) std::free(n);
  nodes_.clear();
  nodes_.shrink_to_fit();
  size_ = 0;
}

ListObject::Node* ListObject::NewNode(size_t capacity) {
  void* mem = std::malloc(sizeof(Node) + capacity);
  if (mem == nullptr) throw std::bad_alloc();
  auto* n = static_cast<Node*>(mem);
  n->count = 0;
  n->head = n->end = 0;
  n->capacity = static_cast<uint32_t>(capacity);
  return n;
}

ListObject* ListObject::Clone() const {
  auto* copy = new ListObject();
  for (const Node* n : nodes_) {
    size_t bytes = n->bytes();
    Node* c = NewNode(RoundToSizeClass(sizeof(Node) + bytes) - sizeof(Node));
    std::memcpy(c->data, n->data + n->head, bytes);
    c->count = n->count;
    c->end = static_cast<uint32_t>(bytes);
    copy->nodes_.push_back(c);
  }
  copy->size_ = size_;
  return copy;
}

// The cap counts the node's header too, so a full 8 KB node is one 8 KB
// allocation rather than a few bytes into the next size class.
bool ListObject::Fits(const Node* node, size_t entry_bytes, int64_t fill) {
  if (node->count == 0) return true;
  if (fill > 0 && node->count + 1 > static_cast<uint64_t>(fill)) return false;
  return sizeof(Node) + node->bytes() + entry_bytes <= ByteCap(fill);
}

bool ListObject::Overfull(const Node* node, int64_t fill) {
  if (node->count <= 1) return false;
  if (fill > 0 && node->count > static_cast<uint64_t>(fill)) return true;
  return sizeof(Node) + node->bytes() > ByteCap(fill);
}

ListObject::Node* ListObject::OpenGap(Node* n, size_t at, size_t bytes, bool prefer_front) {
  size_t used = n->bytes();
  char* d = n->data;
  if (at == 0 && n->head >= bytes) {
    n->head -= bytes;
    return n;
  }
  if (at == used && n->capacity - n->end >= bytes) {
    n->end += bytes;
    return n;
  }
  if (used + bytes <= n->capacity) {
    if (n->capacity - n->end >= bytes) {
      std::memmove(d + n->head + at + bytes, d + n->head + at, used - at);
      n->end += bytes;
    } else if (n->head >= bytes) {
      std::memmove(d + n->head - bytes, d + n->head, at);
      n->head -= bytes;
    } else {
      // The slack is split between both ends: gather it at the back first.
      std::memmove(d, d + n->head, used);
      n->head = 0;
      n->end = static_cast<uint32_t>(used + bytes);
      std::memmove(d + at + bytes, d + at, used - at);
    }
    return n;
  }
  size_t need = used + bytes;
  Node* m = NewNode(RoundToSizeClass(sizeof(Node) + need) - sizeof(Node));
  size_t head = prefer_front ? m->capacity - need : 0;
  std::memcpy(m->data + head, d + n->head, at);
  std::memcpy(m->data + head + at + bytes, d + n->head + at, used - at);
  m->head = static_cast<uint32_t>(head);
  m->end = static_cast<uint32_t>(head + need);
  m->count = n->count;
  std::free(n);
  return m;
}

ListObject::Node* ListObject::CloseGap(Node* n, size_t at, size_t bytes) {
  size_t used = n->bytes();
  char* d = n->data;
  if (at == 0) {
    n->head += bytes;
  } else if (at + bytes == used) {
    n->end -= bytes;
  } else if (at < used - at - bytes) {
    std::memmove(d + n->head + bytes, d + n->head, at);
    n->head += bytes;
  } else {
    std::memmove(d + n->head + at, d + n->head + at + bytes, used - at - bytes);
    n->end -= bytes;
  }
  // Give memory back once a node is mostly slack (pops leave it behind).
  used -= bytes;
  if (n->capacity > 256 && used < n->capacity / 4) {
    Node* m = NewNode(RoundToSizeClass(sizeof(Node) + used) - sizeof(Node));
    std::memcpy(m->data, d + n->head, used);
    m->end = static_cast<uint32_t>(used);
    m->count = n->count;
    std::free(n);
    return m;
  }
  return n;
}

ListObject::Position ListObject::Locate(size_t index) const {
  Position pos{0, 0, 0};
  if (index < size_ / 2) {
    size_t n = 0;
    while (index >= nodes_[n]->count) index -= nodes_[n++]->count;
    pos.node = n;
  } else {
    size_t from_end = size_ - index;  // >= 1
    size_t n = nodes_.size() - 1;
    while (from_end > nodes_[n]->count) from_end -= nodes_[n--]->count;
    pos.node = n;
    index = nodes_[n]->count - from_end;
  }
  const Node* node = nodes_[pos.node];
  pos.index_in_node = index;
  size_t size;
  if (index <= node->count / 2) {
    const char* p = node->data + node->head;
    for (size_t i = 0; i < index; ++i) {
      ReadEntry(p, &size);
      p += size;
    }
    pos.offset = static_cast<size_t>(p - (node->data + node->head));
  } else {
    const char* p = node->data + node->end;
    for (size_t i = node->count; i > index; --i) {
      ReadEntryBefore(p, &size);
      p -= size;
    }
    pos.offset = static_cast<size_t>(p - (node->data + node->head));
  }
  return pos;
}

void ListObject::PushFront(std::string_view value, int64_t fill) {
  size_t bytes = EntrySize(value.size());
  if (nodes_.empty() || !Fits(nodes_.front(), bytes, fill)) {
    Node* n = NewNode(RoundToSizeClass(sizeof(Node) + bytes) - sizeof(Node));
    n->head = n->end = n->capacity;  // slack in front: it grows that way
    nodes_.insert(nodes_.begin(), n);
  }
  Node* n = OpenGap(nodes_.front(), 0, bytes, /*prefer_front=*/true);
  WriteEntry(n->data + n->head, value);
  ++n->count;
  nodes_.front() = n;
  ++size_;
}

void ListObject::PushBack(std::string_view value, int64_t fill) {
  size_t bytes = EntrySize(value.size());
  if (nodes_.empty() || !Fits(nodes_.back(), bytes, fill)) {
    nodes_.push_back(NewNode(RoundToSizeClass(sizeof(Node) + bytes) - sizeof(Node)));
  }
  Node* n = nodes_.back();
  size_t at = n->bytes();
  n = OpenGap(n, at, bytes, /*prefer_front=*/false);
  WriteEntry(n->data + n->head + at, value);
  ++n->count;
  nodes_.back() = n;
  ++size_;
}

std::string ListObject::PopFront() {
  Node* n = nodes_.front();
  size_t size;
  std::string value(ReadEntry(n->data + n->head, &size));
  --n->count;
  --size_;
  if (n->count == 0) {
    DropNode(0);
  } else {
    nodes_.front() = CloseGap(n, 0, size);
  }
  return value;
}

std::string ListObject::PopBack() {
  Node* n = nodes_.back();
  size_t size;
  std::string value(ReadEntryBefore(n->data + n->end, &size));
  --n->count;
  --size_;
  if (n->count == 0) {
    DropNode(nodes_.size() - 1);
  } else {
    nodes_.back() = CloseGap(n, n->bytes() - size, size);
  }
  return value;
}

std::string_view ListObject::At(size_t index) const {
  Position pos = Locate(index);
  const Node* n = nodes_[pos.node];
  size_t size;
  return ReadEntry(n->data + n->head + pos.offset, &size);
}

void ListObject::Set(size_t index, std::string_view value, int64_t fill) {
  Position pos = Locate(index);
  Node* n = nodes_[pos.node];
  size_t old_size;
  ReadEntry(n->data + n->head + pos.offset, &old_size);
  size_t new_size = EntrySize(value.size());
  if (new_size < old_size) {
    n = CloseGap(n, pos.offset, old_size - new_size);
  } else if (new_size > old_size) {
    n = OpenGap(n, pos.offset, new_size - old_size, false);
  }
  WriteEntry(n->data + n->head + pos.offset, value);
  nodes_[pos.node] = n;
  MaybeSplit(pos.node, fill);
}

void ListObject::Insert(size_t index, std::string_view value, int64_t fill) {
  if (index == 0) return PushFront(value, fill);
  if (index >= size_) return PushBack(value, fill);
  InsertAt(Locate(index), value, fill);
}

void ListObject::InsertAt(Position pos, std::string_view value, int64_t fill) {
  size_t bytes = EntrySize(value.size());
  Node* n = nodes_[pos.node];
  // At a node's head with no room: the previous node's tail may have some.
  if (pos.index_in_node == 0 && !Fits(n, bytes, fill) && pos.node > 0 &&
      Fits(nodes_[pos.node - 1], bytes, fill)) {
    pos.node -= 1;
    n = nodes_[pos.node];
    pos.index_in_node = n->count;
    pos.offset = n->bytes();
  }
  n = OpenGap(n, pos.offset, bytes, false);
  WriteEntry(n->data + n->head + pos.offset, value);
  ++n->count;
  ++size_;
  nodes_[pos.node] = n;
  MaybeSplit(pos.node, fill);
}

void ListObject::MaybeSplit(size_t i, int64_t fill) {
  Node* n = nodes_[i];
  if (!Overfull(n, fill)) return;
  size_t keep = n->count / 2;
  const char* p = n->data + n->head;
  for (size_t k = 0; k < keep; ++k) {
    size_t size;
    ReadEntry(p, &size);
    p += size;
  }
  size_t split = static_cast<size_t>(p - (n->data + n->head));
  size_t moved = n->bytes() - split;
  Node* tail = NewNode(RoundToSizeClass(sizeof(Node) + moved) - sizeof(Node));
  std::memcpy(tail->data, p, moved);
  tail->end = static_cast<uint32_t>(moved);
  tail->count = n->count - static_cast<uint32_t>(keep);
  n->end = static_cast<uint32_t>(n->head + split);
  n->count = static_cast<uint32_t>(keep);
  nodes_.insert(nodes_.begin() + i + 1, tail);
}

void ListObject::DropNode(size_t i) {
  std::free(nodes_[i]);
  nodes_.erase(nodes_.begin() + i);
}

void ListObject::Erase(size_t index) { EraseRange(index, 1); }

void ListObject::Keep(size_t start, size_t count) {
  if (start >= size_ || count == 0) {
    EraseRange(0, size_);
    return;
  }
  count = std::min(count, size_ - start);
  EraseRange(start + count, size_ - start - count);
  EraseRange(0, start);
}

void ListObject::EraseRange(size_t from, size_t count) {
  if (count == 0) return;
  Position pos = Locate(from);
  size_t i = pos.node;
  size_t index = pos.index_in_node;
  size_t offset = pos.offset;
  while (count > 0) {
    Node* n = nodes_[i];
    size_t k = std::min<size_t>(count, n->count - index);
    count -= k;
    size_ -= k;
    if (k == n->count) {
      DropNode(i);  // the next node slides into slot i
    } else {
      const char* p = n->data + n->head + offset;
      const char* q = p;
      for (size_t e = 0; e < k; ++e) {
        size_t size;
        ReadEntry(q, &size);
        q += size;
      }
      n->count -= static_cast<uint32_t>(k);
      nodes_[i] = CloseGap(n, offset, static_cast<size_t>(q - p));
      ++i;
    }
    index = 0;
    offset = 0;
  }
}

size_t ListObject::RemoveEqual(std::string_view value, size_t limit, bool from_tail) {
  size_t removed = 0;
  if (!from_tail) {
    for (size_t i = 0; i < nodes_.size() && (limit == 0 || removed < limit);) {
      Node* n = nodes_[i];
      size_t offset = 0;
      for (size_t e = 0; e < n->count && (limit == 0 || removed < limit);) {
        size_t size;
        if (ReadEntry(n->data + n->head + offset, &size) == value) {
          --n->count;
          n = CloseGap(n, offset, size);  // the next entry now starts at offset
          ++removed;
        } else {
          offset += size;
          ++e;
        }
      }
      if (n->count == 0) {
        nodes_[i] = n;
        DropNode(i);
      } else {
        nodes_[i++] = n;
      }
    }
  } else {
    for (size_t i = nodes_.size(); i-- > 0 && (limit == 0 || removed < limit);) {
      Node* n = nodes_[i];
      size_t end = n->bytes();
      for (size_t e = n->count; e > 0 && (limit == 0 || removed < limit); --e) {
        size_t size;
        bool match = ReadEntryBefore(n->data + n->head + end, &size) == value;
        end -= size;  // entries before the removed one keep their offsets
        if (match) {
          --n->count;
          n = CloseGap(n, end, size);
          ++removed;
        }
      }
      nodes_[i] = n;
      if (n->count == 0) DropNode(i);
    }
  }
  size_ -= removed;
  return removed;
}

}  // namespace engine
