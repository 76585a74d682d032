#include "server/pubsub/outbox.h"

namespace pubsub {

namespace {
thread_local Outbox* current_outbox = nullptr;
}  // namespace

void Delivery::Write(resp::ReplyWriter& w) const {
  switch (kind) {
    case Kind::kMessage:
      w.PushHeader(3);
      w.Bulk("message");
      break;
    case Kind::kSMessage:
      w.PushHeader(3);
      w.Bulk("smessage");
      break;
    case Kind::kPMessage:
      w.PushHeader(4);
      w.Bulk("pmessage");
      w.Bulk(pattern);
      break;
    case Kind::kInvalidate:
      return;  // the receiving worker writes these (it knows the client)
  }
  w.Bulk(payload->channel);
  w.Bulk(payload->message);
}

Outbox::Outbox(size_t workers) : per_worker_(workers), last_message_(workers, 0) {}

void Outbox::Begin(Delivery::Kind kind, std::string_view channel, std::string_view message) {
  ++message_;
  kind_ = kind;
  channel_ = channel;
  body_ = message;
  payload_.reset();  // made on the first receiver: a message nobody hears costs nothing
}

void Outbox::Add(uint32_t worker, uint64_t client, std::string_view pattern) {
  if (payload_ == nullptr) {
    payload_ = std::make_shared<Delivery::Payload>(
        Delivery::Payload{std::string(channel_), std::string(body_)});
  }
  Delivery::Kind kind = pattern.empty() ? kind_ : Delivery::Kind::kPMessage;
  std::vector<Delivery>& out = per_worker_[worker];
  // Receivers of one message (and one pattern) on one worker share a delivery.
  if (last_message_[worker] != message_ || out.empty() || out.back().kind != kind ||
      out.back().pattern != pattern) {
    out.push_back(Delivery{kind, payload_, std::string(pattern), {}});
    last_message_[worker] = message_;
  }
  out.back().clients.push_back(client);
  ++queued_;
}

void Outbox::AddInvalidation(uint32_t worker, uint64_t client, std::string_view key,
                             uint64_t writer, std::string_view prefix, bool from_prefix,
                             bool all_keys) {
  Delivery d{Delivery::Kind::kInvalidate,
             std::make_shared<Delivery::Payload>(Delivery::Payload{std::string(key), ""}),
             std::string(prefix),
             {client}};
  d.writer = writer;
  d.from_prefix = from_prefix;
  d.all_keys = all_keys;
  per_worker_[worker].push_back(std::move(d));
  last_message_[worker] = 0;  // a message's later receivers start a new delivery
  ++queued_;
}

std::vector<Delivery> Outbox::Take(uint32_t worker) {
  std::vector<Delivery> out;
  out.swap(per_worker_[worker]);
  for (const Delivery& d : out) queued_ -= d.clients.size();
  last_message_[worker] = 0;
  return out;
}

Outbox* Outbox::Current() { return current_outbox; }
void Outbox::SetCurrent(Outbox* outbox) { current_outbox = outbox; }

}  // namespace pubsub
