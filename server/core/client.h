#ifndef SHARDIS_SERVER_CORE_CLIENT_H_
#define SHARDIS_SERVER_CORE_CLIENT_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "net/connection.h"
#include "resp/reply_writer.h"
#include "resp/request_parser.h"
#include "server/command/command.h"
#include "server/transaction/multi_state.h"

namespace server {

class BlockedCommand;
struct ExecRun;

// A reply whose command is still running elsewhere, or that follows one.
// Filled by whichever thread runs the command (the mailbox hand-off orders
// that write before the owner reads it); read only by the client's thread.
struct PendingReply {
  std::string data;
  bool ready = false;
  // CLIENT REPLY OFF/SKIP: filled as usual, never sent.
  bool discard = false;
};

// What a client is subscribed to (Pub/Sub); the registry holds the same,
// for publishers on every worker.
struct Subscriptions {
  absl::flat_hash_set<std::string> channels;
  absl::flat_hash_set<std::string> patterns;
  absl::flat_hash_set<std::string> shard_channels;
};

// Commands of one client bound for one remote shard, sent as one mailbox
// message (one wake-up for a whole pipeline's worth).
struct HopBatch {
  struct Command {
    const CommandSpec* spec;
    uint32_t first_arg;
    uint32_t num_args;
    int db;
    resp::Protocol proto;
    PendingReply* reply;
  };
  std::string arena;                                // argument bytes
  std::vector<std::pair<uint32_t, uint32_t>> args;  // offset, length in arena
  std::vector<Command> commands;
};

// CLIENT TRACKING's state for one client (absent while tracking is off).
struct TrackingState {
  bool bcast = false;
  bool optin = false;
  bool optout = false;
  bool noloop = false;
  // CLIENT CACHING YES (OPTIN) or NO (OPTOUT) was given for the next
  // command (inside MULTI: until EXEC).
  bool caching = false;
  // Given by the command that just ran (it holds for the next one).
  bool caching_fresh = false;
  // The redirection target went away: nothing more is sent.
  bool broken_redirect = false;
  uint64_t redirect = 0;  // 0: to this client itself (RESP3)
  std::set<std::string> prefixes;  // BCAST; sorted, as TRACKINGINFO lists them
};

// One connection's state. Owned by its worker; only that worker's thread
// touches it. Outlives its connection while replies are in flight.
struct Client {
  explicit Client(net::Connection* c, int64_t now_ms)
      : conn(c), id(c->id()), created_ms(now_ms), last_interaction_ms(now_ms) {}

  net::Connection* conn;  // nullptr once the connection closed
  uint64_t id;
  std::string name;
  int db = 0;
  resp::Protocol proto = resp::Protocol::kResp2;
  resp::RequestParser parser;
  bool authenticated = true;
  // The Config::limits_epoch its parser limits were derived at.
  uint64_t limits_epoch = 0;
  int64_t created_ms;
  int64_t last_interaction_ms;
  // The last command run (CLIENT LIST cmd=); a table entry, not a copy.
  const CommandSpec* last_command = nullptr;
  bool close_after_reply = false;
  // CLIENT NO-EVICT ON: shown in CLIENT LIST's flags (we never evict
  // clients, so nothing else reads it).
  bool no_evict = false;

  // Replies in command order; non-empty while anything is in flight.
  std::deque<PendingReply> pending;
  // Hops and transactions not yet answered.
  int in_flight = 0;
  // A multi-shard command is running: later commands wait (they may touch
  // its shards, and must see its effects).
  bool waiting_for_transaction = false;
  // In BLPOP & co: later commands wait until it is served or times out.
  BlockedCommand* blocked = nullptr;
  // Per target shard, the batch being collected during this read.
  std::vector<std::unique_ptr<HopBatch>> batches;
  bool has_batches = false;
  // Inside ProcessInput (completions must not re-enter it).
  bool processing = false;
  // Code up the stack still uses this client: not freed even if closed.
  int pins = 0;
  // Not read while too many reply bytes wait for it.
  bool paused_for_output = false;
  // When its output first went over the soft limit (0: it is not over).
  int64_t over_soft_limit_since_ms = 0;
  // Between MULTI and EXEC/DISCARD: the queued commands (else nullptr).
  std::unique_ptr<MultiState> multi;
  // WATCHed keys, until EXEC, DISCARD, UNWATCH, RESET or disconnect.
  WatchSet watches;
  // EXECs of a pipeline waiting to run as one transaction; only ever
  // non-empty inside ProcessInput (worker_exec.cc).
  std::vector<ExecRun*> parked_execs;
  // CLIENT TRACKING; nullptr while off.
  std::unique_ptr<TrackingState> tracking;
  // Pub/Sub subscriptions; nullptr until the first SUBSCRIBE.
  std::unique_ptr<Subscriptions> subs;
  // CLIENT REPLY: kOff drops every reply, kSkip the next command's.
  enum class ReplyMode : uint8_t { kOn, kOff, kSkip } reply_mode = ReplyMode::kOn;
  // The reply of the command being run is dropped (set per command from
  // reply_mode); pushes (messages, subscribe confirmations) still go out.
  bool suppress_reply = false;

  // SUBSCRIBE + PSUBSCRIBE count (what their replies report).
  size_t subscription_count() const {
    return subs ? subs->channels.size() + subs->patterns.size() : 0;
  }
  size_t shard_subscription_count() const { return subs ? subs->shard_channels.size() : 0; }
  // Subscribed to anything: a RESP2 client is in Pub/Sub mode, and its
  // output falls under the pubsub output limit.
  bool subscribed() const { return subscription_count() + shard_subscription_count() > 0; }
};

// Keeps a client allocated across calls that may close its connection
// (the worker frees a closed client only when nothing pins it).
class ClientPin {
 public:
  explicit ClientPin(Client* c) : c_(c) { ++c_->pins; }
  ~ClientPin() { --c_->pins; }
  ClientPin(const ClientPin&) = delete;
  ClientPin& operator=(const ClientPin&) = delete;

 private:
  Client* c_;
};

}  // namespace server

#endif  // SHARDIS_SERVER_CORE_CLIENT_H_
