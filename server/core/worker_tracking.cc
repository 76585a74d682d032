// Worker: CLIENT TRACKING's side of a connection - its registration in the
// server's TrackingTable, the keys its reads remember, and the
// invalidations written to it (or to the client it redirects to).
#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "server/core/server.h"
#include "server/core/worker.h"

namespace server {

// One invalidation message's keys for one client: null for "everything"
// (FLUSHDB / FLUSHALL), else the keys in the order they changed.
struct Invalidation {
  bool all = false;
  std::vector<std::string> keys;
};

namespace {

// The "invalidate" push (RESP3) or the __redis__:invalidate message (a
// RESP2 subscriber that another client redirects to), as Redis writes them;
// `null_proto` is the tracking client's protocol, whose null Redis sends.
std::string FormatInvalidation(const Invalidation& inv, resp::Protocol target,
                               resp::Protocol null_proto) {
  std::string out;
  resp::ReplyWriter w(&out, target);
  if (target == resp::Protocol::kResp3) {
    w.PushHeader(2);
    w.Bulk("invalidate");
  } else {
    w.ArrayHeader(3);
    w.Bulk("message");
    w.Bulk("__redis__:invalidate");
  }
  if (inv.all) {
    out += null_proto == resp::Protocol::kResp3 ? "_\r\n" : "$-1\r\n";
  } else {
    w.ArrayHeader(inv.keys.size());
    for (const std::string& key : inv.keys) w.Bulk(key);
  }
  return out;
}

}  // namespace

void Worker::TrackingOn(Client& c, const std::vector<std::string>& new_prefixes) {
  pubsub::Subscriber me = SubscriberOf(c);
  pubsub::TrackingTable& table = server_->tracking();
  table.AddClient(me);
  for (const std::string& prefix : new_prefixes) {
    if (c.tracking->prefixes.insert(prefix).second) table.AddPrefix(prefix, me);
  }
  server_->keyspace_events().set_tracking(table.active());
}

void Worker::TrackingOff(Client& c) {
  if (c.tracking == nullptr) return;
  pubsub::Subscriber me = SubscriberOf(c);
  pubsub::TrackingTable& table = server_->tracking();
  for (const std::string& prefix : c.tracking->prefixes) table.RemovePrefix(prefix, me);
  table.RemoveClient(me);
  c.tracking.reset();
  server_->keyspace_events().set_tracking(table.active());
}

void Worker::RememberReadKeys(Client& c, const CommandSpec& spec, Args args) {
  // Shard channels look like keys to the command table but are not; a
  // read-only script caches what its commands read, not itself.
  if (!(spec.flags & kReadOnly) || (spec.flags & kPubSub) || spec.name == "eval_ro" ||
      spec.name == "evalsha_ro" || spec.name == "fcall_ro") {
    return;
  }
  std::vector<std::string_view> keys;
  for (int pos : KeyPositions(spec, args)) keys.push_back(args[pos]);
  RememberKeys(c, keys);
}

void Worker::RememberKeys(Client& c, const std::vector<std::string_view>& keys) {
  const TrackingState& t = *c.tracking;
  // BCAST clients hear by prefix; OPTIN remembers only after CACHING YES,
  // OPTOUT all but after CACHING NO.
  if (t.bcast || (t.optin && !t.caching) || (t.optout && t.caching)) return;
  pubsub::TrackingTable& table = server_->tracking();
  for (std::string_view key : keys) table.Remember(key, SubscriberOf(c));
  size_t max_keys = static_cast<size_t>(server_->config().tracking_table_max_keys.get());
  if (max_keys > 0 && table.keys() > max_keys) table.Limit(max_keys, outbox_);
}

void Worker::DeliverInvalidations(const std::vector<const pubsub::Delivery*>& deliveries) {
  // As Redis sends them: a key read in default mode, and a flush, each as
  // its own message; BCAST keys gathered per prefix - one message for the
  // keys of one prefix that one flush of a thread's outbox brings (Redis:
  // one per prefix per event-loop iteration), each key once.
  struct Group {
    uint64_t client;
    std::string prefix;
    Invalidation inv;
    absl::flat_hash_set<std::string> seen;
  };
  std::vector<Group> groups;
  for (const pubsub::Delivery* d : deliveries) {
    uint64_t id = d->clients[0];
    Client* c = FindClient(id);
    if (c == nullptr || c->conn == nullptr || c->tracking == nullptr) continue;
    const TrackingState& t = *c->tracking;
    if (d->all_keys) {
      SendInvalidation(*c, Invalidation{true, {}});
      continue;
    }
    // A key read before the client switched to BCAST, or a prefix it left.
    if (d->from_prefix != t.bcast) continue;
    if (t.noloop && d->writer == id) continue;
    if (!d->from_prefix) {
      SendInvalidation(*c, Invalidation{false, {d->payload->channel}});
      continue;
    }
    auto g = std::find_if(groups.begin(), groups.end(),
                          [&](const Group& g) { return g.client == id && g.prefix == d->pattern; });
    if (g == groups.end()) g = groups.insert(groups.end(), Group{id, d->pattern, {}, {}});
    if (g->seen.insert(d->payload->channel).second) g->inv.keys.push_back(d->payload->channel);
  }
  // Prefix by prefix, in Redis's (sorted) order.
  std::stable_sort(groups.begin(), groups.end(),
                   [](const Group& a, const Group& b) { return a.prefix < b.prefix; });
  for (Group& g : groups) {
    Client* c = FindClient(g.client);
    if (c != nullptr && c->tracking != nullptr) SendInvalidation(*c, g.inv);
  }
}

void Worker::SendInvalidation(Client& c, const Invalidation& inv) {
  TrackingState& t = *c.tracking;
  if (t.redirect == 0) {
    // RESP2 without a redirection: there is no way to say it.
    if (c.proto == resp::Protocol::kResp3) {
      PushToClient(c, FormatInvalidation(inv, c.proto, c.proto));
    }
    return;
  }
  std::optional<uint32_t> where = server_->client_directory().WorkerOf(t.redirect);
  if (!where) {
    // The redirection target is gone: in RESP3 the client hears so, each
    // time (Redis's tracking-redir-broken).
    t.broken_redirect = true;
    if (c.proto == resp::Protocol::kResp3) {
      std::string out;
      resp::ReplyWriter w(&out, c.proto);
      w.PushHeader(2);
      w.Bulk("tracking-redir-broken");
      w.Integer(static_cast<int64_t>(t.redirect));
      PushToClient(c, out);
    }
    return;
  }
  uint64_t target = t.redirect;
  resp::Protocol null_proto = c.proto;
  auto send = [target, inv, null_proto](Worker& w) {
    Client* r = w.FindClient(target);
    if (r == nullptr || r->conn == nullptr) return;
    // RESP2 gets it only as a subscriber (of __redis__:invalidate).
    if (r->proto != resp::Protocol::kResp3 && !r->subscribed()) return;
    w.PushToClient(*r, FormatInvalidation(inv, r->proto, null_proto));
  };
  if (*where == id_) return send(*this);
  Worker* to = &server_->worker(*where);
  shard_.Send(*where, std::make_unique<engine::Task>(
                          engine::Task::Kind::kCallback,
                          [to, send = std::move(send)](engine::Shard&) { send(*to); }));
}

}  // namespace server
