#include "engine/set_object.h"

#include <algorithm>

#include "absl/strings/numbers.h"

namespace engine {

namespace {

// Redis clamps set-max-intset-entries to 2^30 (intset internals).
constexpr int64_t kIntsetMaxEntriesCap = int64_t{1} << 30;

std::string_view FormatInt(int64_t v, char* scratch) {
  char* end = absl::numbers_internal::FastIntToBuffer(v, scratch);
  return {scratch, static_cast<size_t>(end - scratch)};
}

}  // namespace

SetObject* SetObject::Clone() const {
  auto* copy = new SetObject();
  copy->encoding = encoding;
  if (table_) {
    copy->table_ = table_->Clone();
  } else {
    copy->intset_ = IntSet(intset_);
  }
  return copy;
}

bool SetObject::Add(std::string_view member, const EncodingLimits& limits) {
  if (!table_) {
    int64_t v;
    if (ParseInt64(member, &v)) {
      if (!intset_.Insert(v)) return false;
      int64_t max =
          std::min(EncodingLimits::Get(limits.set_max_intset_entries), kIntsetMaxEntriesCap);
      if (static_cast<int64_t>(intset_.size()) > max) ConvertToHashtable(intset_.size());
      return true;
    }
    ConvertToHashtable(intset_.size() + 1);
  }
  if (table_->Find(member) != DenseTable::npos) return false;
  table_->Add(PackedEntry(member, {}));
  return true;
}

bool SetObject::Remove(std::string_view member) {
  if (table_) {
    size_t pos = table_->Find(member);
    if (pos == DenseTable::npos) return false;
    table_->TakeAt(pos);
    return true;
  }
  int64_t v;
  return ParseInt64(member, &v) && intset_.Remove(v);
}

bool SetObject::Contains(std::string_view member) const {
  if (table_) return table_->Find(member) != DenseTable::npos;
  int64_t v;
  return ParseInt64(member, &v) && intset_.Contains(v);
}

std::string_view SetObject::At(size_t i, char* scratch) const {
  if (table_) return table_->at(i).key();
  return FormatInt(intset_.At(i), scratch);
}

std::string SetObject::TakeAt(size_t i) {
  if (table_) return std::string(table_->TakeAt(i).key());
  char scratch[kScratchSize];
  std::string taken(FormatInt(intset_.At(i), scratch));
  intset_.RemoveAt(i);
  return taken;
}

void SetObject::ConvertToHashtable(size_t reserve) {
  auto table = std::make_unique<DenseTable>();
  table->Reserve(reserve);
  ForEach([&](std::string_view member) { table->Add(PackedEntry(member, {})); });
  intset_ = IntSet();
  table_ = std::move(table);
  encoding = Encoding::kHashtable;
}

void SetObject::ReleaseContents() {
  table_.reset();
  intset_ = IntSet();
}

}  // namespace engine
