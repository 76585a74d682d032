// Set commands (seed set): SADD, SPOP, SMEMBERS, SCARD, SISMEMBER. The full
// family comes with the data-types work.
#include <random>

#include "engine/set_object.h"
#include "server/command_table.h"
#include "server/lookup.h"

namespace server {

namespace {

using engine::ObjectType;
using engine::SetObject;

uint64_t NextRandom() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  return rng();
}

void SAdd(Args args, ShardContext& ctx) {
  TypedLookup r = LookupTyped(ctx, args[1], ObjectType::kSet);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  SetObject* set;
  if (r.ref) {
    set = static_cast<SetObject*>(r.ref.obj());
  } else {
    set = new SetObject();
    ctx.db.Insert(args[1], set);
  }
  int64_t added = 0;
  for (size_t i = 2; i < args.size(); ++i) added += set->Add(args[i]) ? 1 : 0;
  ctx.out.Integer(added);
}

void SPop(Args args, ShardContext& ctx) {
  if (args.size() > 3) return ctx.out.Error(errors::kSyntax);
  int64_t count = 1;
  bool has_count = args.size() == 3;
  if (has_count && (!engine::ParseInt64(args[2], &count) || count < 0)) {
    return ctx.out.Error("ERR value is out of range, must be positive");
  }
  TypedLookup r = LookupTyped(ctx, args[1], ObjectType::kSet);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  if (!r.ref) return has_count ? ctx.out.SetHeader(0) : ctx.out.Null();
  auto* set = static_cast<SetObject*>(r.ref.obj());
  size_t n = std::min<size_t>(count, set->size());
  if (has_count) ctx.out.SetHeader(n);
  for (size_t i = 0; i < n; ++i) ctx.out.Bulk(set->TakeAt(NextRandom() % set->size()));
  if (set->size() == 0) ctx.db.Erase(args[1]);
}

void SMembers(Args args, ShardContext& ctx) {
  TypedLookup r = LookupTyped(ctx, args[1], ObjectType::kSet);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  if (!r.ref) return ctx.out.SetHeader(0);
  const auto& members = static_cast<SetObject*>(r.ref.obj())->members();
  ctx.out.SetHeader(members.size());
  for (const std::string& m : members) ctx.out.Bulk(m);
}

void SCard(Args args, ShardContext& ctx) {
  TypedLookup r = LookupTyped(ctx, args[1], ObjectType::kSet);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  ctx.out.Integer(r.ref ? static_cast<int64_t>(static_cast<SetObject*>(r.ref.obj())->size()) : 0);
}

void SIsMember(Args args, ShardContext& ctx) {
  TypedLookup r = LookupTyped(ctx, args[1], ObjectType::kSet);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  ctx.out.Integer(r.ref && static_cast<SetObject*>(r.ref.obj())->Contains(args[2]) ? 1 : 0);
}

}  // namespace

void RegisterSetCommands(CommandTable& t) {
  t.Add(KeyCommand("sadd", -3, kWrite | kDenyOom | kFast, SAdd, {"@set"}));
  t.Add(KeyCommand("spop", -2, kWrite | kFast, SPop, {"@set"}));
  t.Add(KeyCommand("smembers", 2, kReadOnly, SMembers, {"@set"}));
  t.Add(KeyCommand("scard", 2, kReadOnly | kFast, SCard, {"@set"}));
  t.Add(KeyCommand("sismember", 3, kReadOnly | kFast, SIsMember, {"@set"}));
}

}  // namespace server
