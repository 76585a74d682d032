#include "engine/object.h"

#include <cstdlib>
#include <limits>
#include <new>

#include "absl/strings/numbers.h"
#include "engine/hash_object.h"
#include "engine/list_object.h"
#include "engine/set_object.h"
#include "engine/zset_object.h"

namespace engine {

const char* TypeName(ObjectType t) {
  switch (t) {
    case ObjectType::kString:
      return "string";
    case ObjectType::kList:
      return "list";
    case ObjectType::kSet:
      return "set";
    case ObjectType::kZSet:
      return "zset";
    case ObjectType::kHash:
      return "hash";
  }
  return "none";
}

const char* EncodingName(Encoding e) {
  switch (e) {
    case Encoding::kRaw:
      return "raw";
    case Encoding::kInt:
      return "int";
    case Encoding::kEmbStr:
      return "embstr";
    case Encoding::kListpack:
      return "listpack";
    case Encoding::kQuicklist:
      return "quicklist";
    case Encoding::kIntset:
      return "intset";
    case Encoding::kHashtable:
      return "hashtable";
    case Encoding::kSkiplist:
      return "skiplist";
  }
  return "unknown";
}

bool ParseInt64(std::string_view s, int64_t* out) {
  if (s.empty() || s.size() > 20) return false;
  size_t i = 0;
  bool negative = false;
  if (s[0] == '-') {
    negative = true;
    i = 1;
    if (s.size() == 1) return false;
  }
  // Canonical form only: "0" alone may start with 0; "-0" is not canonical.
  if (s[i] == '0' && (s.size() > i + 1 || negative)) return false;
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    unsigned d = static_cast<unsigned char>(s[i]) - '0';
    if (d > 9) return false;
    if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) return false;
    v = v * 10 + d;
  }
  if (negative) {
    if (v > uint64_t{1} << 63) return false;
    *out = static_cast<int64_t>(0 - v);
  } else {
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
    *out = static_cast<int64_t>(v);
  }
  return true;
}

StringObject* StringObject::Create(std::string_view value) {
  int64_t iv;
  if (ParseInt64(value, &iv)) return CreateInt(iv);
  StringObject* s = CreateRaw(value);
  if (value.size() <= kEmbStrMax) s->encoding = Encoding::kEmbStr;
  return s;
}

StringObject* StringObject::CreateInt(int64_t value) {
  void* mem = std::malloc(sizeof(StringObject) + sizeof(int64_t));
  auto* s = new (mem) StringObject(Encoding::kInt);
  std::memcpy(s->data_, &value, sizeof(value));
  return s;
}

StringObject* StringObject::CreateRaw(std::string_view value) {
  // Flexible array: header and bytes in one allocation.
  void* mem = std::malloc(sizeof(StringObject) + value.size());
  auto* s = new (mem) StringObject(Encoding::kRaw);
  s->len_ = static_cast<uint32_t>(value.size());
  if (!value.empty()) std::memcpy(s->data_, value.data(), value.size());
  return s;
}

void StringObject::Destroy(StringObject* s) {
  s->~StringObject();
  std::free(s);
}

size_t StringObject::size() const {
  if (!is_int()) return len_;
  char buf[24];
  return absl::numbers_internal::FastIntToBuffer(int_value(), buf) - buf;
}

std::string_view StringObject::View(char* scratch) const {
  if (!is_int()) return {data_, len_};
  char* end = absl::numbers_internal::FastIntToBuffer(int_value(), scratch);
  return {scratch, static_cast<size_t>(end - scratch)};
}

void StringObject::AppendTo(std::string* out) const {
  char scratch[24];
  std::string_view v = View(scratch);
  out->append(v.data(), v.size());
}

void DestroyObject(Object* obj) {
  switch (obj->type) {
    case ObjectType::kString:
      StringObject::Destroy(static_cast<StringObject*>(obj));
      return;
    case ObjectType::kList:
      delete static_cast<ListObject*>(obj);
      return;
    case ObjectType::kSet:
      delete static_cast<SetObject*>(obj);
      return;
    case ObjectType::kZSet:
      delete static_cast<ZSetObject*>(obj);
      return;
    case ObjectType::kHash:
      delete static_cast<HashObject*>(obj);
      return;
  }
}

void ReleaseContents(Object* obj) {
  switch (obj->type) {
    case ObjectType::kString:
      return;
    case ObjectType::kList:
      return static_cast<ListObject*>(obj)->ReleaseContents();
    case ObjectType::kSet:
      return static_cast<SetObject*>(obj)->ReleaseContents();
    case ObjectType::kZSet:
      return static_cast<ZSetObject*>(obj)->ReleaseContents();
    case ObjectType::kHash:
      return static_cast<HashObject*>(obj)->ReleaseContents();
  }
}

Object* CloneObject(const Object* obj) {
  switch (obj->type) {
    case ObjectType::kString: {
      auto* s = static_cast<const StringObject*>(obj);
      if (s->is_int()) return StringObject::CreateInt(s->int_value());
      char scratch[24];
      StringObject* copy = StringObject::CreateRaw(s->View(scratch));
      copy->encoding = s->encoding;
      return copy;
    }
    case ObjectType::kList:
      return static_cast<const ListObject*>(obj)->Clone();
    case ObjectType::kSet:
      return static_cast<const SetObject*>(obj)->Clone();
    case ObjectType::kZSet:
      return static_cast<const ZSetObject*>(obj)->Clone();
    case ObjectType::kHash:
      return static_cast<const HashObject*>(obj)->Clone();
  }
  return nullptr;
}

}  // namespace engine
