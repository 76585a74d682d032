#ifndef SHARDIS_ENGINE_ZSET_OBJECT_H_
#define SHARDIS_ENGINE_ZSET_OBJECT_H_

#include "engine/object.h"

namespace engine {

// Owner-only sorted set (ZADD/ZRANGE/...): "listpack" while small,
// "skiplist" past the EncodingLimits.
class ZSetObject : public Object {
 public:
  ZSetObject() : Object(ObjectType::kZSet, Encoding::kListpack) {}
  ZSetObject* Clone() const { return new ZSetObject(*this); }
};

}  // namespace engine

#endif  // SHARDIS_ENGINE_ZSET_OBJECT_H_
