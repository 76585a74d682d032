#ifndef SHARDIS_ENGINE_LIST_OBJECT_H_
#define SHARDIS_ENGINE_LIST_OBJECT_H_

#include <deque>
#include <string>

#include "engine/object.h"

namespace engine {

// Owner-only doubly-ended list of elements (LPUSH/RPUSH/...).
// (Redis 7.0 reports every list as "quicklist".)
class ListObject : public Object {
 public:
  ListObject() : Object(ObjectType::kList, Encoding::kQuicklist) {}
  ListObject* Clone() const { return new ListObject(*this); }
  std::deque<std::string> items;
};

}  // namespace engine

#endif  // SHARDIS_ENGINE_LIST_OBJECT_H_
