// Set commands on one key (Redis's t_set.c): SADD, SREM, SPOP, SRANDMEMBER,
// SMEMBERS, SISMEMBER, SMISMEMBER, SCARD, SSCAN. The commands over several
// keys are in set_store_commands.cc.
#include "server/commands/sets/set_commands.h"

#include <algorithm>
#include <string>
#include <vector>

#include "engine/set_object.h"
#include "engine/shard_set.h"
#include "server/command/command_table.h"
#include "server/command/lookup.h"
#include "server/command/pop_count.h"
#include "server/command/random_pick.h"
#include "server/command/scan_options.h"
#include "server/commands/sets/set_store_commands.h"

namespace server {

namespace {

using engine::kEventSet;
using engine::ObjectType;
using engine::SetObject;

void SAdd(Args args, ShardContext& ctx) {
  TypedLookup found = LookupTypedWrite(ctx, args[1], ObjectType::kSet);
  if (found.wrong_type) return ctx.out.Error(errors::kWrongType);
  SetObject* set = ObjectAs<SetObject>(found.ref);
  if (set == nullptr) {
    set = new SetObject();  // gets at least one member below
    ctx.db.Insert(args[1], set);
  }
  const engine::EncodingLimits& limits = ctx.shard.shard_set().limits();
  int64_t added = 0;
  for (size_t i = 2; i < args.size(); ++i) added += set->Add(args[i], limits) ? 1 : 0;
  if (added > 0) ctx.db.Notify(kEventSet, "sadd", args[1]);
  ctx.out.Integer(added);
}

void SRem(Args args, ShardContext& ctx) {
  TypedLookup found = LookupTypedWrite(ctx, args[1], ObjectType::kSet);
  if (found.wrong_type) return ctx.out.Error(errors::kWrongType);
  SetObject* set = ObjectAs<SetObject>(found.ref);
  if (set == nullptr) return ctx.out.Integer(0);
  int64_t removed = 0;
  for (size_t i = 2; i < args.size() && set->size() > 0; ++i) {
    removed += set->Remove(args[i]) ? 1 : 0;
  }
  if (removed > 0) ctx.db.Notify(kEventSet, "srem", args[1]);
  if (set->size() == 0) EraseEmptied(ctx.db, args[1]);
  ctx.out.Integer(removed);
}

// SPOP key [count]: with a count, a set reply of up to count members. The
// members are chosen at random, so the log gets what was taken (SREM, or
// DEL when all went), as Redis propagates it.
void SPop(Args args, ShardContext& ctx) {
  if (args.size() > 3) return ctx.out.Error(errors::kSyntax);
  int64_t count;
  bool has_count;
  if (!ParsePopCount(args, &count, &has_count)) return ctx.out.Error(kPopCountOutOfRange);
  TypedLookup found = LookupTypedWrite(ctx, args[1], ObjectType::kSet);
  if (found.wrong_type) return ctx.out.Error(errors::kWrongType);
  SetObject* set = ObjectAs<SetObject>(found.ref);
  ctx.logged_itself = true;  // nothing taken: nothing to log
  if (set == nullptr) return has_count ? ctx.out.SetHeader(0) : ctx.out.Null();
  if (has_count && count == 0) return ctx.out.SetHeader(0);  // no event either
  std::vector<std::string> taken;  // for the log only
  auto take = [&] {
    std::string member = set->TakeAt(NextRandom() % set->size());
    ctx.out.Bulk(member);
    if (ctx.log != nullptr) taken.push_back(std::move(member));
  };
  if (!has_count) {
    take();
  } else if (static_cast<uint64_t>(count) >= set->size()) {
    // Everything goes, in the set's own order (ascending for an intset).
    ctx.out.SetHeader(set->size());
    set->ForEach([&](std::string_view m) { ctx.out.Bulk(m); });
    ctx.db.Notify(kEventSet, "spop", args[1]);
    EraseEmptied(ctx.db, args[1]);
    std::string_view del[] = {"DEL", args[1]};
    ctx.LogInstead(del);
    return;
  } else {
    ctx.out.SetHeader(count);
    for (int64_t i = 0; i < count; ++i) take();
  }
  ctx.db.Notify(kEventSet, "spop", args[1]);
  if (set->size() == 0) EraseEmptied(ctx.db, args[1]);
  if (ctx.log != nullptr) {
    std::vector<std::string_view> srem = {"SREM", args[1]};
    srem.insert(srem.end(), taken.begin(), taken.end());
    ctx.LogInstead(srem);
  }
}

// SRANDMEMBER key [count].
void SRandMember(Args args, ShardContext& ctx) {
  if (args.size() > 3) return ctx.out.Error(errors::kSyntax);
  char scratch[SetObject::kScratchSize];
  if (args.size() == 2) {
    TypedLookup found = LookupTyped(ctx, args[1], ObjectType::kSet);
    if (found.wrong_type) return ctx.out.Error(errors::kWrongType);
    SetObject* set = ObjectAs<SetObject>(found.ref);
    if (set == nullptr) return ctx.out.Null();
    return ctx.out.Bulk(set->At(NextRandom() % set->size(), scratch));
  }
  RandomCount count;
  std::string_view error;
  if (!ParseRandomCount(args[2], &count, &error)) return ctx.out.Error(error);
  TypedLookup found = LookupTyped(ctx, args[1], ObjectType::kSet);
  if (found.wrong_type) return ctx.out.Error(errors::kWrongType);
  SetObject* set = ObjectAs<SetObject>(found.ref);
  if (set == nullptr || count.n == 0) return ctx.out.ArrayHeader(0);
  size_t size = set->size();
  if (!count.distinct || count.n == 1) {
    if (count.n > kMaxRepeatedPicks) return ctx.out.Error(kCountOutOfRange);
    ctx.out.ArrayHeader(count.n);
    for (uint64_t i = 0; i < count.n; ++i) ctx.out.Bulk(set->At(NextRandom() % size, scratch));
    return;
  }
  if (count.n >= size) {
    ctx.out.ArrayHeader(size);
    set->ForEach([&](std::string_view m) { ctx.out.Bulk(m); });
    return;
  }
  ctx.out.ArrayHeader(count.n);
  for (uint32_t i : SampleDistinct(size, count.n)) ctx.out.Bulk(set->At(i, scratch));
}

void SMembers(Args args, ShardContext& ctx) {
  TypedLookup found = LookupTyped(ctx, args[1], ObjectType::kSet);
  if (found.wrong_type) return ctx.out.Error(errors::kWrongType);
  SetObject* set = ObjectAs<SetObject>(found.ref);
  ctx.out.SetHeader(set ? set->size() : 0);
  if (set) set->ForEach([&](std::string_view m) { ctx.out.Bulk(m); });
}

void SCard(Args args, ShardContext& ctx) {
  TypedLookup found = LookupTyped(ctx, args[1], ObjectType::kSet);
  if (found.wrong_type) return ctx.out.Error(errors::kWrongType);
  SetObject* set = ObjectAs<SetObject>(found.ref);
  ctx.out.Integer(set ? static_cast<int64_t>(set->size()) : 0);
}

void SIsMember(Args args, ShardContext& ctx) {
  TypedLookup found = LookupTyped(ctx, args[1], ObjectType::kSet);
  if (found.wrong_type) return ctx.out.Error(errors::kWrongType);
  SetObject* set = ObjectAs<SetObject>(found.ref);
  ctx.out.Integer(set && set->Contains(args[2]) ? 1 : 0);
}

void SMIsMember(Args args, ShardContext& ctx) {
  TypedLookup found = LookupTyped(ctx, args[1], ObjectType::kSet);
  if (found.wrong_type) return ctx.out.Error(errors::kWrongType);
  SetObject* set = ObjectAs<SetObject>(found.ref);
  ctx.out.ArrayHeader(args.size() - 2);
  for (size_t i = 2; i < args.size(); ++i) ctx.out.Integer(set && set->Contains(args[i]) ? 1 : 0);
}

// SSCAN key cursor [MATCH pattern] [COUNT count].
void SScan(Args args, ShardContext& ctx) {
  ScanContainer<SetObject>(args, ctx, ObjectType::kSet,
                           [](SetObject* set, uint64_t cursor, const ScanOptions& options,
                              std::vector<std::string>* items) {
                             return set->Scan(cursor, static_cast<size_t>(options.count),
                                              [&](std::string_view m) {
                                                if (options.Matches(m)) items->emplace_back(m);
                                              });
                           });
}

}  // namespace

void RegisterSetCommands(CommandTable& t) {
  const std::vector<std::string> r = {"@read", "@set", "@fast"};
  const std::vector<std::string> rs = {"@read", "@set", "@slow"};
  const std::vector<std::string> w = {"@write", "@set", "@fast"};
  t.Add(KeyCommand("sadd", -3, kWrite | kDenyOom | kFast, SAdd, w));
  t.Add(KeyCommand("srem", -3, kWrite | kFast, SRem, w));
  t.Add(KeyCommand("spop", -2, kWrite | kFast, SPop, w));
  t.Add(KeyCommand("srandmember", -2, kReadOnly, SRandMember, rs));
  t.Add(KeyCommand("smembers", 2, kReadOnly, SMembers, rs));
  t.Add(KeyCommand("scard", 2, kReadOnly | kFast, SCard, r));
  t.Add(KeyCommand("sismember", 3, kReadOnly | kFast, SIsMember, r));
  t.Add(KeyCommand("smismember", -3, kReadOnly | kFast, SMIsMember, r));
  t.Add(KeyCommand("sscan", -3, kReadOnly, SScan, rs));
  RegisterSetStoreCommands(t);
}

}  // namespace server
