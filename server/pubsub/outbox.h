#ifndef SHARDIS_SERVER_PUBSUB_OUTBOX_H_
#define SHARDIS_SERVER_PUBSUB_OUTBOX_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "resp/reply_writer.h"

namespace pubsub {

// One published message and the clients of one worker that receive it.
struct Delivery {
  // kInvalidate: CLIENT TRACKING's news for one tracking client (formatted
  // by the receiving worker, which knows the client's mode, redirection
  // and protocol); payload->channel is the key, or all_keys.
  enum class Kind : uint8_t { kMessage, kPMessage, kSMessage, kInvalidate };
  struct Payload {
    std::string channel;
    std::string message;
  };

  Kind kind;
  // Shared by the deliveries of one message to several workers.
  std::shared_ptr<const Payload> payload;
  std::string pattern;  // kPMessage: the pattern that matched (kInvalidate: the prefix)
  std::vector<uint64_t> clients;
  // kInvalidate: who changed the key (NOLOOP), whether a BCAST prefix
  // matched it (else the client read it), or FLUSHDB/FLUSHALL.
  uint64_t writer = 0;
  bool from_prefix = false;
  bool all_keys = false;

  // The push a receiving client reads, as Redis writes it (an array in
  // RESP2, a push in RESP3): message/smessage <channel> <message>, or
  // pmessage <pattern> <channel> <message>.
  void Write(resp::ReplyWriter& w) const;
};

// What one thread published and has not handed over yet, grouped by the
// worker that owns the receivers. A worker flushes its outbox once per
// event-loop iteration: in order, so one publisher's messages arrive in the
// order it published them, and a message is never written into the middle
// of a reply (a keyspace event raised halfway through a handler waits for
// the end of the iteration). Owner thread only.
class Outbox {
 public:
  explicit Outbox(size_t workers);

  // Starts a message; the Add calls that follow are its receivers. The
  // views need only live until the next Begin.
  void Begin(Delivery::Kind kind, std::string_view channel, std::string_view message);
  // `pattern` is the matching pattern of a kPMessage (ignored otherwise).
  void Add(uint32_t worker, uint64_t client, std::string_view pattern = {});

  // An invalidation for tracking client `client` (kInvalidate); `prefix`
  // is the BCAST prefix that matched (from_prefix), kept in `pattern`.
  void AddInvalidation(uint32_t worker, uint64_t client, std::string_view key, uint64_t writer,
                       std::string_view prefix, bool from_prefix, bool all_keys = false);

  bool empty() const { return queued_ == 0; }
  // Moves out what is bound for `worker`, in publishing order.
  std::vector<Delivery> Take(uint32_t worker);
  size_t workers() const { return per_worker_.size(); }

  // The outbox of the calling thread (set by its worker), or nullptr on a
  // thread that publishes nothing.
  static Outbox* Current();
  static void SetCurrent(Outbox* outbox);

 private:
  std::vector<std::vector<Delivery>> per_worker_;
  // Per worker, the message number its last delivery belongs to.
  std::vector<uint64_t> last_message_;
  uint64_t message_ = 0;
  size_t queued_ = 0;
  Delivery::Kind kind_ = Delivery::Kind::kMessage;
  std::string_view channel_;
  std::string_view body_;
  std::shared_ptr<const Delivery::Payload> payload_;
};

}  // namespace pubsub

#endif  // SHARDIS_SERVER_PUBSUB_OUTBOX_H_
