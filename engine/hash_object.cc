#include "engine/hash_object.h"

namespace engine {

namespace {

// Redis caps a listpack at 1 GB whatever the settings say (lpSafeToAdd);
// it also keeps our 32-bit listpack offsets far from overflow.
constexpr size_t kListpackMaxBytes = size_t{1} << 30;

}  // namespace

HashObject* HashObject::Clone() const {
  auto* copy = new HashObject();
  copy->encoding = encoding;
  if (table_) {
    copy->table_ = table_->Clone();
  } else {
    copy->listpack_ = Listpack(listpack_);
  }
  return copy;
}

size_t HashObject::FindInListpack(std::string_view field) const {
  size_t off = listpack_.begin();
  while (off != listpack_.end()) {
    size_t value_off;
    if (listpack_.Get(off, &value_off) == field) return off;
    listpack_.Get(value_off, &off);
  }
  return listpack_.end();
}

std::optional<std::string_view> HashObject::Get(std::string_view field) const {
  if (table_) {
    size_t pos = table_->Find(field);
    if (pos == DenseTable::npos) return std::nullopt;
    return table_->at(pos).value();
  }
  size_t off = FindInListpack(field);
  if (off == listpack_.end()) return std::nullopt;
  listpack_.Get(off, &off);
  return listpack_.Get(off, &off);
}

bool HashObject::Set(std::string_view field, std::string_view value, const EncodingLimits& limits) {
  if (!table_) {
    auto max_value = static_cast<size_t>(EncodingLimits::Get(limits.hash_max_listpack_value));
    if (field.size() > max_value || value.size() > max_value ||
        listpack_.bytes() + field.size() + value.size() + 2 * length_prefix::kMaxPrefixBytes >
            kListpackMaxBytes) {
      ConvertToHashtable();
    }
  }
  if (table_) {
    size_t pos = table_->Find(field);
    if (pos != DenseTable::npos) {
      table_->ReplaceAt(pos, PackedEntry(field, value));
      return false;
    }
    table_->Add(PackedEntry(field, value));
    return true;
  }
  size_t off = FindInListpack(field);
  if (off != listpack_.end()) {
    listpack_.Get(off, &off);
    listpack_.Replace(off, value);
    return false;
  }
  listpack_.Append(field);
  listpack_.Append(value);
  auto max_entries = EncodingLimits::Get(limits.hash_max_listpack_entries);
  if (static_cast<int64_t>(size()) > max_entries) ConvertToHashtable();
  return true;
}

bool HashObject::Delete(std::string_view field) {
  if (table_) {
    size_t pos = table_->Find(field);
    if (pos == DenseTable::npos) return false;
    table_->TakeAt(pos);
    return true;
  }
  size_t off = FindInListpack(field);
  if (off == listpack_.end()) return false;
  listpack_.Erase(off, 2);
  return true;
}

HashObject::Pair HashObject::At(size_t i) const {
  if (table_) {
    const PackedEntry& e = table_->at(i);
    return {e.key(), e.value()};
  }
  size_t off = listpack_.begin();
  for (size_t skip = 0; skip < 2 * i; ++skip) listpack_.Get(off, &off);
  std::string_view field = listpack_.Get(off, &off);
  return {field, listpack_.Get(off, &off)};
}

void HashObject::ConvertToHashtable() {
  auto table = std::make_unique<DenseTable>();
  table->Reserve(size() + 1);
  ForEach([&](std::string_view field, std::string_view value) {
    table->Add(PackedEntry(field, value));
  });
  listpack_.Clear();
  table_ = std::move(table);
  encoding = Encoding::kHashtable;
}

void HashObject::ReleaseContents() {
  table_.reset();
  listpack_.Clear();
}

}  // namespace engine
