#ifndef SHARDIS_SERVER_COMMANDS_ZSETS_ZSET_POP_H_
#define SHARDIS_SERVER_COMMANDS_ZSETS_ZSET_POP_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/db.h"
#include "engine/zset_object.h"
#include "resp/reply_writer.h"

// Popping from a sorted set into a reply, shared by ZPOPMIN/ZPOPMAX, ZMPOP
// and the blocking BZPOPMIN/BZPOPMAX/BZMPOP.
namespace server {

enum class ZPopShape {
  kFlat,       // ZPOPMIN/ZPOPMAX in RESP2, or without a count: m1, s1, m2, s2...
  kNested,     // ZPOPMIN/ZPOPMAX with a count in RESP3: [m1, s1], [m2, s2]...
  kKeyFlat,    // BZPOPMIN/BZPOPMAX: key, member, score
  kKeyNested,  // ZMPOP/BZMPOP: key, [[m1, s1], [m2, s2]...]
};

enum class ZPopEnd { kMin, kMax };

using ZPopped = std::vector<std::pair<std::string, double>>;

// Writes popped entries in one of Redis's pop reply shapes.
void WriteZPopReply(resp::ReplyWriter& out, ZPopShape shape, std::string_view key,
                    const ZPopped& popped);

// After entries were popped from the sorted set at `key`: Redis's
// "zpopmin"/"zpopmax", then the key goes (with "del") if the set is empty.
void NoteZPopped(engine::Db& db, const std::string& key, const engine::ZSetObject* zset,
                 ZPopEnd end);

// Pops up to `count` entries from the sorted set at `ref` (a live key of
// `db` holding a ZSetObject), writes the reply, and deletes the key once it
// is empty. Owner thread of `db` only.
void ZPopAndReply(engine::Db& db, engine::KeyRef ref, ZPopEnd end, size_t count, ZPopShape shape,
                  resp::ReplyWriter& out);

}  // namespace server

#endif  // SHARDIS_SERVER_COMMANDS_ZSETS_ZSET_POP_H_
