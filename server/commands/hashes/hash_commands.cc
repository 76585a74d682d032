// Hash commands (Redis's t_hash.c): HSET and friends, the counters
// HINCRBY/HINCRBYFLOAT, HRANDFIELD and HSCAN. Every one works on one key and
// runs on that key's shard.
#include "server/commands/hashes/hash_commands.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/hash_object.h"
#include "engine/shard_set.h"
#include "server/command/command_table.h"
#include "server/command/float_text.h"
#include "server/command/lookup.h"
#include "server/command/random_pick.h"
#include "server/command/scan_options.h"
#include "server/command/text.h"

namespace server {

namespace {

using engine::HashObject;
using engine::kEventHash;
using engine::ObjectType;

constexpr std::string_view kHashNotInteger = "ERR hash value is not an integer";
constexpr std::string_view kHashNotFloat = "ERR hash value is not a float";
constexpr std::string_view kNanOrInfinity = "ERR value is NaN or Infinity";
constexpr std::string_view kWouldBeNanOrInfinity = "ERR increment would produce NaN or Infinity";

const engine::EncodingLimits& Limits(ShardContext& ctx) { return ctx.shard.shard_set().limits(); }

HashObject* AsHash(engine::KeyRef ref) { return static_cast<HashObject*>(ref.obj()); }

// A new empty hash stored at `key`, which must be missing. The caller sets
// at least one field right away: empty hashes never stay in the keyspace.
HashObject* NewHash(ShardContext& ctx, std::string_view key) {
  auto* hash = new HashObject();
  ctx.db.Insert(key, hash);
  return hash;
}

// The hash at `key` for a write, created when missing; null after replying
// WRONGTYPE.
HashObject* WriteHash(ShardContext& ctx, std::string_view key) {
  TypedLookup found = LookupTypedWrite(ctx, key, ObjectType::kHash);
  if (found.wrong_type) {
    ctx.out.Error(errors::kWrongType);
    return nullptr;
  }
  return found.ref ? AsHash(found.ref) : NewHash(ctx, key);
}

// HSET/HMSET key field value [field value ...]: the number of new fields.
std::optional<int64_t> SetPairs(Args args, ShardContext& ctx) {
  if (args.size() % 2 == 1) {
    ctx.out.Error(errors::WrongArity(Lower(args[0])));
    return std::nullopt;
  }
  HashObject* hash = WriteHash(ctx, args[1]);
  if (hash == nullptr) return std::nullopt;
  int64_t added = 0;
  for (size_t i = 2; i < args.size(); i += 2) {
    added += hash->Set(args[i], args[i + 1], Limits(ctx)) ? 1 : 0;
  }
  ctx.db.Notify(kEventHash, "hset", args[1]);  // even when nothing changed
  return added;
}

void HSet(Args args, ShardContext& ctx) {
  if (std::optional<int64_t> added = SetPairs(args, ctx)) ctx.out.Integer(*added);
}

void HMSet(Args args, ShardContext& ctx) {
  if (SetPairs(args, ctx)) ctx.out.Ok();
}

void HSetNx(Args args, ShardContext& ctx) {
  TypedLookup found = LookupTypedWrite(ctx, args[1], ObjectType::kHash);
  if (found.wrong_type) return ctx.out.Error(errors::kWrongType);
  HashObject* hash = ObjectAs<HashObject>(found.ref);
  if (hash && hash->Get(args[2])) return ctx.out.Integer(0);
  if (hash == nullptr) hash = NewHash(ctx, args[1]);
  hash->Set(args[2], args[3], Limits(ctx));
  ctx.db.Notify(kEventHash, "hset", args[1]);
  ctx.out.Integer(1);
}

void HGet(Args args, ShardContext& ctx) {
  TypedLookup found = LookupTyped(ctx, args[1], ObjectType::kHash);
  if (found.wrong_type) return ctx.out.Error(errors::kWrongType);
  HashObject* hash = ObjectAs<HashObject>(found.ref);
  std::optional<std::string_view> value = hash ? hash->Get(args[2]) : std::nullopt;
  value ? ctx.out.Bulk(*value) : ctx.out.Null();
}

void HMGet(Args args, ShardContext& ctx) {
  TypedLookup found = LookupTyped(ctx, args[1], ObjectType::kHash);
  if (found.wrong_type) return ctx.out.Error(errors::kWrongType);
  HashObject* hash = ObjectAs<HashObject>(found.ref);
  ctx.out.ArrayHeader(args.size() - 2);
  for (size_t i = 2; i < args.size(); ++i) {
    std::optional<std::string_view> value = hash ? hash->Get(args[i]) : std::nullopt;
    value ? ctx.out.Bulk(*value) : ctx.out.Null();
  }
}

void HDel(Args args, ShardContext& ctx) {
  TypedLookup found = LookupTypedWrite(ctx, args[1], ObjectType::kHash);
  if (found.wrong_type) return ctx.out.Error(errors::kWrongType);
  HashObject* hash = ObjectAs<HashObject>(found.ref);
  if (hash == nullptr) return ctx.out.Integer(0);
  int64_t deleted = 0;
  for (size_t i = 2; i < args.size(); ++i) deleted += hash->Delete(args[i]) ? 1 : 0;
  if (deleted > 0) ctx.db.Notify(kEventHash, "hdel", args[1]);
  if (hash->size() == 0) EraseEmptied(ctx.db, args[1]);
  ctx.out.Integer(deleted);
}

void HLen(Args args, ShardContext& ctx) {
  TypedLookup found = LookupTyped(ctx, args[1], ObjectType::kHash);
  if (found.wrong_type) return ctx.out.Error(errors::kWrongType);
  HashObject* hash = ObjectAs<HashObject>(found.ref);
  ctx.out.Integer(hash ? static_cast<int64_t>(hash->size()) : 0);
}

void HStrLen(Args args, ShardContext& ctx) {
  TypedLookup found = LookupTyped(ctx, args[1], ObjectType::kHash);
  if (found.wrong_type) return ctx.out.Error(errors::kWrongType);
  HashObject* hash = ObjectAs<HashObject>(found.ref);
  std::optional<std::string_view> value = hash ? hash->Get(args[2]) : std::nullopt;
  ctx.out.Integer(value ? static_cast<int64_t>(value->size()) : 0);
}

void HExists(Args args, ShardContext& ctx) {
  TypedLookup found = LookupTyped(ctx, args[1], ObjectType::kHash);
  if (found.wrong_type) return ctx.out.Error(errors::kWrongType);
  HashObject* hash = ObjectAs<HashObject>(found.ref);
  ctx.out.Integer(hash && hash->Get(args[2]) ? 1 : 0);
}

enum class Part { kFields, kValues, kBoth };

// HKEYS, HVALS, HGETALL (a map in RESP3).
template <Part part>
void HGetAllParts(Args args, ShardContext& ctx) {
  TypedLookup found = LookupTyped(ctx, args[1], ObjectType::kHash);
  if (found.wrong_type) return ctx.out.Error(errors::kWrongType);
  HashObject* hash = ObjectAs<HashObject>(found.ref);
  size_t n = hash ? hash->size() : 0;
  part == Part::kBoth ? ctx.out.MapHeader(n) : ctx.out.ArrayHeader(n);
  if (hash == nullptr) return;
  hash->ForEach([&](std::string_view field, std::string_view value) {
    if (part != Part::kValues) ctx.out.Bulk(field);
    if (part != Part::kFields) ctx.out.Bulk(value);
  });
}

void HIncrBy(Args args, ShardContext& ctx) {
  int64_t delta;
  if (!engine::ParseInt64(args[3], &delta)) return ctx.out.Error(errors::kNotInteger);
  TypedLookup found = LookupTypedWrite(ctx, args[1], ObjectType::kHash);
  if (found.wrong_type) return ctx.out.Error(errors::kWrongType);
  HashObject* hash = ObjectAs<HashObject>(found.ref);
  int64_t value = 0;
  std::optional<std::string_view> current = hash ? hash->Get(args[2]) : std::nullopt;
  if (current && !engine::ParseInt64(*current, &value)) return ctx.out.Error(kHashNotInteger);
  if ((delta < 0 && value < 0 && delta < INT64_MIN - value) ||
      (delta > 0 && value > 0 && delta > INT64_MAX - value)) {
    return ctx.out.Error(errors::kOverflow);
  }
  value += delta;
  if (hash == nullptr) hash = NewHash(ctx, args[1]);
  hash->Set(args[2], absl::StrCat(value), Limits(ctx));
  ctx.db.Notify(kEventHash, "hincrby", args[1]);
  ctx.out.Integer(value);
}

void HIncrByFloat(Args args, ShardContext& ctx) {
  long double delta;
  if (!ParseLongDouble(args[3], &delta)) return ctx.out.Error(errors::kNotFloat);
  if (std::isinf(delta)) return ctx.out.Error(kNanOrInfinity);
  TypedLookup found = LookupTypedWrite(ctx, args[1], ObjectType::kHash);
  if (found.wrong_type) return ctx.out.Error(errors::kWrongType);
  HashObject* hash = ObjectAs<HashObject>(found.ref);
  long double value = 0;
  std::optional<std::string_view> current = hash ? hash->Get(args[2]) : std::nullopt;
  if (current && !ParseLongDouble(*current, &value)) return ctx.out.Error(kHashNotFloat);
  value += delta;
  if (std::isnan(value) || std::isinf(value)) return ctx.out.Error(kWouldBeNanOrInfinity);
  std::string formatted = FormatLongDouble(value);
  if (hash == nullptr) hash = NewHash(ctx, args[1]);
  hash->Set(args[2], formatted, Limits(ctx));
  ctx.db.Notify(kEventHash, "hincrbyfloat", args[1]);
  ctx.out.Bulk(formatted);
}

// One HRANDFIELD element: the field, or with values a [field, value] pair
// (nested in RESP3, flat in RESP2).
void WriteRandomPair(resp::ReplyWriter& out, HashObject::Pair pair, bool with_values) {
  if (with_values && out.protocol() == resp::Protocol::kResp3) out.ArrayHeader(2);
  out.Bulk(pair.first);
  if (with_values) out.Bulk(pair.second);
}

// HRANDFIELD key [count [WITHVALUES]].
void HRandField(Args args, ShardContext& ctx) {
  if (args.size() == 2) {
    TypedLookup found = LookupTyped(ctx, args[1], ObjectType::kHash);
    if (found.wrong_type) return ctx.out.Error(errors::kWrongType);
    HashObject* hash = ObjectAs<HashObject>(found.ref);
    if (hash == nullptr) return ctx.out.Null();
    return ctx.out.Bulk(hash->At(NextRandom() % hash->size()).first);
  }
  RandomCount count;
  std::string_view error;
  if (!ParseRandomCount(args[2], &count, &error)) return ctx.out.Error(error);
  if (args.size() > 4 || (args.size() == 4 && !EqualsIgnoreCase(args[3], "WITHVALUES"))) {
    return ctx.out.Error(errors::kSyntax);
  }
  bool with_values = args.size() == 4;
  if (with_values && !WithinPairedCountRange(count)) return ctx.out.Error(kCountOutOfRange);
  TypedLookup found = LookupTyped(ctx, args[1], ObjectType::kHash);
  if (found.wrong_type) return ctx.out.Error(errors::kWrongType);
  HashObject* hash = ObjectAs<HashObject>(found.ref);
  if (hash == nullptr || count.n == 0) return ctx.out.ArrayHeader(0);
  size_t size = hash->size();
  // A whole small hash is returned in order; a large one in table order.
  size_t n = count.distinct ? std::min<uint64_t>(count.n, size) : count.n;
  if (!count.distinct && n > kMaxRepeatedPicks) return ctx.out.Error(kCountOutOfRange);
  bool flat_pairs = with_values && ctx.out.protocol() == resp::Protocol::kResp2;
  ctx.out.ArrayHeader(flat_pairs ? 2 * n : n);
  if (count.distinct && n == size) {
    hash->ForEach([&](std::string_view field, std::string_view value) {
      WriteRandomPair(ctx.out, {field, value}, with_values);
    });
    return;
  }
  // Random access into a listpack walks it: index its pairs once.
  std::vector<HashObject::Pair> pairs;
  if (hash->encoding == engine::Encoding::kListpack) {
    pairs.reserve(size);
    hash->ForEach([&](std::string_view f, std::string_view v) { pairs.emplace_back(f, v); });
  }
  auto pair_at = [&](size_t i) { return pairs.empty() ? hash->At(i) : pairs[i]; };
  if (!count.distinct || n == 1) {
    for (size_t i = 0; i < n; ++i)
      WriteRandomPair(ctx.out, pair_at(NextRandom() % size), with_values);
    return;
  }
  std::vector<uint32_t> picked = SampleDistinct(size, n);
  // Redis returns a sample of a listpack in listpack order.
  if (!pairs.empty()) std::sort(picked.begin(), picked.end());
  for (uint32_t i : picked) WriteRandomPair(ctx.out, pair_at(i), with_values);
}

// HSCAN key cursor [MATCH pattern] [COUNT count].
void HScan(Args args, ShardContext& ctx) {
  ScanContainer<HashObject>(
      args, ctx, ObjectType::kHash,
      [](HashObject* hash, uint64_t cursor, const ScanOptions& options,
         std::vector<std::string>* items) {
        return hash->Scan(cursor, static_cast<size_t>(options.count),
                          [&](std::string_view field, std::string_view value) {
                            if (!options.Matches(field)) return;
                            items->emplace_back(field);
                            items->emplace_back(value);
                          });
      });
}

}  // namespace

void RegisterHashCommands(CommandTable& t) {
  const std::vector<std::string> r = {"@read", "@hash", "@fast"};
  const std::vector<std::string> rs = {"@read", "@hash", "@slow"};
  const std::vector<std::string> w = {"@write", "@hash", "@fast"};
  t.Add(KeyCommand("hset", -4, kWrite | kDenyOom | kFast, HSet, w));
  t.Add(KeyCommand("hmset", -4, kWrite | kDenyOom | kFast, HMSet, w));
  t.Add(KeyCommand("hsetnx", 4, kWrite | kDenyOom | kFast, HSetNx, w));
  t.Add(KeyCommand("hget", 3, kReadOnly | kFast, HGet, r));
  t.Add(KeyCommand("hmget", -3, kReadOnly | kFast, HMGet, r));
  t.Add(KeyCommand("hdel", -3, kWrite | kFast, HDel, w));
  t.Add(KeyCommand("hlen", 2, kReadOnly | kFast, HLen, r));
  t.Add(KeyCommand("hstrlen", 3, kReadOnly | kFast, HStrLen, r));
  t.Add(KeyCommand("hexists", 3, kReadOnly | kFast, HExists, r));
  t.Add(KeyCommand("hkeys", 2, kReadOnly, HGetAllParts<Part::kFields>, rs));
  t.Add(KeyCommand("hvals", 2, kReadOnly, HGetAllParts<Part::kValues>, rs));
  t.Add(KeyCommand("hgetall", 2, kReadOnly, HGetAllParts<Part::kBoth>, rs));
  t.Add(KeyCommand("hincrby", 4, kWrite | kDenyOom | kFast, HIncrBy, w));
  t.Add(KeyCommand("hincrbyfloat", 4, kWrite | kDenyOom | kFast, HIncrByFloat, w));
  t.Add(KeyCommand("hrandfield", -2, kReadOnly, HRandField, rs));
  t.Add(KeyCommand("hscan", -3, kReadOnly, HScan, rs));
}

}  // namespace server
