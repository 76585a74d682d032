#include "server/commands/zsets/zset_pop.h"

#include <string>

#include "engine/zset_object.h"
#include "server/command/lookup.h"

namespace server {

void WriteZPopReply(resp::ReplyWriter& out, ZPopShape shape, std::string_view key,
                    const ZPopped& popped) {
  bool nested = shape == ZPopShape::kNested || shape == ZPopShape::kKeyNested;
  switch (shape) {
    case ZPopShape::kFlat:
      out.ArrayHeader(popped.size() * 2);
      break;
    case ZPopShape::kNested:
      out.ArrayHeader(popped.size());
      break;
    case ZPopShape::kKeyFlat:
      out.ArrayHeader(popped.size() * 2 + 1);
      out.Bulk(key);
      break;
    case ZPopShape::kKeyNested:
      out.ArrayHeader(2);
      out.Bulk(key);
      out.ArrayHeader(popped.size());
      break;
  }
  for (const auto& [member, score] : popped) {
    if (nested) out.ArrayHeader(2);
    out.Bulk(member);
    out.Double(score);
  }
}

void ZPopAndReply(engine::Db& db, engine::KeyRef ref, ZPopEnd end, size_t count, ZPopShape shape,
                  resp::ReplyWriter& out) {
  auto* zset = static_cast<engine::ZSetObject*>(ref.obj());
  ZPopped popped = end == ZPopEnd::kMin ? zset->PopMin(count) : zset->PopMax(count);
  WriteZPopReply(out, shape, ref.key(), popped);
  NoteZPopped(db, std::string(ref.key()), zset, end);
}

void NoteZPopped(engine::Db& db, const std::string& key, const engine::ZSetObject* zset,
                 ZPopEnd end) {
  db.Notify(engine::kEventZset, end == ZPopEnd::kMin ? "zpopmin" : "zpopmax", key);
  if (zset->size() == 0) EraseEmptied(db, key);
}

}  // namespace server
