// List commands (seed set): LPUSH, RPUSH, LPOP, RPOP, LRANGE. The full family
// and compact encodings come with the data-types work.
#include "absl/strings/str_cat.h"
#include "server/text.h"
#include "engine/list_object.h"
#include "server/command_table.h"
#include "server/lookup.h"

namespace server {

namespace {

using engine::ListObject;
using engine::ObjectType;

template <bool left>
void Push(Args args, ShardContext& ctx) {
  TypedLookup r = LookupTyped(ctx, args[1], ObjectType::kList);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  ListObject* list;
  if (r.ref) {
    list = static_cast<ListObject*>(r.ref.obj());
  } else {
    list = new ListObject();
    ctx.db.Insert(args[1], list);
  }
  for (size_t i = 2; i < args.size(); ++i) {
    if (left) {
      list->items.emplace_front(args[i]);
    } else {
      list->items.emplace_back(args[i]);
    }
  }
  ctx.out.Integer(static_cast<int64_t>(list->items.size()));
}

template <bool left>
void Pop(Args args, ShardContext& ctx) {
  if (args.size() > 3) return ctx.out.Error(errors::kSyntax);
  int64_t count = 1;
  bool has_count = args.size() == 3;
  if (has_count && (!engine::ParseInt64(args[2], &count) || count < 0)) {
    return ctx.out.Error("ERR value is out of range, must be positive");
  }
  TypedLookup r = LookupTyped(ctx, args[1], ObjectType::kList);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  if (!r.ref) return has_count ? ctx.out.NullArray() : ctx.out.Null();
  auto* list = static_cast<ListObject*>(r.ref.obj());
  size_t n = std::min<size_t>(count, list->items.size());
  if (has_count) ctx.out.ArrayHeader(n);
  for (size_t i = 0; i < n; ++i) {
    if (left) {
      ctx.out.Bulk(list->items.front());
      list->items.pop_front();
    } else {
      ctx.out.Bulk(list->items.back());
      list->items.pop_back();
    }
  }
  if (list->items.empty()) ctx.db.Erase(args[1]);
}

void LRange(Args args, ShardContext& ctx) {
  int64_t start, stop;
  if (!engine::ParseInt64(args[2], &start) || !engine::ParseInt64(args[3], &stop)) {
    return ctx.out.Error(errors::kNotInteger);
  }
  TypedLookup r = LookupTyped(ctx, args[1], ObjectType::kList);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  if (!r.ref) return ctx.out.ArrayHeader(0);
  const auto& items = static_cast<ListObject*>(r.ref.obj())->items;
  int64_t len = static_cast<int64_t>(items.size());
  if (start < 0) start += len;
  if (stop < 0) stop += len;
  if (start < 0) start = 0;
  if (start > stop || start >= len) return ctx.out.ArrayHeader(0);
  if (stop >= len) stop = len - 1;
  ctx.out.ArrayHeader(stop - start + 1);
  for (int64_t i = start; i <= stop; ++i) ctx.out.Bulk(items[i]);
}

void LLen(Args args, ShardContext& ctx) {
  TypedLookup r = LookupTyped(ctx, args[1], ObjectType::kList);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  ctx.out.Integer(r.ref ? static_cast<int64_t>(static_cast<ListObject*>(r.ref.obj())->items.size())
                        : 0);
}

}  // namespace

void RegisterListCommands(CommandTable& t) {
  t.Add(KeyCommand("lpush", -3, kWrite | kDenyOom | kFast, Push<true>, {"@list"}));
  t.Add(KeyCommand("rpush", -3, kWrite | kDenyOom | kFast, Push<false>, {"@list"}));
  t.Add(KeyCommand("lpop", -2, kWrite | kFast, Pop<true>, {"@list"}));
  t.Add(KeyCommand("rpop", -2, kWrite | kFast, Pop<false>, {"@list"}));
  t.Add(KeyCommand("lrange", 4, kReadOnly, LRange, {"@list"}));
  t.Add(KeyCommand("llen", 2, kReadOnly | kFast, LLen, {"@list"}));
}

}  // namespace server
