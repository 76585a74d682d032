#ifndef SHARDIS_ENGINE_ZSET_BTREE_H_
#define SHARDIS_ENGINE_ZSET_BTREE_H_

#include <cstddef>
#include <string>

#include "absl/functional/function_ref.h"
#include "engine/zset_entry.h"

namespace engine {

// The ordered index of a large sorted set: an order-statistics B+tree of
// ZEntry pointers in (score, member) order.
//
// Why not Redis's skiplist: both give O(log n) insert, erase, rank and
// select, but a skiplist node costs its element a score, a backward pointer
// and 1.33 (forward, span) pairs on average, about 48 bytes; here an element
// costs one 8-byte slot in a leaf (leaves are kept at least a third full and
// appends fill them completely), plus inner nodes amortized to well under a
// byte. Leaves are 512-byte arrays, so walks and rank scans are
// cache-friendly.
//
// Invariants: every inner node stores, per child, the number of entries
// below it and a pointer to that child's smallest entry (so separators are
// always live entries, never copies that could dangle); leaves are linked
// both ways; every node but the root is at least a third full.
//
// The tree does not own the entries. Owner-thread only, like the set.
class ZBTree {
 public:
  ZBTree();
  ~ZBTree();
  ZBTree(const ZBTree&) = delete;
  ZBTree& operator=(const ZBTree&) = delete;

  size_t size() const { return size_; }

  // `e` must not be in the tree (no entry with an equal (score, member)).
  void Insert(ZEntry* e);
  // An entry with e's (score, member) must be in the tree.
  void Erase(const ZEntry* e);
  // 0-based ascending rank of e, which must be in the tree.
  size_t Rank(const ZEntry* e) const;
  // The entry at ascending rank `rank` < size().
  ZEntry* At(size_t rank) const;
  // How many entries, from the smallest, satisfy `below`; `below` must be
  // true for a prefix of the order and false after it.
  size_t CountPrefix(absl::FunctionRef<bool(const ZEntry*)> below) const;

  struct Leaf;
  // A position in order; stays valid until the tree changes.
  class Iterator {
   public:
    bool valid() const { return leaf_ != nullptr; }
    ZEntry* operator*() const;
    void Next();
    void Prev();

   private:
    friend class ZBTree;
    const Leaf* leaf_ = nullptr;
    int index_ = 0;
  };
  // The position of ascending rank `rank`; invalid when rank >= size().
  Iterator Seek(size_t rank) const;

  // Checks every invariant; returns "" or what is broken (for tests).
  std::string Validate() const;

 private:
  struct Node;
  struct Inner;

  static ZEntry* MinOf(const Node* n);
  static size_t CountOf(const Node* n);
  static void Free(Node* n);
  Node* InsertInto(Node* node, ZEntry* e);
  void EraseFrom(Node* node, const ZEntry* e);
  void Rebalance(Inner* parent, int i);
  static void Merge(Node* a, Node* b);
  static void Redistribute(Node* a, Node* b, int left);
  static void MoveSlots(Inner* to, int to_pos, const Inner* from, int from_pos, int n);
  std::string ValidateNode(const Node* n, int depth, int* leaf_depth, size_t* count,
                           const ZEntry** prev) const;

  Node* root_;
  size_t size_ = 0;
};

}  // namespace engine

#endif  // SHARDIS_ENGINE_ZSET_BTREE_H_
