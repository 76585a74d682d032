#ifndef SHARDIS_ENGINE_OBJECT_H_
#define SHARDIS_ENGINE_OBJECT_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "engine/access_clock.h"

namespace engine {

enum class ObjectType : uint8_t { kString, kList, kSet, kZSet, kHash };

// Redis's names for representations, as OBJECT ENCODING reports them.
enum class Encoding : uint8_t {
  kRaw,
  kInt,
  kEmbStr,
  kListpack,
  kQuicklist,
  kIntset,
  kHashtable,
  kSkiplist,
};

const char* TypeName(ObjectType t);    // "string", "list", ...
const char* EncodingName(Encoding e);  // "embstr", "quicklist", ...

// The header every value starts with. Values are owned by one shard; they are
// freed only through RetireObject, because string values may be read from
// other threads (the read fast path) under hazard pointers.
struct Object {
  ObjectType type;
  Encoding encoding;
  // Eviction's view of the value (engine/access_clock.h): an LFU counter and
  // the second of the last access. Mutable because readers on other threads
  // record their reads too (through atomic refs); they fill the header's
  // padding, so they cost no memory.
  mutable uint8_t frequency;
  mutable uint32_t access_time;

  // A new value counts as just accessed (Redis stamps new objects too).
  Object(ObjectType t, Encoding e)
      : type(t), encoding(e), frequency(kInitialFrequency), access_time(AccessNow()) {}
};

// An immutable string value. Once published in a keyspace it is never
// changed: writers build a new one and retire the old, so readers on other
// threads may read it without a lock.
class StringObject : public Object {
 public:
  // Redis keeps strings up to 44 bytes "embstr"; longer ones "raw"; strings
  // that read back as a canonical 64-bit integer are stored as integers.
  static constexpr size_t kEmbStrMax = 44;

  // Chooses int/embstr/raw the way Redis's SET does.
  static StringObject* Create(std::string_view value);
  static StringObject* CreateInt(int64_t value);
  // Always raw (Redis: results of APPEND, SETRANGE, ...).
  static StringObject* CreateRaw(std::string_view value);
  static void Destroy(StringObject* s);

  bool is_int() const { return encoding == Encoding::kInt; }
  int64_t int_value() const {
    int64_t v;
    std::memcpy(&v, data_, sizeof(v));
    return v;
  }
  size_t size() const;
  // The bytes; integers are formatted into `scratch` (>= 24 bytes).
  std::string_view View(char* scratch) const;
  void AppendTo(std::string* out) const;

 private:
  StringObject(Encoding e) : Object(ObjectType::kString, e) {}
  // One allocation of 12 header bytes plus the value: a 16-byte value fits
  // jemalloc's 32-byte class. Integers keep their 8 bytes in data_.
  uint32_t len_ = 0;
  char data_[];
};

// Frees a value immediately. Only for values never published to a keyspace;
// published ones go through Db, which retires them via hazard pointers.
void DestroyObject(Object* obj);

// Frees a container's elements right away, leaving the header (the only
// part other threads may read) for hazard-pointer retirement. Strings are
// left alone. Owner thread.
void ReleaseContents(Object* obj);

// A deep copy (COPY, and moving values between shards).
Object* CloneObject(const Object* obj);

// Parses a canonical Redis integer string: optional '-', no leading zeros, no
// '+', fits in int64 (Redis's string2ll).
bool ParseInt64(std::string_view s, int64_t* out);

}  // namespace engine

#endif  // SHARDIS_ENGINE_OBJECT_H_
