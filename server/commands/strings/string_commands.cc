// String commands (Redis's t_string.c): GET, SET and friends, counters,
// ranges, and the multi-key MGET/MSET/MSETNX.
#include "server/commands/strings/string_commands.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "engine/expiry_pause.h"
#include "server/command/command_table.h"
#include "server/command/expire_options.h"
#include "server/command/float_text.h"
#include "server/command/lookup.h"
#include "server/command/multi_command.h"
#include "server/command/text.h"

namespace server {

namespace {

using engine::kEventGeneric;
using engine::kEventString;
using engine::ObjectType;
using engine::StringObject;

constexpr int64_t kMaxStringSize = 512ll << 20;
constexpr std::string_view kTooBig = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";

void WriteString(resp::ReplyWriter& out, const StringObject* s) {
  char scratch[24];
  out.Bulk(s->View(scratch));
}

// GET, also the read fast path body.
void Get(Args args, ShardContext& ctx) {
  TypedLookup r = LookupTyped(ctx, args[1], ObjectType::kString);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  if (!r.ref) return ctx.out.Null();
  WriteString(ctx.out, AsString(r.ref));
}

// The fast paths leave a key whose TTL passed to its owner (return false):
// deleting it there raises "expired" before the miss, as in Redis.
bool FastGet(Args args, const engine::Db& db, int64_t now, resp::ReplyWriter& out, bool* hit) {
  bool expired = false;
  bool found = db.ReadShared(
      args[1], now,
      [&](const engine::Object* o, int64_t) {
        if (o->type != ObjectType::kString) return out.Error(errors::kWrongType);
        WriteString(out, static_cast<const StringObject*>(o));
      },
      /*touch=*/true, &expired);
  if (expired) return false;
  if (!found) {
    NoteReadMiss(db, args[1]);
    out.Null();
  }
  *hit = found;
  return true;
}

bool FastStrlen(Args args, const engine::Db& db, int64_t now, resp::ReplyWriter& out, bool* hit) {
  bool expired = false;
  bool found = db.ReadShared(
      args[1], now,
      [&](const engine::Object* o, int64_t) {
        if (o->type != ObjectType::kString) return out.Error(errors::kWrongType);
        out.Integer(static_cast<int64_t>(static_cast<const StringObject*>(o)->size()));
      },
      /*touch=*/true, &expired);
  if (expired) return false;
  if (!found) {
    NoteReadMiss(db, args[1]);
    out.Integer(0);
  }
  *hit = found;
  return true;
}

// The options of SET (from args[3]) and GETEX (from args[2]), read as
// Redis's parseExtendedStringArgumentsOrReply reads them: syntax first, and
// the expire time's value only afterwards (ResolveExpire), so a syntax error
// wins over a bad number. An option may repeat (EX 1 EX 2: the last wins);
// only the combinations Redis refuses are refused.
struct StringOptions {
  bool nx = false, xx = false, get = false, keep_ttl = false, persist = false;
  std::string_view expire_option;  // EX, PX, EXAT or PXAT as given; empty: none
  std::string_view expire_value;
};

bool ParseStringOptions(Args args, bool for_set, StringOptions* o) {
  for (size_t i = for_set ? 3 : 2; i < args.size(); ++i) {
    std::string_view a = args[i];
    bool has_next = i + 1 < args.size();
    bool is_ex = EqualsIgnoreCase(a, "EX"), is_px = EqualsIgnoreCase(a, "PX");
    bool is_exat = EqualsIgnoreCase(a, "EXAT"), is_pxat = EqualsIgnoreCase(a, "PXAT");
    bool other_expire = !o->expire_option.empty() && !EqualsIgnoreCase(o->expire_option, a);
    if (for_set && EqualsIgnoreCase(a, "NX") && !o->xx) {
      o->nx = true;
    } else if (for_set && EqualsIgnoreCase(a, "XX") && !o->nx) {
      o->xx = true;
    } else if (for_set && EqualsIgnoreCase(a, "GET")) {
      o->get = true;
    } else if (for_set && EqualsIgnoreCase(a, "KEEPTTL") && o->expire_option.empty()) {
      o->keep_ttl = true;
    } else if (!for_set && EqualsIgnoreCase(a, "PERSIST") && o->expire_option.empty()) {
      o->persist = true;
    } else if ((is_ex || is_px || is_exat || is_pxat) && !o->keep_ttl && !o->persist &&
               !other_expire && has_next) {
      o->expire_option = a;
      o->expire_value = args[++i];
    } else {
      return false;
    }
  }
  return true;
}

// The absolute expire time (ms) of the parsed options; 0 when none. False
// after setting *error to Redis's text.
bool ResolveExpire(const StringOptions& o, int64_t now_ms, std::string_view command,
                   int64_t* when, std::string* error) {
  *when = 0;
  if (o.expire_option.empty()) return true;
  bool seconds = EqualsIgnoreCase(o.expire_option, "EX") || EqualsIgnoreCase(o.expire_option, "EXAT");
  return ParseExpireTime(o.expire_value, seconds ? TimeUnit::kSeconds : TimeUnit::kMilliseconds,
                         o.expire_option.size() == 2, now_ms, command, when, error);
}

void Set(Args args, ShardContext& ctx) {
  StringOptions o;
  if (!ParseStringOptions(args, /*for_set=*/true, &o)) return ctx.out.Error(errors::kSyntax);
  int64_t expire_ms;
  std::string error;
  if (!ResolveExpire(o, ctx.now_ms, "set", &expire_ms, &error)) return ctx.out.Error(error);
  engine::KeyRef existing = ctx.db.Find(args[1], ctx.now_ms);
  if (o.get && !existing) NoteReadMiss(ctx.db, args[1]);  // GET reads first
  if (o.get && existing && existing.obj()->type != ObjectType::kString) {
    return ctx.out.Error(errors::kWrongType);
  }
  if ((o.nx && existing) || (o.xx && !existing)) {
    if (o.get) {
      existing ? WriteString(ctx.out, AsString(existing)) : ctx.out.Null();
    } else {
      ctx.out.Null();
    }
    return;
  }
  if (o.get) {
    existing ? WriteString(ctx.out, AsString(existing)) : ctx.out.Null();
  }
  ctx.db.Set(args[1], StringObject::Create(args[2]), expire_ms, o.keep_ttl, ctx.now_ms);
  ctx.db.Notify(kEventString, "set", args[1]);
  if (expire_ms != 0) ctx.db.Notify(kEventGeneric, "expire", args[1]);
  if (!o.get) ctx.out.Ok();
}

void SetNx(Args args, ShardContext& ctx) {
  if (ctx.db.Find(args[1], ctx.now_ms)) return ctx.out.Integer(0);
  ctx.db.Insert(args[1], StringObject::Create(args[2]));
  ctx.db.Notify(kEventString, "set", args[1]);
  ctx.out.Integer(1);
}

void SetExGeneric(Args args, ShardContext& ctx, TimeUnit unit, std::string_view name) {
  int64_t when;
  std::string error;
  if (!ParseExpireTime(args[2], unit, true, ctx.now_ms, name, &when, &error)) {
    return ctx.out.Error(error);
  }
  ctx.db.Set(args[1], StringObject::Create(args[3]), when, false, ctx.now_ms);
  ctx.db.Notify(kEventString, "set", args[1]);
  ctx.db.Notify(kEventGeneric, "expire", args[1]);
  ctx.out.Ok();
}

void SetEx(Args args, ShardContext& ctx) { SetExGeneric(args, ctx, TimeUnit::kSeconds, "setex"); }
void PSetEx(Args args, ShardContext& ctx) {
  SetExGeneric(args, ctx, TimeUnit::kMilliseconds, "psetex");
}

void GetSet(Args args, ShardContext& ctx) {
  TypedLookup r = LookupTyped(ctx, args[1], ObjectType::kString);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  r.ref ? WriteString(ctx.out, AsString(r.ref)) : ctx.out.Null();
  ctx.db.Set(args[1], StringObject::Create(args[2]), 0, false, ctx.now_ms);
  ctx.db.Notify(kEventString, "set", args[1]);
}

void GetDel(Args args, ShardContext& ctx) {
  TypedLookup r = LookupTyped(ctx, args[1], ObjectType::kString);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  if (!r.ref) return ctx.out.Null();
  WriteString(ctx.out, AsString(r.ref));
  ctx.db.Erase(args[1]);
  ctx.db.Notify(kEventGeneric, "del", args[1]);
}

// Redis's order: the options' syntax, the key (nil, WRONGTYPE), and only
// then the expire time's value.
void GetEx(Args args, ShardContext& ctx) {
  StringOptions o;
  if (!ParseStringOptions(args, /*for_set=*/false, &o)) return ctx.out.Error(errors::kSyntax);
  bool persist = o.persist;
  TypedLookup r = LookupTyped(ctx, args[1], ObjectType::kString);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  if (!r.ref) return ctx.out.Null();
  int64_t when;
  std::string error;
  if (!ResolveExpire(o, ctx.now_ms, "getex", &when, &error)) return ctx.out.Error(error);
  WriteString(ctx.out, AsString(r.ref));
  if (when != 0) {
    if (when <= ctx.now_ms && !engine::ExpiryPause::active()) {
      ctx.db.Erase(args[1]);
      ctx.db.Notify(kEventGeneric, "del", args[1]);
      std::string_view del[] = {"DEL", args[1]};
      ctx.LogInstead(del);
    } else {
      ctx.db.SetExpire(r.ref, when);
      ctx.db.Notify(kEventGeneric, "expire", args[1]);
    }
  } else if (persist && r.ref.entry->expire_ms.load() != 0) {
    ctx.db.SetExpire(r.ref, 0);
    ctx.db.Notify(kEventGeneric, "persist", args[1]);
  }
}

// INCR/DECR/INCRBY/DECRBY.
void IncrBy(ShardContext& ctx, std::string_view key, int64_t delta) {
  TypedLookup r = LookupTypedWrite(ctx, key, ObjectType::kString);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  int64_t value = 0;
  if (r.ref) {
    StringObject* s = AsString(r.ref);
    if (s->is_int()) {
      value = s->int_value();
    } else {
      char scratch[24];
      if (!engine::ParseInt64(s->View(scratch), &value)) return ctx.out.Error(errors::kNotInteger);
    }
  }
  if ((delta < 0 && value < 0 && delta < INT64_MIN - value) ||
      (delta > 0 && value > 0 && delta > INT64_MAX - value)) {
    return ctx.out.Error(errors::kOverflow);
  }
  value += delta;
  if (r.ref) {
    ctx.db.Replace(r.ref, StringObject::CreateInt(value));  // keeps the TTL
  } else {
    ctx.db.Insert(key, StringObject::CreateInt(value));
  }
  ctx.db.Notify(kEventString, "incrby", key);
  ctx.out.Integer(value);
}

void Incr(Args args, ShardContext& ctx) { IncrBy(ctx, args[1], 1); }
void Decr(Args args, ShardContext& ctx) { IncrBy(ctx, args[1], -1); }

void IncrByCmd(Args args, ShardContext& ctx) {
  int64_t delta;
  if (!engine::ParseInt64(args[2], &delta)) return ctx.out.Error(errors::kNotInteger);
  IncrBy(ctx, args[1], delta);
}

void DecrByCmd(Args args, ShardContext& ctx) {
  int64_t delta;
  if (!engine::ParseInt64(args[2], &delta)) return ctx.out.Error(errors::kNotInteger);
  if (delta == INT64_MIN) return ctx.out.Error("ERR decrement would overflow");
  IncrBy(ctx, args[1], -delta);
}

void IncrByFloat(Args args, ShardContext& ctx) {
  // Redis's order: the type, the stored value, then the increment. "inf"
  // parses (string2ld) and is refused only as a result.
  TypedLookup r = LookupTypedWrite(ctx, args[1], ObjectType::kString);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  long double value = 0;
  if (r.ref) {
    char scratch[24];
    if (!ParseLongDouble(AsString(r.ref)->View(scratch), &value)) {
      return ctx.out.Error(errors::kNotFloat);
    }
  }
  long double delta;
  if (!ParseLongDouble(args[2], &delta)) return ctx.out.Error(errors::kNotFloat);
  value += delta;
  if (std::isnan(value) || std::isinf(value)) {
    return ctx.out.Error("ERR increment would produce NaN or Infinity");
  }
  std::string formatted = FormatLongDouble(value);
  if (r.ref) {
    ctx.db.Replace(r.ref, StringObject::Create(formatted));
  } else {
    ctx.db.Insert(args[1], StringObject::Create(formatted));
  }
  ctx.db.Notify(kEventString, "incrbyfloat", args[1]);
  ctx.out.Bulk(formatted);
}

void Append(Args args, ShardContext& ctx) {
  TypedLookup r = LookupTypedWrite(ctx, args[1], ObjectType::kString);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  if (!r.ref) {
    ctx.db.Insert(args[1], StringObject::CreateRaw(args[2]));
    ctx.db.Notify(kEventString, "append", args[1]);
    return ctx.out.Integer(static_cast<int64_t>(args[2].size()));
  }
  char scratch[24];
  std::string_view old = AsString(r.ref)->View(scratch);
  if (static_cast<int64_t>(old.size() + args[2].size()) > kMaxStringSize) {
    return ctx.out.Error(kTooBig);
  }
  std::string joined;
  joined.reserve(old.size() + args[2].size());
  joined.append(old).append(args[2]);
  ctx.db.Replace(r.ref, StringObject::CreateRaw(joined));
  ctx.db.Notify(kEventString, "append", args[1]);
  ctx.out.Integer(static_cast<int64_t>(joined.size()));
}

void Strlen(Args args, ShardContext& ctx) {
  TypedLookup r = LookupTyped(ctx, args[1], ObjectType::kString);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  ctx.out.Integer(r.ref ? static_cast<int64_t>(AsString(r.ref)->size()) : 0);
}

void GetRange(Args args, ShardContext& ctx) {
  int64_t start, end;
  if (!engine::ParseInt64(args[2], &start) || !engine::ParseInt64(args[3], &end)) {
    return ctx.out.Error(errors::kNotInteger);
  }
  TypedLookup r = LookupTyped(ctx, args[1], ObjectType::kString);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  if (!r.ref) return ctx.out.Bulk("");
  char scratch[24];
  std::string_view s = AsString(r.ref)->View(scratch);
  int64_t len = static_cast<int64_t>(s.size());
  if (start < 0 && end < 0 && start > end) return ctx.out.Bulk("");
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len == 0) return ctx.out.Bulk("");
  ctx.out.Bulk(s.substr(start, end - start + 1));
}

void SetRange(Args args, ShardContext& ctx) {
  int64_t offset;
  if (!engine::ParseInt64(args[2], &offset)) return ctx.out.Error(errors::kNotInteger);
  if (offset < 0) return ctx.out.Error("ERR offset is out of range");
  std::string_view value = args[3];
  TypedLookup r = LookupTypedWrite(ctx, args[1], ObjectType::kString);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  char scratch[24];
  std::string_view old = r.ref ? AsString(r.ref)->View(scratch) : std::string_view();
  if (value.empty()) return ctx.out.Integer(static_cast<int64_t>(old.size()));
  // offset may be near INT64_MAX: compare without adding.
  if (offset > kMaxStringSize - static_cast<int64_t>(value.size())) return ctx.out.Error(kTooBig);
  std::string s(old);
  if (s.size() < offset + value.size()) s.resize(offset + value.size(), '\0');
  s.replace(offset, value.size(), value);
  if (r.ref) {
    ctx.db.Replace(r.ref, StringObject::CreateRaw(s));
  } else {
    ctx.db.Insert(args[1], StringObject::CreateRaw(s));
  }
  ctx.db.Notify(kEventString, "setrange", args[1]);
  ctx.out.Integer(static_cast<int64_t>(s.size()));
}

// MGET: each shard fills the slots of its own keys; the reply keeps the
// argument order.
void MGet(MultiCommand& mc) {
  auto values = std::make_shared<std::vector<std::unique_ptr<std::string>>>(mc.args().size());
  mc.AddPhase([&mc, values](engine::Shard& shard, engine::Db& db) {
    for (int pos : mc.KeysOn(shard.id())) {
      engine::KeyEventLog::SortAt(pos);
      engine::KeyRef ref = db.Find(mc.args()[pos], shard.now_ms());
      if (!ref) NoteReadMiss(db, mc.args()[pos]);
      if (ref && ref.obj()->type == ObjectType::kString) {
        auto v = std::make_unique<std::string>();
        AsString(ref)->AppendTo(v.get());
        (*values)[pos] = std::move(v);
      }
    }
  });
  mc.SetReply([values](resp::ReplyWriter& out) {
    out.ArrayHeader(values->size() - 1);
    for (size_t i = 1; i < values->size(); ++i) {
      (*values)[i] ? out.Bulk(*(*values)[i]) : out.Null();
    }
  });
}

void MSetPhase(MultiCommand& mc, engine::Shard& shard, engine::Db& db) {
  for (int pos : mc.KeysOn(shard.id())) {
    engine::KeyEventLog::SortAt(pos);
    db.Set(mc.args()[pos], StringObject::Create(mc.args()[pos + 1]), 0, false, shard.now_ms());
    db.Notify(kEventString, "set", mc.args()[pos]);
  }
}

bool CheckPairs(MultiCommand& mc) {
  if (mc.args().size() % 2 == 1) return true;
  std::string error = errors::WrongArity(mc.spec().name);
  mc.SetReply([error](resp::ReplyWriter& out) { out.Error(error); });
  return false;
}

void MSet(MultiCommand& mc) {
  if (!CheckPairs(mc)) return;
  mc.AddPhase([&mc](engine::Shard& shard, engine::Db& db) { MSetPhase(mc, shard, db); });
  mc.SetReply([](resp::ReplyWriter& out) { out.Ok(); });
}

// MSETNX: phase one looks for any existing key on every shard; phase two
// writes only if none was found.
void MSetNx(MultiCommand& mc) {
  if (!CheckPairs(mc)) return;
  auto exists = std::make_shared<std::atomic<bool>>(false);
  mc.AddPhase([&mc, exists](engine::Shard& shard, engine::Db& db) {
    for (int pos : mc.KeysOn(shard.id())) {
      engine::KeyEventLog::SortAt(pos);
      if (db.Find(mc.args()[pos], shard.now_ms())) exists->store(true);
    }
  });
  mc.AddPhase([&mc, exists](engine::Shard& shard, engine::Db& db) {
    if (!exists->load()) MSetPhase(mc, shard, db);
  });
  mc.SetReply([exists](resp::ReplyWriter& out) { out.Integer(exists->load() ? 0 : 1); });
}

}  // namespace

void RegisterStringCommands(CommandTable& t) {
  const std::vector<std::string> r = {"@read", "@string", "@fast"};
  const std::vector<std::string> w = {"@write", "@string", "@fast"};
  const std::vector<std::string> ws = {"@write", "@string", "@slow"};
  t.Add(KeyCommand("get", 2, kReadOnly | kFast, Get, r, FastGet));
  t.Add(KeyCommand("set", -3, kWrite | kDenyOom, Set, ws));
  t.Add(KeyCommand("setnx", 3, kWrite | kDenyOom | kFast, SetNx, w));
  t.Add(KeyCommand("setex", 4, kWrite | kDenyOom, SetEx, ws));
  t.Add(KeyCommand("psetex", 4, kWrite | kDenyOom, PSetEx, ws));
  t.Add(KeyCommand("getset", 3, kWrite | kDenyOom | kFast, GetSet, w));
  t.Add(KeyCommand("getdel", 2, kWrite | kFast, GetDel, w));
  t.Add(KeyCommand("getex", -2, kWrite | kFast, GetEx, w));
  t.Add(KeyCommand("incr", 2, kWrite | kDenyOom | kFast, Incr, w));
  t.Add(KeyCommand("decr", 2, kWrite | kDenyOom | kFast, Decr, w));
  t.Add(KeyCommand("incrby", 3, kWrite | kDenyOom | kFast, IncrByCmd, w));
  t.Add(KeyCommand("decrby", 3, kWrite | kDenyOom | kFast, DecrByCmd, w));
  t.Add(KeyCommand("incrbyfloat", 3, kWrite | kDenyOom | kFast, IncrByFloat, w));
  t.Add(KeyCommand("append", 3, kWrite | kDenyOom | kFast, Append, w));
  t.Add(KeyCommand("strlen", 2, kReadOnly | kFast, Strlen, r, FastStrlen));
  t.Add(KeyCommand("getrange", 4, kReadOnly, GetRange, {"@read", "@string", "@slow"}));
  t.Add(KeyCommand("substr", 4, kReadOnly, GetRange, {"@read", "@string", "@slow"}));
  t.Add(KeyCommand("setrange", 4, kWrite | kDenyOom, SetRange, ws));

  t.Add(MultiKeyCommand("mget", -2, kReadOnly | kFast, 1, -1, 1, MGet, r));
  t.Add(MultiKeyCommand("mset", -3, kWrite | kDenyOom, 1, -1, 2, MSet, ws));
  t.Add(MultiKeyCommand("msetnx", -3, kWrite | kDenyOom, 1, -1, 2, MSetNx, ws));
}

}  // namespace server
