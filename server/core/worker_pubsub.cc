// Worker: Pub/Sub - a client's subscriptions (here and in the server's
// registry), PUBLISH into this thread's outbox, the outbox flushed once per
// event-loop iteration to the receivers' workers, and delivery there.
#include "absl/strings/str_cat.h"
#include "server/core/server.h"
#include "server/core/worker.h"

namespace server {

namespace {

using Space = pubsub::SubscriptionRegistry::Space;

// What each space is called in replies, and where a client keeps its names
// (indexed by Space).
struct SpaceNames {
  const char* subscribe;
  const char* unsubscribe;
  absl::flat_hash_set<std::string> Subscriptions::*names;
};
constexpr SpaceNames kSpaces[] = {
    {"subscribe", "unsubscribe", &Subscriptions::channels},
    {"psubscribe", "punsubscribe", &Subscriptions::patterns},
    {"ssubscribe", "sunsubscribe", &Subscriptions::shard_channels},
};

const SpaceNames& NamesOf(Space space) { return kSpaces[static_cast<int>(space)]; }

absl::flat_hash_set<std::string>& NamesIn(Subscriptions& subs, Space space) {
  return subs.*NamesOf(space).names;
}

// Shard channels are counted apart from the others, as Redis counts them.
size_t CountFor(const Client& c, Space space) {
  return space == Space::kShardChannel ? c.shard_subscription_count() : c.subscription_count();
}

void WriteConfirmation(resp::ReplyWriter& w, const char* verb, const std::string* name,
                       size_t count) {
  w.PushHeader(3);
  w.Bulk(verb);
  if (name != nullptr) {
    w.Bulk(*name);
  } else {
    w.Null();
  }
  w.Integer(static_cast<int64_t>(count));
}

bool StillSubscribed(const Client& c, const pubsub::Delivery& d) {
  if (c.subs == nullptr) return false;
  switch (d.kind) {
    case pubsub::Delivery::Kind::kMessage:
      return c.subs->channels.contains(d.payload->channel);
    case pubsub::Delivery::Kind::kPMessage:
      return c.subs->patterns.contains(d.pattern);
    case pubsub::Delivery::Kind::kSMessage:
      break;
  }
  return c.subs->shard_channels.contains(d.payload->channel);
}

}  // namespace

void Worker::Subscribe(ClientContext& ctx, Space space, Args names) {
  Client& c = ctx.client;
  if (c.subs == nullptr) c.subs = std::make_unique<Subscriptions>();
  absl::flat_hash_set<std::string>& mine = NamesIn(*c.subs, space);
  // Confirmations are pushes: CLIENT REPLY OFF does not silence them.
  std::string pushed;
  resp::ReplyWriter push(&pushed, c.proto);
  resp::ReplyWriter& w = c.suppress_reply ? push : ctx.out;
  for (std::string_view name : names) {
    auto [it, added] = mine.emplace(name);
    // Registered before the confirmation is written: a PUBLISH the client
    // can know to come after it reaches it.
    if (added) server_->subscriptions().Add(space, name, SubscriberOf(c));
    WriteConfirmation(w, NamesOf(space).subscribe, &*it, CountFor(c, space));
  }
  if (!pushed.empty()) PushToClient(c, pushed);
}

void Worker::Unsubscribe(ClientContext& ctx, Space space, Args names) {
  Client& c = ctx.client;
  std::string pushed;
  resp::ReplyWriter push(&pushed, c.proto);
  resp::ReplyWriter& w = c.suppress_reply ? push : ctx.out;
  pubsub::Subscriber me = SubscriberOf(c);
  auto drop = [&](const std::string& name) {
    if (c.subs != nullptr && NamesIn(*c.subs, space).erase(name) > 0) {
      server_->subscriptions().Remove(space, name, me);
    }
    WriteConfirmation(w, NamesOf(space).unsubscribe, &name, CountFor(c, space));
  };
  if (!names.empty()) {
    for (std::string_view name : names) drop(std::string(name));
  } else if (c.subs == nullptr || NamesIn(*c.subs, space).empty()) {
    // Nothing to leave: one reply anyway, with a null name.
    WriteConfirmation(w, NamesOf(space).unsubscribe, nullptr, CountFor(c, space));
  } else {
    absl::flat_hash_set<std::string>& mine = NamesIn(*c.subs, space);
    std::vector<std::string> all(mine.begin(), mine.end());
    for (const std::string& name : all) drop(name);
  }
  if (!pushed.empty()) PushToClient(c, pushed);
}

size_t Worker::Publish(Space space, std::string_view channel, std::string_view message) {
  return server_->subscriptions().Publish(space, channel, message, outbox_);
}

void Worker::DropSubscriptions(Client& c) {
  if (c.subs == nullptr) return;
  pubsub::Subscriber me = SubscriberOf(c);
  for (Space space : {Space::kChannel, Space::kPattern, Space::kShardChannel}) {
    for (const std::string& name : NamesIn(*c.subs, space)) {
      server_->subscriptions().Remove(space, name, me);
    }
  }
  c.subs.reset();
}

void Worker::PushToClient(Client& c, std::string_view bytes) {
  if (c.conn == nullptr) return;
  {
    ClientPin pin(&c);  // the output limit may close it
    if (c.pending.empty()) {
      c.conn->output()->append(bytes);
      c.conn->CommitOutput();
    } else {
      // Replies still owed go first: a push never lands inside one, and a
      // confirmation keeps its place after the command's earlier replies.
      PendingReply* slot = NewPending(c);
      slot->discard = false;
      slot->data.assign(bytes);
      slot->ready = true;
    }
    EnforceOutputLimit(c);
  }
  MaybeFree(&c);
}

void Worker::FlushPublished() {
  if (outbox_.empty()) return;
  for (engine::ShardId w = 0; w < outbox_.workers(); ++w) {
    std::vector<pubsub::Delivery> deliveries = outbox_.Take(static_cast<uint32_t>(w));
    if (deliveries.empty()) continue;
    if (w == id_) {
      Deliver(std::move(deliveries));
      continue;
    }
    // A callback, not work: delivery touches connections, never data, so
    // it does not wait for a transaction holding that worker's shard.
    Worker* target = &server_->worker(w);
    shard_.Send(w, std::make_unique<engine::Task>(
                       engine::Task::Kind::kCallback,
                       [target, deliveries = std::move(deliveries)](engine::Shard&) mutable {
                         target->Deliver(std::move(deliveries));
                       }));
  }
}

void Worker::Deliver(std::vector<pubsub::Delivery> deliveries) {
  // Each message is written once per protocol, then copied to its readers.
  std::string resp2;
  std::string resp3;
  std::vector<const pubsub::Delivery*> invalidations;
  for (const pubsub::Delivery& d : deliveries) {
    if (d.kind == pubsub::Delivery::Kind::kInvalidate) {
      invalidations.push_back(&d);
      continue;
    }
    resp2.clear();
    resp3.clear();
    for (uint64_t id : d.clients) {
      Client* c = FindClient(id);
      // Gone, or it has answered UNSUBSCRIBE since the publish counted it:
      // nothing of that channel may follow that answer.
      if (c == nullptr || c->conn == nullptr || !StillSubscribed(*c, d)) continue;
      std::string& bytes = c->proto == resp::Protocol::kResp3 ? resp3 : resp2;
      if (bytes.empty()) {
        resp::ReplyWriter w(&bytes, c->proto);
        d.Write(w);
      }
      PushToClient(*c, bytes);
    }
  }
  if (!invalidations.empty()) DeliverInvalidations(invalidations);
}

}  // namespace server
