#include "engine/zset_btree.h"

#include <cstdint>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"

namespace engine {

struct ZBTree::Node {
  uint16_t count = 0;  // items in a leaf, children in an inner node
  bool leaf;
  explicit Node(bool is_leaf) : leaf(is_leaf) {}
};

// Both node kinds are sized to one 512-byte allocation class.
struct ZBTree::Leaf : ZBTree::Node {
  static constexpr int kCap = 61;
  static constexpr int kMin = kCap / 3;
  Leaf() : Node(true) {}
  Leaf* prev = nullptr;
  Leaf* next = nullptr;
  ZEntry* items[kCap];
};

struct ZBTree::Inner : ZBTree::Node {
  static constexpr int kCap = 21;
  static constexpr int kMin = kCap / 3;
  Inner() : Node(false) {}
  uint64_t sizes[kCap];  // entries under each child
  ZEntry* mins[kCap];    // each child's smallest entry
  Node* children[kCap];
};

static_assert(sizeof(ZBTree::Leaf) <= 512);

namespace {

// First item not less than e.
int LowerBound(ZEntry* const* items, int count, const ZEntry* e) {
  int lo = 0, hi = count;
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if (ZLess(items[mid], e)) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

// First item for which below() is false.
int PrefixEnd(ZEntry* const* items, int count, absl::FunctionRef<bool(const ZEntry*)> below) {
  int lo = 0, hi = count;
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if (below(items[mid])) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

template <typename T>
void InsertSlot(T* array, int count, int pos, T value) {
  std::memmove(array + pos + 1, array + pos, sizeof(T) * (count - pos));
  array[pos] = value;
}

template <typename T>
void RemoveSlot(T* array, int count, int pos) {
  std::memmove(array + pos, array + pos + 1, sizeof(T) * (count - pos - 1));
}

}  // namespace

ZBTree::ZBTree() : root_(new Leaf()) {}

ZBTree::~ZBTree() { Free(root_); }

void ZBTree::Free(Node* n) {
  if (n->leaf) {
    delete static_cast<Leaf*>(n);
    return;
  }
  auto* in = static_cast<Inner*>(n);
  for (int i = 0; i < in->count; ++i) Free(in->children[i]);
  delete in;
}

ZEntry* ZBTree::MinOf(const Node* n) {
  if (n->leaf) {
    auto* leaf = static_cast<const Leaf*>(n);
    return leaf->count > 0 ? leaf->items[0] : nullptr;
  }
  return static_cast<const Inner*>(n)->mins[0];
}

size_t ZBTree::CountOf(const Node* n) {
  if (n->leaf) return n->count;
  auto* in = static_cast<const Inner*>(n);
  size_t total = 0;
  for (int i = 0; i < in->count; ++i) total += in->sizes[i];
  return total;
}

namespace {

// The child whose key range holds e: the last child whose smallest entry is
// not greater than e (child 0 for entries smaller than everything).
template <typename InnerT>
int ChildFor(const InnerT* in, const ZEntry* e) {
  int lo = 1, hi = in->count;
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if (ZLess(e, in->mins[mid])) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo - 1;
}

}  // namespace

void ZBTree::Insert(ZEntry* e) {
  Node* right = InsertInto(root_, e);
  ++size_;
  if (right == nullptr) return;
  auto* root = new Inner();
  root->count = 2;
  root->children[0] = root_;
  root->children[1] = right;
  root->sizes[1] = CountOf(right);
  root->sizes[0] = size_ - root->sizes[1];
  root->mins[0] = MinOf(root_);
  root->mins[1] = MinOf(right);
  root_ = root;
}

// Inserts into the subtree; returns the new right sibling when `node` split.
ZBTree::Node* ZBTree::InsertInto(Node* node, ZEntry* e) {
  if (node->leaf) {
    auto* leaf = static_cast<Leaf*>(node);
    int pos = LowerBound(leaf->items, leaf->count, e);
    if (leaf->count < Leaf::kCap) {
      InsertSlot(leaf->items, leaf->count++, pos, e);
      return nullptr;
    }
    auto* right = new Leaf();
    // Appending past the last leaf (ascending scores such as timestamps)
    // leaves the old leaf full instead of half empty for good.
    int keep = (pos == Leaf::kCap && leaf->next == nullptr) ? Leaf::kCap : Leaf::kCap / 2;
    right->count = static_cast<uint16_t>(Leaf::kCap - keep);
    std::memcpy(right->items, leaf->items + keep, sizeof(ZEntry*) * right->count);
    leaf->count = static_cast<uint16_t>(keep);
    right->next = leaf->next;
    if (right->next != nullptr) right->next->prev = right;
    right->prev = leaf;
    leaf->next = right;
    if (pos < keep) {
      InsertSlot(leaf->items, leaf->count++, pos, e);
    } else {
      InsertSlot(right->items, right->count++, pos - keep, e);
    }
    return right;
  }
  auto* in = static_cast<Inner*>(node);
  int i = ChildFor(in, e);
  Node* split = InsertInto(in->children[i], e);
  ++in->sizes[i];
  in->mins[i] = MinOf(in->children[i]);
  if (split == nullptr) return nullptr;
  uint64_t moved = CountOf(split);
  in->sizes[i] -= moved;
  int pos = i + 1;
  if (in->count < Inner::kCap) {
    InsertSlot(in->sizes, in->count, pos, moved);
    InsertSlot(in->mins, in->count, pos, MinOf(split));
    InsertSlot(in->children, in->count, pos, split);
    ++in->count;
    return nullptr;
  }
  auto* right = new Inner();
  int keep = (Inner::kCap + 1) / 2;
  right->count = static_cast<uint16_t>(Inner::kCap - keep);
  std::memcpy(right->sizes, in->sizes + keep, sizeof(uint64_t) * right->count);
  std::memcpy(right->mins, in->mins + keep, sizeof(ZEntry*) * right->count);
  std::memcpy(right->children, in->children + keep, sizeof(Node*) * right->count);
  in->count = static_cast<uint16_t>(keep);
  Inner* target = pos < keep ? in : right;
  int at = pos < keep ? pos : pos - keep;
  InsertSlot(target->sizes, target->count, at, moved);
  InsertSlot(target->mins, target->count, at, MinOf(split));
  InsertSlot(target->children, target->count, at, split);
  ++target->count;
  return right;
}

void ZBTree::Erase(const ZEntry* e) {
  EraseFrom(root_, e);
  --size_;
  if (!root_->leaf && root_->count == 1) {
    auto* old = static_cast<Inner*>(root_);
    root_ = old->children[0];
    delete old;
  }
}

void ZBTree::EraseFrom(Node* node, const ZEntry* e) {
  if (node->leaf) {
    auto* leaf = static_cast<Leaf*>(node);
    int pos = LowerBound(leaf->items, leaf->count, e);
    RemoveSlot(leaf->items, leaf->count--, pos);
    return;
  }
  auto* in = static_cast<Inner*>(node);
  int i = ChildFor(in, e);
  Node* child = in->children[i];
  EraseFrom(child, e);
  --in->sizes[i];
  int min_fill = child->leaf ? Leaf::kMin : Inner::kMin;
  if (child->count >= min_fill) {
    in->mins[i] = MinOf(child);
    return;
  }
  Rebalance(in, i);
}

// Moves all of b's slots to the end of a (they fit) and frees b.
void ZBTree::Merge(Node* a, Node* b) {
  if (a->leaf) {
    auto* x = static_cast<Leaf*>(a);
    auto* y = static_cast<Leaf*>(b);
    std::memcpy(x->items + x->count, y->items, sizeof(ZEntry*) * y->count);
    x->count = static_cast<uint16_t>(x->count + y->count);
    x->next = y->next;
    if (y->next != nullptr) y->next->prev = x;
    delete y;
    return;
  }
  auto* x = static_cast<Inner*>(a);
  auto* y = static_cast<Inner*>(b);
  MoveSlots(x, x->count, y, 0, y->count);
  x->count = static_cast<uint16_t>(x->count + y->count);
  delete y;
}

void ZBTree::MoveSlots(Inner* to, int to_pos, const Inner* from, int from_pos, int n) {
  std::memmove(to->sizes + to_pos, from->sizes + from_pos, sizeof(uint64_t) * n);
  std::memmove(to->mins + to_pos, from->mins + from_pos, sizeof(ZEntry*) * n);
  std::memmove(to->children + to_pos, from->children + from_pos, sizeof(Node*) * n);
}

// Shifts slots between neighbours a and b so that a keeps `left` of them.
void ZBTree::Redistribute(Node* a, Node* b, int left) {
  int total = a->count + b->count;
  if (a->leaf) {
    auto* x = static_cast<Leaf*>(a);
    auto* y = static_cast<Leaf*>(b);
    if (x->count > left) {
      int move = x->count - left;
      std::memmove(y->items + move, y->items, sizeof(ZEntry*) * y->count);
      std::memcpy(y->items, x->items + left, sizeof(ZEntry*) * move);
    } else {
      int move = left - x->count;
      std::memcpy(x->items + x->count, y->items, sizeof(ZEntry*) * move);
      std::memmove(y->items, y->items + move, sizeof(ZEntry*) * (y->count - move));
    }
  } else {
    auto* x = static_cast<Inner*>(a);
    auto* y = static_cast<Inner*>(b);
    if (x->count > left) {
      int move = x->count - left;
      MoveSlots(y, move, y, 0, y->count);
      MoveSlots(y, 0, x, left, move);
    } else {
      int move = left - x->count;
      MoveSlots(x, x->count, y, 0, move);
      MoveSlots(y, 0, y, move, y->count - move);
    }
  }
  a->count = static_cast<uint16_t>(left);
  b->count = static_cast<uint16_t>(total - left);
}

// Child i of `parent` is under its minimum fill: merge it with a neighbour
// when both fit in one node, else even the two out. Either way the parent's
// sizes and mins for the two slots are recomputed.
void ZBTree::Rebalance(Inner* parent, int i) {
  int l = i > 0 ? i - 1 : i;
  int r = l + 1;
  Node* a = parent->children[l];
  Node* b = parent->children[r];
  int total = a->count + b->count;
  if (total <= (a->leaf ? Leaf::kCap : Inner::kCap)) {
    Merge(a, b);
    RemoveSlot(parent->sizes, parent->count, r);
    RemoveSlot(parent->mins, parent->count, r);
    RemoveSlot(parent->children, parent->count, r);
    --parent->count;
  } else {
    Redistribute(a, b, total / 2);
    parent->sizes[r] = CountOf(b);
    parent->mins[r] = MinOf(b);
  }
  parent->sizes[l] = CountOf(a);
  parent->mins[l] = MinOf(a);
}

size_t ZBTree::Rank(const ZEntry* e) const {
  size_t rank = 0;
  const Node* n = root_;
  while (!n->leaf) {
    auto* in = static_cast<const Inner*>(n);
    int i = ChildFor(in, e);
    for (int j = 0; j < i; ++j) rank += in->sizes[j];
    n = in->children[i];
  }
  auto* leaf = static_cast<const Leaf*>(n);
  return rank + LowerBound(leaf->items, leaf->count, e);
}

ZBTree::Iterator ZBTree::Seek(size_t rank) const {
  Iterator it;
  if (rank >= size_) return it;
  const Node* n = root_;
  while (!n->leaf) {
    auto* in = static_cast<const Inner*>(n);
    int i = 0;
    while (rank >= in->sizes[i]) rank -= in->sizes[i++];
    n = in->children[i];
  }
  it.leaf_ = static_cast<const Leaf*>(n);
  it.index_ = static_cast<int>(rank);
  return it;
}

ZEntry* ZBTree::At(size_t rank) const { return *Seek(rank); }

size_t ZBTree::CountPrefix(absl::FunctionRef<bool(const ZEntry*)> below) const {
  size_t n = 0;
  const Node* node = root_;
  while (!node->leaf) {
    auto* in = static_cast<const Inner*>(node);
    int end = PrefixEnd(in->mins, in->count, below);
    if (end == 0) return n;
    for (int j = 0; j < end - 1; ++j) n += in->sizes[j];
    node = in->children[end - 1];
  }
  auto* leaf = static_cast<const Leaf*>(node);
  return n + PrefixEnd(leaf->items, leaf->count, below);
}

ZEntry* ZBTree::Iterator::operator*() const { return leaf_->items[index_]; }

void ZBTree::Iterator::Next() {
  if (++index_ < leaf_->count) return;
  leaf_ = leaf_->next;
  index_ = 0;
}

void ZBTree::Iterator::Prev() {
  if (index_ > 0) {
    --index_;
    return;
  }
  leaf_ = leaf_->prev;
  index_ = leaf_ != nullptr ? leaf_->count - 1 : 0;
}

std::string ZBTree::Validate() const {
  int leaf_depth = -1;
  size_t count = 0;
  const ZEntry* prev = nullptr;
  std::string err = ValidateNode(root_, 0, &leaf_depth, &count, &prev);
  if (!err.empty()) return err;
  if (count != size_) return absl::StrCat("size ", size_, " but ", count, " entries");
  // Leaf links: forward from the first leaf must visit every entry in order,
  // and each back link must point at the leaf before.
  const Node* n = root_;
  while (!n->leaf) n = static_cast<const Inner*>(n)->children[0];
  const Leaf* leaf = static_cast<const Leaf*>(n);
  if (leaf->prev != nullptr) return "first leaf has a prev link";
  size_t walked = 0;
  for (const Leaf* l = leaf; l != nullptr; l = l->next) {
    if (l->next != nullptr && l->next->prev != l) return "broken prev link";
    if (l != root_ && l->next != nullptr && l->count < Leaf::kMin) return "underfull leaf";
    walked += l->count;
  }
  if (walked != size_) return "leaf chain misses entries";
  return "";
}

std::string ZBTree::ValidateNode(const Node* n, int depth, int* leaf_depth, size_t* count,
                                 const ZEntry** prev) const {
  if (n->leaf) {
    if (*leaf_depth == -1) *leaf_depth = depth;
    if (*leaf_depth != depth) return "leaves at different depths";
    auto* leaf = static_cast<const Leaf*>(n);
    for (int i = 0; i < leaf->count; ++i) {
      if (*prev != nullptr && !ZLess(*prev, leaf->items[i])) return "entries out of order";
      *prev = leaf->items[i];
    }
    *count += leaf->count;
    return "";
  }
  auto* in = static_cast<const Inner*>(n);
  if (n != root_ && in->count < Inner::kMin) return "underfull inner node";
  if (n == root_ && in->count < 2) return "inner root with one child";
  for (int i = 0; i < in->count; ++i) {
    size_t before = *count;
    if (in->mins[i] != MinOf(in->children[i])) return "stale child minimum";
    std::string err = ValidateNode(in->children[i], depth + 1, leaf_depth, count, prev);
    if (!err.empty()) return err;
    if (*count - before != in->sizes[i]) return "wrong child size";
  }
  return "";
}

}  // namespace engine
