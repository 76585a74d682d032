#include "server/commands/connection/client_tracking.h"

#include "absl/strings/str_cat.h"
#include "engine/object.h"
#include "server/command/text.h"
#include "server/core/server.h"

namespace server {

namespace {

// Two prefixes overlap when one starts the other: both would report the
// same keys.
bool Overlap(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  return a.substr(0, n) == b.substr(0, n);
}

}  // namespace

void ClientTracking(Args args, ClientContext& ctx) {
  Client& c = ctx.client;
  int64_t redirect = 0;
  bool bcast = false, optin = false, optout = false, noloop = false;
  std::vector<std::string> prefixes;
  for (size_t i = 3; i < args.size(); ++i) {
    bool more = i + 1 < args.size();
    if (EqualsIgnoreCase(args[i], "redirect") && more) {
      ++i;
      if (redirect != 0)
        return ctx.out.Error("ERR A client can only redirect to a single other client");
      if (!engine::ParseInt64(args[i], &redirect)) return ctx.out.Error(errors::kNotInteger);
      // Checked now, though it may go later (then the client is told).
      if (redirect <= 0 ||
          !ctx.server.client_directory().WorkerOf(static_cast<uint64_t>(redirect))) {
        return ctx.out.Error("ERR The client ID you want redirect to does not exist");
      }
    } else if (EqualsIgnoreCase(args[i], "bcast")) {
      bcast = true;
    } else if (EqualsIgnoreCase(args[i], "optin")) {
      optin = true;
    } else if (EqualsIgnoreCase(args[i], "optout")) {
      optout = true;
    } else if (EqualsIgnoreCase(args[i], "noloop")) {
      noloop = true;
    } else if (EqualsIgnoreCase(args[i], "prefix") && more) {
      prefixes.emplace_back(args[++i]);
    } else {
      return ctx.out.Error(errors::kSyntax);
    }
  }
  if (EqualsIgnoreCase(args[2], "off")) {
    ctx.worker.TrackingOff(c);
    return ctx.out.Ok();
  }
  if (!EqualsIgnoreCase(args[2], "on")) return ctx.out.Error(errors::kSyntax);
  if (!bcast && !prefixes.empty()) {
    return ctx.out.Error("ERR PREFIX option requires BCAST mode to be enabled");
  }
  TrackingState* now = c.tracking.get();
  if (now != nullptr && now->bcast != bcast) {
    return ctx.out.Error(
        "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and "
        "then re-enabling it with a different mode.");
  }
  if (bcast && (optin || optout)) {
    return ctx.out.Error("ERR OPTIN and OPTOUT are not compatible with BCAST");
  }
  if (optin && optout)
    return ctx.out.Error("ERR You can't specify both OPTIN mode and OPTOUT mode");
  if (now != nullptr && ((optin && now->optout) || (optout && now->optin))) {
    return ctx.out.Error(
        "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and "
        "then re-enabling it with a different mode.");
  }
  if (bcast) {
    for (size_t i = 0; i < prefixes.size(); ++i) {
      if (now != nullptr) {
        for (const std::string& old : now->prefixes) {
          if (Overlap(prefixes[i], old)) {
            return ctx.out.Error(absl::StrCat("ERR Prefix '", AV(prefixes[i]),
                                              "' overlaps with an existing prefix '", AV(old),
                                              "'. Prefixes for a single client must not overlap."));
          }
        }
      }
      for (size_t j = i + 1; j < prefixes.size(); ++j) {
        if (Overlap(prefixes[i], prefixes[j])) {
          return ctx.out.Error(absl::StrCat(
              "ERR Prefix '", AV(prefixes[i]), "' overlaps with another provided prefix '",
              AV(prefixes[j]), "'. Prefixes for a single client must not overlap."));
        }
      }
    }
    if (prefixes.empty()) prefixes.emplace_back();  // every key
  }
  if (c.tracking == nullptr) c.tracking = std::make_unique<TrackingState>();
  // Turning it on again resets the modes but keeps BCAST's prefixes, as in
  // Redis.
  TrackingState& t = *c.tracking;
  t.bcast = bcast;
  t.optin = optin;
  t.optout = optout;
  t.noloop = noloop;
  t.broken_redirect = false;
  t.redirect = static_cast<uint64_t>(redirect);
  ctx.worker.TrackingOn(c, prefixes);
  ctx.out.Ok();
}

void ClientCaching(Args args, ClientContext& ctx) {
  TrackingState* t = ctx.client.tracking.get();
  if (t == nullptr) {
    return ctx.out.Error(
        "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or "
        "OPTOUT mode enabled");
  }
  if (EqualsIgnoreCase(args[2], "yes")) {
    if (!t->optin) {
      return ctx.out.Error(
          "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
    }
  } else if (EqualsIgnoreCase(args[2], "no")) {
    if (!t->optout) {
      return ctx.out.Error(
          "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
    }
  } else {
    return ctx.out.Error(errors::kSyntax);
  }
  t->caching = true;
  t->caching_fresh = true;
  ctx.out.Ok();
}

void ClientTrackingInfo(ClientContext& ctx) {
  const TrackingState* t = ctx.client.tracking.get();
  std::vector<std::string_view> flags;
  flags.push_back(t != nullptr ? "on" : "off");
  if (t != nullptr) {
    if (t->bcast) flags.push_back("bcast");
    if (t->optin) flags.push_back("optin");
    if (t->optin && t->caching) flags.push_back("caching-yes");
    if (t->optout) flags.push_back("optout");
    if (t->optout && t->caching) flags.push_back("caching-no");
    if (t->noloop) flags.push_back("noloop");
    if (t->broken_redirect) flags.push_back("broken_redirect");
  }
  ctx.out.MapHeader(3);
  ctx.out.Bulk("flags");
  ctx.out.SetHeader(flags.size());
  for (std::string_view f : flags) ctx.out.Bulk(f);
  ctx.out.Bulk("redirect");
  ctx.out.Integer(t != nullptr ? static_cast<int64_t>(t->redirect) : -1);
  ctx.out.Bulk("prefixes");
  // Redis lists the BCAST prefixes; the empty one stands for every key.
  ctx.out.ArrayHeader(t != nullptr ? t->prefixes.size() : 0);
  if (t != nullptr) {
    for (const std::string& p : t->prefixes) ctx.out.Bulk(p);
  }
}

void ClientGetRedir(ClientContext& ctx) {
  const TrackingState* t = ctx.client.tracking.get();
  ctx.out.Integer(t != nullptr ? static_cast<int64_t>(t->redirect) : -1);
}

}  // namespace server
