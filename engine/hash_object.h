#ifndef SHARDIS_ENGINE_HASH_OBJECT_H_
#define SHARDIS_ENGINE_HASH_OBJECT_H_

#include "engine/object.h"

namespace engine {

// Owner-only field -> value map (HSET/HGET/...): "listpack" while small,
// "hashtable" past the EncodingLimits.
class HashObject : public Object {
 public:
  HashObject() : Object(ObjectType::kHash, Encoding::kListpack) {}
  HashObject* Clone() const { return new HashObject(*this); }
};

}  // namespace engine

#endif  // SHARDIS_ENGINE_HASH_OBJECT_H_
