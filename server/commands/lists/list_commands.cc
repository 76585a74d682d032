// List commands on one key (Redis's t_list.c): pushes, pops, indexes and
// ranges. The commands that move elements between keys, and the blocking
// ones, are in list_move_commands.cc.
#include "server/commands/lists/list_commands.h"

#include <algorithm>

#include "engine/list_object.h"
#include "server/command/command_table.h"
#include "server/command/index_range.h"
#include "server/command/lookup.h"
#include "server/command/pop_count.h"
#include "server/command/text.h"
#include "server/commands/lists/list_access.h"

namespace server {

namespace {

using engine::kEventList;
using engine::ListObject;
using engine::ObjectType;

// Maps a Redis index (negative counts from the tail) into [0, len), or -1.
int64_t NormalizeIndex(int64_t index, int64_t len) {
  if (index < 0) index += len;
  return index >= 0 && index < len ? index : -1;
}

template <bool left, bool only_existing>
void Push(Args args, ShardContext& ctx) {
  TypedLookup r = LookupTypedWrite(ctx, args[1], ObjectType::kList);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  if (!r.ref && only_existing) return ctx.out.Integer(0);
  int64_t fill = ListFill(ctx);
  auto* list = r.ref ? static_cast<ListObject*>(r.ref.obj()) : new ListObject();
  for (size_t i = 2; i < args.size(); ++i) {
    if (left) {
      list->PushFront(args[i], fill);
    } else {
      list->PushBack(args[i], fill);
    }
  }
  // Inserted only once filled: a new list wakes clients blocked on the key.
  if (!r.ref) ctx.db.Insert(args[1], list);
  ctx.db.Notify(kEventList, left ? "lpush" : "rpush", args[1]);
  ctx.out.Integer(static_cast<int64_t>(list->size()));
}

template <bool left>
void Pop(Args args, ShardContext& ctx) {
  if (args.size() > 3) return ctx.out.Error(errors::WrongArity(left ? "lpop" : "rpop"));
  int64_t count;
  bool has_count;
  if (!ParsePopCount(args, &count, &has_count)) return ctx.out.Error(kPopCountOutOfRange);
  TypedLookup r = LookupTypedWrite(ctx, args[1], ObjectType::kList);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  if (!r.ref) return has_count ? ctx.out.NullArray() : ctx.out.Null();
  auto* list = static_cast<ListObject*>(r.ref.obj());
  if (has_count) {
    PopInto(ctx, args[1], list, left, static_cast<size_t>(count));
  } else {
    ctx.out.Bulk(left ? list->PopFront() : list->PopBack());
    NotePopped(ctx.db, args[1], list, left);
  }
}

void LRange(Args args, ShardContext& ctx) {
  int64_t start, stop;
  if (!engine::ParseInt64(args[2], &start) || !engine::ParseInt64(args[3], &stop)) {
    return ctx.out.Error(errors::kNotInteger);
  }
  TypedLookup r = LookupTyped(ctx, args[1], ObjectType::kList);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  if (!r.ref) return ctx.out.ArrayHeader(0);
  const auto* list = static_cast<ListObject*>(r.ref.obj());
  std::optional<IndexSpan> span =
      ClampIndexRange(start, stop, static_cast<int64_t>(list->size()));
  if (!span) return ctx.out.ArrayHeader(0);
  size_t last = span->first + span->count - 1;
  ctx.out.ArrayHeader(span->count);
  list->VisitFrom(span->first, [&](size_t i, std::string_view v) {
    ctx.out.Bulk(v);
    return i < last;
  });
}

void LLen(Args args, ShardContext& ctx) {
  TypedLookup r = LookupTyped(ctx, args[1], ObjectType::kList);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  ctx.out.Integer(r.ref ? static_cast<int64_t>(static_cast<ListObject*>(r.ref.obj())->size()) : 0);
}

void LIndex(Args args, ShardContext& ctx) {
  TypedLookup r = LookupTyped(ctx, args[1], ObjectType::kList);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  if (!r.ref) return ctx.out.Null();
  int64_t index;
  if (!engine::ParseInt64(args[2], &index)) return ctx.out.Error(errors::kNotInteger);
  const auto* list = static_cast<ListObject*>(r.ref.obj());
  int64_t i = NormalizeIndex(index, static_cast<int64_t>(list->size()));
  if (i < 0) return ctx.out.Null();
  ctx.out.Bulk(list->At(i));
}

void LSet(Args args, ShardContext& ctx) {
  TypedLookup r = LookupTypedWrite(ctx, args[1], ObjectType::kList);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  if (!r.ref) return ctx.out.Error(errors::kNoSuchKey);
  int64_t index;
  if (!engine::ParseInt64(args[2], &index)) return ctx.out.Error(errors::kNotInteger);
  auto* list = static_cast<ListObject*>(r.ref.obj());
  int64_t i = NormalizeIndex(index, static_cast<int64_t>(list->size()));
  if (i < 0) return ctx.out.Error("ERR index out of range");
  list->Set(i, args[3], ListFill(ctx));
  ctx.db.Notify(kEventList, "lset", args[1]);
  ctx.out.Ok();
}

// LREM key count element: count > 0 from the head, < 0 from the tail, 0 all.
void LRem(Args args, ShardContext& ctx) {
  int64_t count;
  if (!engine::ParseInt64(args[2], &count)) return ctx.out.Error(errors::kNotInteger);
  TypedLookup r = LookupTypedWrite(ctx, args[1], ObjectType::kList);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  if (!r.ref) return ctx.out.Integer(0);
  auto* list = static_cast<ListObject*>(r.ref.obj());
  // |INT64_MIN| does not fit: any limit past the list's size is "all".
  size_t limit = count == INT64_MIN ? 0 : static_cast<size_t>(count < 0 ? -count : count);
  size_t removed = list->RemoveEqual(args[3], limit, count < 0);
  if (removed > 0) ctx.db.Notify(kEventList, "lrem", args[1]);
  if (list->empty()) EraseEmptied(ctx.db, args[1]);
  ctx.out.Integer(static_cast<int64_t>(removed));
}

void LTrim(Args args, ShardContext& ctx) {
  int64_t start, stop;
  if (!engine::ParseInt64(args[2], &start) || !engine::ParseInt64(args[3], &stop)) {
    return ctx.out.Error(errors::kNotInteger);
  }
  TypedLookup r = LookupTypedWrite(ctx, args[1], ObjectType::kList);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  if (!r.ref) return ctx.out.Ok();
  auto* list = static_cast<ListObject*>(r.ref.obj());
  std::optional<IndexSpan> span =
      ClampIndexRange(start, stop, static_cast<int64_t>(list->size()));
  if (span) {
    list->Keep(span->first, span->count);
  } else {
    list->Keep(0, 0);
  }
  ctx.db.Notify(kEventList, "ltrim", args[1]);  // even when nothing went
  if (list->empty()) EraseEmptied(ctx.db, args[1]);
  ctx.out.Ok();
}

// LINSERT key BEFORE|AFTER pivot element.
void LInsert(Args args, ShardContext& ctx) {
  bool after;
  if (EqualsIgnoreCase(args[2], "after")) {
    after = true;
  } else if (EqualsIgnoreCase(args[2], "before")) {
    after = false;
  } else {
    return ctx.out.Error(errors::kSyntax);
  }
  TypedLookup r = LookupTypedWrite(ctx, args[1], ObjectType::kList);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  if (!r.ref) return ctx.out.Integer(0);
  auto* list = static_cast<ListObject*>(r.ref.obj());
  int64_t found = -1;
  list->VisitFrom(0, [&](size_t i, std::string_view v) {
    if (v != args[3]) return true;
    found = static_cast<int64_t>(i);
    return false;
  });
  if (found < 0) return ctx.out.Integer(-1);
  list->Insert(found + (after ? 1 : 0), args[4], ListFill(ctx));
  ctx.db.Notify(kEventList, "linsert", args[1]);
  ctx.out.Integer(static_cast<int64_t>(list->size()));
}

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len].
void LPos(Args args, ShardContext& ctx) {
  int64_t rank = 1, count = -1, maxlen = 0;
  for (size_t i = 3; i < args.size(); i += 2) {
    if (i + 1 >= args.size()) return ctx.out.Error(errors::kSyntax);
    int64_t v;
    bool is_rank = EqualsIgnoreCase(args[i], "rank");
    bool is_count = EqualsIgnoreCase(args[i], "count");
    bool is_maxlen = EqualsIgnoreCase(args[i], "maxlen");
    if (!is_rank && !is_count && !is_maxlen) return ctx.out.Error(errors::kSyntax);
    bool parsed = engine::ParseInt64(args[i + 1], &v);
    // Redis reads COUNT and MAXLEN as non-negative longs with their own
    // message for any bad value, RANK as a long.
    if (is_count && (!parsed || v < 0)) return ctx.out.Error("ERR COUNT can't be negative");
    if (is_maxlen && (!parsed || v < 0)) return ctx.out.Error("ERR MAXLEN can't be negative");
    if (!parsed) return ctx.out.Error(errors::kNotInteger);
    if (is_rank) {
      if (v == 0) {
        return ctx.out.Error(
            "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
            "or use negative to start from the end of the list");
      }
      rank = v;
    } else if (is_count) {
      count = v;
    } else {
      maxlen = v;
    }
  }
  TypedLookup r = LookupTyped(ctx, args[1], ObjectType::kList);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  bool want_array = count >= 0;
  if (!r.ref) return want_array ? ctx.out.ArrayHeader(0) : ctx.out.Null();
  const auto* list = static_cast<ListObject*>(r.ref.obj());
  bool from_tail = rank < 0;
  // Redis negates INT64_MIN into itself, which then matches from the first
  // hit, like -1.
  uint64_t skip = rank == INT64_MIN ? 0 : static_cast<uint64_t>(from_tail ? -rank : rank) - 1;
  std::vector<int64_t> matches;
  uint64_t wanted = count > 0 ? static_cast<uint64_t>(count) : (count == 0 ? UINT64_MAX : 1);
  uint64_t examined = 0;
  auto visit = [&](size_t i, std::string_view v) {
    if (maxlen != 0 && examined++ >= static_cast<uint64_t>(maxlen)) return false;
    if (v != args[2]) return true;
    if (skip > 0) {
      --skip;
      return true;
    }
    matches.push_back(static_cast<int64_t>(i));
    return matches.size() < wanted;
  };
  if (from_tail) {
    if (!list->empty()) list->VisitReverseFrom(list->size() - 1, visit);
  } else {
    list->VisitFrom(0, visit);
  }
  if (!want_array) return matches.empty() ? ctx.out.Null() : ctx.out.Integer(matches[0]);
  ctx.out.ArrayHeader(matches.size());
  for (int64_t m : matches) ctx.out.Integer(m);
}

}  // namespace

void RegisterListCommands(CommandTable& t) {
  t.Add(KeyCommand("lpush", -3, kWrite | kDenyOom | kFast, Push<true, false>, {"@list"}));
  t.Add(KeyCommand("rpush", -3, kWrite | kDenyOom | kFast, Push<false, false>, {"@list"}));
  t.Add(KeyCommand("lpushx", -3, kWrite | kDenyOom | kFast, Push<true, true>, {"@list"}));
  t.Add(KeyCommand("rpushx", -3, kWrite | kDenyOom | kFast, Push<false, true>, {"@list"}));
  t.Add(KeyCommand("lpop", -2, kWrite | kFast, Pop<true>, {"@list"}));
  t.Add(KeyCommand("rpop", -2, kWrite | kFast, Pop<false>, {"@list"}));
  t.Add(KeyCommand("lrange", 4, kReadOnly, LRange, {"@list"}));
  t.Add(KeyCommand("llen", 2, kReadOnly | kFast, LLen, {"@list"}));
  t.Add(KeyCommand("lindex", 3, kReadOnly, LIndex, {"@list"}));
  t.Add(KeyCommand("lset", 4, kWrite | kDenyOom, LSet, {"@list"}));
  t.Add(KeyCommand("lrem", 4, kWrite, LRem, {"@list"}));
  t.Add(KeyCommand("ltrim", 4, kWrite, LTrim, {"@list"}));
  t.Add(KeyCommand("linsert", 5, kWrite | kDenyOom, LInsert, {"@list"}));
  t.Add(KeyCommand("lpos", -3, kReadOnly, LPos, {"@list"}));
  RegisterListMoveCommands(t);
}

}  // namespace server
