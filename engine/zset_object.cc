#include "engine/zset_object.h"

#include <algorithm>
#include <cmath>

namespace engine {

namespace {

int64_t MaxEntries(const EncodingLimits& limits) {
  return EncodingLimits::Get(limits.zset_max_listpack_entries);
}

int64_t MaxValue(const EncodingLimits& limits) {
  return EncodingLimits::Get(limits.zset_max_listpack_value);
}

}  // namespace

ZSetObject* ZSetObject::CreateSized(size_t size_hint, size_t max_member_len,
                                    const EncodingLimits& limits) {
  auto* z = new ZSetObject();
  if (static_cast<int64_t>(size_hint) > MaxEntries(limits) ||
      static_cast<int64_t>(max_member_len) > MaxValue(limits)) {
    z->ConvertToIndexed();
    z->indexed_->Reserve(size_hint);
  }
  return z;
}

ZSetObject* ZSetObject::Clone() const {
  auto* copy = new ZSetObject();
  if (is_listpack()) {
    // Entries are already in order: re-inserting keeps the walk linear per
    // entry, and a listpack is small by construction.
    for (uint32_t off = 0; off < listpack_.end();) {
      std::string_view m;
      double s;
      off = listpack_.Read(off, &m, &s);
      copy->listpack_.Insert(m, s);
    }
    return copy;
  }
  copy->ConvertToIndexed();
  copy->indexed_->Reserve(indexed_->size());
  for (size_t i = 0; i < indexed_->size(); ++i) {
    const ZEntry* e = indexed_->StoredAt(i);
    copy->indexed_->Insert(e->member(), e->score());
  }
  return copy;
}

size_t ZSetObject::size() const { return is_listpack() ? listpack_.size() : indexed_->size(); }

void ZSetObject::ConvertToIndexed() {
  auto indexed = std::make_unique<ZIndexedSet>();
  indexed->Reserve(listpack_.size());
  for (uint32_t off = 0; off < listpack_.end();) {
    std::string_view m;
    double s;
    off = listpack_.Read(off, &m, &s);
    indexed->Insert(m, s);
  }
  listpack_.EraseRanks(0, listpack_.size());
  indexed_ = std::move(indexed);
  encoding = Encoding::kSkiplist;
}

ZSetObject::AddOutcome ZSetObject::Add(std::string_view member, double score, unsigned flags,
                                       const EncodingLimits& limits, double* result_score) {
  if (std::isnan(score)) return AddOutcome::kNaN;
  if (is_listpack()) {
    bool converted = false;
    AddOutcome outcome = AddToListpack(member, score, flags, limits, result_score, &converted);
    if (!converted) return outcome;
  }
  return AddToIndexed(member, score, flags, result_score);
}

// For a member already present: applies NX, INCR, GT and LT to the new
// score (both encodings share Redis's rules). True when that settles the
// outcome (*outcome); false when the score must be stored.
bool ZSetObject::DecideUpdate(unsigned flags, double current, double* score, double* result_score,
                              AddOutcome* outcome) {
  if (flags & kNx) {
    *outcome = AddOutcome::kSkipped;
    return true;
  }
  if (flags & kIncr) {
    *score += current;
    if (std::isnan(*score)) {
      *outcome = AddOutcome::kNaN;
      return true;
    }
  }
  if (((flags & kLt) && *score >= current) || ((flags & kGt) && *score <= current)) {
    *outcome = AddOutcome::kSkipped;
    return true;
  }
  if (result_score != nullptr) *result_score = *score;
  if (*score == current) {
    *outcome = AddOutcome::kUnchanged;
    return true;
  }
  return false;
}

ZSetObject::AddOutcome ZSetObject::AddToListpack(std::string_view member, double score,
                                                 unsigned flags, const EncodingLimits& limits,
                                                 double* result_score, bool* converted) {
  double current;
  uint32_t off = listpack_.Find(member, &current, nullptr);
  if (off != listpack_.end()) {
    AddOutcome decided;
    if (DecideUpdate(flags, current, &score, result_score, &decided)) return decided;
    listpack_.EraseAt(off);
    listpack_.Insert(member, score);
    return AddOutcome::kUpdated;
  }
  if (flags & kXx) return AddOutcome::kSkipped;
  // Redis decides before inserting, from the would-be length and this
  // member's size; the new member then goes into the converted set.
  if (static_cast<int64_t>(listpack_.size()) + 1 > MaxEntries(limits) ||
      static_cast<int64_t>(member.size()) > MaxValue(limits) ||
      listpack_.bytes() + ZListpack::EntryBytes(member, score) > ZListpack::kMaxBytes) {
    ConvertToIndexed();
    *converted = true;
    return AddOutcome::kAdded;
  }
  listpack_.Insert(member, score);
  if (result_score != nullptr) *result_score = score;
  return AddOutcome::kAdded;
}

ZSetObject::AddOutcome ZSetObject::AddToIndexed(std::string_view member, double score,
                                                unsigned flags, double* result_score) {
  ZEntry* e = indexed_->Find(member);
  if (e != nullptr) {
    AddOutcome decided;
    if (DecideUpdate(flags, e->score(), &score, result_score, &decided)) return decided;
    indexed_->SetScore(e, score);
    return AddOutcome::kUpdated;
  }
  if (flags & kXx) return AddOutcome::kSkipped;
  indexed_->Insert(member, score);
  if (result_score != nullptr) *result_score = score;
  return AddOutcome::kAdded;
}

bool ZSetObject::Remove(std::string_view member) {
  if (is_listpack()) {
    uint32_t off = listpack_.Find(member, nullptr, nullptr);
    if (off == listpack_.end()) return false;
    listpack_.EraseAt(off);
    return true;
  }
  ZEntry* e = indexed_->Find(member);
  if (e == nullptr) return false;
  indexed_->Erase(e);
  return true;
}

bool ZSetObject::Score(std::string_view member, double* score) const {
  if (is_listpack()) return listpack_.Find(member, score, nullptr) != listpack_.end();
  const ZEntry* e = indexed_->Find(member);
  if (e == nullptr) return false;
  *score = e->score();
  return true;
}

std::optional<size_t> ZSetObject::Rank(std::string_view member) const {
  if (is_listpack()) {
    size_t rank;
    if (listpack_.Find(member, nullptr, &rank) == listpack_.end()) return std::nullopt;
    return rank;
  }
  const ZEntry* e = indexed_->Find(member);
  if (e == nullptr) return std::nullopt;
  return indexed_->tree().Rank(e);
}

ZSetObject::RankSpan ZSetObject::ScoreSpan(const ScoreRange& range) const {
  RankSpan span;
  if (is_listpack()) {
    span.begin =
        listpack_.CountPrefix([&](std::string_view, double s) { return range.BelowMin(s); });
    span.end =
        listpack_.CountPrefix([&](std::string_view, double s) { return range.AtMostMax(s); });
  } else {
    const ZBTree& tree = indexed_->tree();
    span.begin = tree.CountPrefix([&](const ZEntry* e) { return range.BelowMin(e->score()); });
    span.end = tree.CountPrefix([&](const ZEntry* e) { return range.AtMostMax(e->score()); });
  }
  return span;
}

ZSetObject::RankSpan ZSetObject::LexSpan(const LexRange& range) const {
  RankSpan span;
  if (is_listpack()) {
    span.begin =
        listpack_.CountPrefix([&](std::string_view m, double) { return range.BelowMin(m); });
    span.end =
        listpack_.CountPrefix([&](std::string_view m, double) { return range.AtMostMax(m); });
  } else {
    const ZBTree& tree = indexed_->tree();
    span.begin = tree.CountPrefix([&](const ZEntry* e) { return range.BelowMin(e->member()); });
    span.end = tree.CountPrefix([&](const ZEntry* e) { return range.AtMostMax(e->member()); });
  }
  return span;
}

void ZSetObject::Visit(size_t first, size_t count, bool descending, Visitor visit) const {
  if (count == 0) return;
  std::string_view m;
  double s;
  if (is_listpack()) {
    if (!descending) {
      uint32_t off = listpack_.OffsetOfRank(first);
      for (size_t i = 0; i < count && off < listpack_.end(); ++i) {
        off = listpack_.Read(off, &m, &s);
        visit(m, s);
      }
      return;
    }
    // Entries only decode forwards: note the offsets up to `first`, then
    // walk them back.
    std::vector<uint32_t> offsets;
    offsets.reserve(first + 1);
    for (uint32_t off = 0; off < listpack_.end() && offsets.size() <= first;) {
      offsets.push_back(off);
      off = listpack_.Read(off, &m, &s);
    }
    for (size_t i = 0; i < count && i < offsets.size(); ++i) {
      listpack_.Read(offsets[offsets.size() - 1 - i], &m, &s);
      visit(m, s);
    }
    return;
  }
  ZBTree::Iterator it = indexed_->tree().Seek(first);
  for (size_t i = 0; i < count && it.valid(); ++i) {
    const ZEntry* e = *it;
    visit(e->member(), e->score());
    descending ? it.Prev() : it.Next();
  }
}

size_t ZSetObject::RemoveSpan(RankSpan span) {
  span.end = std::min(span.end, size());
  size_t n = span.size();
  if (n == 0) return 0;
  if (is_listpack()) {
    listpack_.EraseRanks(span.begin, span.end);
    return n;
  }
  std::vector<ZEntry*> doomed;
  doomed.reserve(n);
  ZBTree::Iterator it = indexed_->tree().Seek(span.begin);
  for (size_t i = 0; i < n; ++i, it.Next()) doomed.push_back(*it);
  for (ZEntry* e : doomed) indexed_->Erase(e);
  return n;
}

std::vector<std::pair<std::string, double>> ZSetObject::PopMin(size_t count) {
  size_t n = std::min(count, size());
  std::vector<std::pair<std::string, double>> popped;
  popped.reserve(n);
  Visit(0, n, false, [&](std::string_view m, double s) { popped.emplace_back(m, s); });
  RemoveSpan({0, n});
  return popped;
}

std::vector<std::pair<std::string, double>> ZSetObject::PopMax(size_t count) {
  size_t total = size();
  size_t n = std::min(count, total);
  std::vector<std::pair<std::string, double>> popped;
  if (n == 0) return popped;
  popped.reserve(n);
  Visit(total - 1, n, true, [&](std::string_view m, double s) { popped.emplace_back(m, s); });
  RemoveSpan({total - n, total});
  return popped;
}

ZMember ZSetObject::StoredAt(size_t i) const {
  ZMember out;
  if (is_listpack()) {
    listpack_.Read(listpack_.OffsetOfRank(i), &out.member, &out.score);
    return out;
  }
  const ZEntry* e = indexed_->StoredAt(i);
  return {e->member(), e->score()};
}

uint64_t ZSetObject::Scan(uint64_t cursor, size_t count, Visitor visit) const {
  if (is_listpack()) {
    Visit(0, size(), false, visit);
    return 0;
  }
  return indexed_->Scan(cursor, count, [&](const ZEntry* e) { visit(e->member(), e->score()); });
}

void ZSetObject::ReleaseContents() {
  indexed_.reset();
  listpack_.Clear();
}

}  // namespace engine
