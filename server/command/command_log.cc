// The forms in which write commands are logged for replay: whatever a
// command meant relative to when it ran (a TTL in seconds from now, "wait
// for a value") becomes what it did, as Redis 7.0 propagates them.
#include "server/command/command_log.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "engine/object.h"
#include "server/command/command.h"
#include "server/command/text.h"

namespace server {
namespace {

using Argv = std::vector<std::string>;

Argv Copy(Args args, size_t from = 0, size_t to = SIZE_MAX) {
  Argv out;
  for (size_t i = from; i < std::min(to, args.size()); ++i) out.emplace_back(args[i]);
  return out;
}

void AddArgv(CommandLog& log, int db, const Argv& argv) {
  std::vector<std::string_view> views(argv.begin(), argv.end());
  log.Add(db, views);
}

// An absolute unix time in ms from an expire argument; false when it does
// not parse (the handler refused it, so nothing ran).
bool AbsoluteMs(std::string_view arg, bool seconds, bool relative, int64_t now_ms, int64_t* out) {
  int64_t v = 0;
  if (!engine::ParseInt64(arg, &v)) return false;
  if (seconds) v = static_cast<int64_t>(static_cast<uint64_t>(v) * 1000);
  if (relative) v = static_cast<int64_t>(static_cast<uint64_t>(v) + static_cast<uint64_t>(now_ms));
  *out = v;
  return true;
}

// EXPIRE, PEXPIRE, EXPIREAT key t [NX|XX|GT|LT] -> PEXPIREAT key ms [...].
bool ExpireForm(Args args, bool seconds, bool relative, int64_t now_ms, Argv* out) {
  int64_t when = 0;
  if (args.size() < 3 || !AbsoluteMs(args[2], seconds, relative, now_ms, &when)) return false;
  *out = {"PEXPIREAT", std::string(args[1]), absl::StrCat(when)};
  for (size_t i = 3; i < args.size(); ++i) out->emplace_back(args[i]);
  return true;
}

// SET's and GETEX's EX/PX/EXAT become PXAT; returns whether one was there.
bool AbsoluteExpireOption(Args args, size_t from, int64_t now_ms, Argv* out, int64_t* when) {
  bool found = false;
  for (size_t i = from; i < args.size(); ++i) {
    std::string_view a = args[i];
    bool ex = EqualsIgnoreCase(a, "EX"), px = EqualsIgnoreCase(a, "PX");
    bool exat = EqualsIgnoreCase(a, "EXAT"), pxat = EqualsIgnoreCase(a, "PXAT");
    if ((ex || px || exat || pxat) && i + 1 < args.size()) {
      if (!AbsoluteMs(args[i + 1], ex || exat, ex || px, now_ms, when)) return false;
      out->emplace_back("PXAT");
      out->push_back(absl::StrCat(*when));
      found = true;
      ++i;
      continue;
    }
    out->emplace_back(a);
  }
  return found;
}

// The keys of a pop over several keys, kept as `only_keys` says.
std::vector<std::string> KeptKeys(Args args, size_t first, size_t count,
                                  const std::vector<int>* only_keys) {
  std::vector<std::string> keys;
  for (size_t i = first; i < first + count && i < args.size(); ++i) {
    if (only_keys == nullptr ||
        std::find(only_keys->begin(), only_keys->end(), static_cast<int>(i)) != only_keys->end()) {
      keys.emplace_back(args[i]);
    }
  }
  return keys;
}

// BLPOP k1 k2 t -> LMPOP 2 k1 k2 LEFT (first non-empty key, one element);
// BZPOPMIN -> ZMPOP ... MIN.
Argv PopOverKeys(Args args, std::string_view command, std::string_view end,
                 const std::vector<int>* only_keys) {
  std::vector<std::string> keys = KeptKeys(args, 1, args.size() - 2, only_keys);
  Argv out = {std::string(command), absl::StrCat(keys.size())};
  out.insert(out.end(), keys.begin(), keys.end());
  out.emplace_back(end);
  return out;
}

// BLMPOP t n k... END [COUNT c] -> LMPOP n k... END [COUNT c].
Argv CountedPop(Args args, std::string_view command, const std::vector<int>* only_keys) {
  int64_t n = 0;
  if (args.size() < 3 || !engine::ParseInt64(args[2], &n) || n <= 0 ||
      static_cast<size_t>(n) + 3 > args.size()) {
    return Copy(args);  // refused by the handler: never reached
  }
  std::vector<std::string> keys = KeptKeys(args, 3, static_cast<size_t>(n), only_keys);
  Argv out = {std::string(command), absl::StrCat(keys.size())};
  out.insert(out.end(), keys.begin(), keys.end());
  for (size_t i = 3 + static_cast<size_t>(n); i < args.size(); ++i) out.emplace_back(args[i]);
  return out;
}

}  // namespace

void CommandBatch::Add(int db, Args argv) {
  LoggedCommand c;
  c.db = db;
  c.argv.reserve(argv.size());
  for (std::string_view a : argv) c.argv.emplace_back(a);
  commands_.push_back(std::move(c));
}

void CommandBatch::AddAtomic(const std::vector<LoggedCommand>& commands) {
  commands_.insert(commands_.end(), commands.begin(), commands.end());
}

void CommandBatch::FlushTo(CommandLog& log) {
  if (commands_.empty()) return;
  if (commands_.size() == 1) {
    AddArgv(log, commands_[0].db, commands_[0].argv);
  } else {
    log.AddAtomic(commands_);
  }
  commands_.clear();
}

void LogCommand(CommandLog& log, const CommandSpec& spec, Args args, int db, int64_t now_ms,
                const std::vector<int>* only_keys) {
  const std::string& name = spec.name;
  Argv out;
  int64_t when = 0;
  if (name == "expire" || name == "pexpire" || name == "expireat") {
    if (ExpireForm(args, name == "expire" || name == "expireat", name != "expireat", now_ms, &out)) {
      return AddArgv(log, db, out);
    }
  } else if ((name == "setex" || name == "psetex") && args.size() == 4) {
    if (AbsoluteMs(args[2], name == "setex", true, now_ms, &when)) {
      return AddArgv(log, db,
                     {"SET", std::string(args[1]), std::string(args[3]), "PXAT",
                      absl::StrCat(when)});
    }
  } else if (name == "set" && args.size() > 3) {
    out = Copy(args, 0, 3);  // the options follow the key and the value
    if (AbsoluteExpireOption(args, 3, now_ms, &out, &when)) return AddArgv(log, db, out);
  } else if (name == "getex") {
    bool persist = false;
    for (size_t i = 2; i < args.size(); ++i) persist |= EqualsIgnoreCase(args[i], "PERSIST");
    Argv ignored;
    if (args.size() > 2 && AbsoluteExpireOption(args, 2, now_ms, &ignored, &when)) {
      return AddArgv(log, db, {"PEXPIREAT", std::string(args[1]), absl::StrCat(when)});
    }
    if (persist) return AddArgv(log, db, {"PERSIST", std::string(args[1])});
    return;  // it only read
  } else if (name == "restore" && args.size() >= 4) {
    bool absttl = false;
    for (size_t i = 4; i < args.size(); ++i) absttl |= EqualsIgnoreCase(args[i], "ABSTTL");
    int64_t ttl = 0;
    if (!absttl && engine::ParseInt64(args[2], &ttl) && ttl != 0) {
      out = Copy(args);
      out[2] = absl::StrCat(static_cast<int64_t>(static_cast<uint64_t>(ttl) +
                                                 static_cast<uint64_t>(now_ms)));
      out.emplace_back("ABSTTL");
      return AddArgv(log, db, out);
    }
  } else if (name == "blpop" || name == "brpop") {
    return AddArgv(log, db, PopOverKeys(args, "LMPOP", name == "blpop" ? "LEFT" : "RIGHT", only_keys));
  } else if (name == "bzpopmin" || name == "bzpopmax") {
    return AddArgv(log, db, PopOverKeys(args, "ZMPOP", name == "bzpopmin" ? "MIN" : "MAX", only_keys));
  } else if (name == "blmpop" || name == "bzmpop") {
    return AddArgv(log, db, CountedPop(args, name == "blmpop" ? "LMPOP" : "ZMPOP", only_keys));
  } else if (name == "blmove" && args.size() == 6) {
    return AddArgv(log, db, {"LMOVE", std::string(args[1]), std::string(args[2]),
                             std::string(args[3]), std::string(args[4])});
  } else if (name == "brpoplpush" && args.size() == 4) {
    return AddArgv(log, db, {"RPOPLPUSH", std::string(args[1]), std::string(args[2])});
  }
  log.Add(db, args);
}

}  // namespace server
