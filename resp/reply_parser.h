// Client-side parsing of RESP2 and RESP3 replies into Value trees: the codec
// for tests, benchmarks and tools that talk to a server.
#ifndef RESP_REPLY_PARSER_H_
#define RESP_REPLY_PARSER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "resp/value.h"

namespace resp {

struct ReplyParserLimits {
  // Largest accepted "$N", "!N" or "=N" payload.
  size_t max_bulk_len = 512ull << 20;
  // Deepest accepted nesting of aggregates; bounds the recursion of Value's
  // destructor and ToString on hostile input.
  size_t max_depth = 1000;
};

// Parses one reply at a time, RESP2 or RESP3 (the type byte tells which; both
// may be mixed). Streamed RESP3 aggregates ("*?") are not supported and are
// reported as errors; Redis never sends them.
//
// Lines must end in "\r\n" exactly. Attributes ("|") are attached to the
// value that follows them (Value::attributes) and do not count as elements of
// an enclosing aggregate.
//
// Not thread-safe; one parser per connection.
class ReplyParser {
 public:
  enum class Status { kValue, kNeedMore, kError };

  explicit ReplyParser(ReplyParserLimits limits = {}) : limits_(limits) {}

  // `buf` must start at the first byte not yet consumed. Between calls the
  // caller may append bytes and move the buffer but must not change bytes
  // already passed. Returns:
  //  - kValue: value() holds one complete reply; *consumed = its bytes.
  //  - kNeedMore: *consumed = 0; progress so far is kept (decoded elements
  //    are copied out of `buf`), so a large reply trickled in small reads
  //    costs O(n) in total.
  //  - kError: error() tells why; every later call returns kError until
  //    Reset(). The stream cannot be resynchronized.
  Status Parse(std::string_view buf, size_t* consumed);

  // The reply of the last kValue; TakeValue() moves it out.
  const Value& value() const { return value_; }
  Value TakeValue() { return std::move(value_); }

  // Description of the last kError, e.g. "Protocol error: invalid bulk length".
  const std::string& error() const { return error_; }

  // Forgets any partial reply and error; keeps limits.
  void Reset();

 private:
  enum class ItemResult { kScalar, kAggregate, kNeedMore, kError };

  // An aggregate being filled. An attribute frame becomes the `attributes`
  // of the next value completed in its parent, instead of an element.
  struct Frame {
    Value value;
    int64_t remaining = 0;
    bool is_attribute = false;
    std::vector<Value> pending_attributes;
  };

  ItemResult ParseItem(std::string_view buf, Value* scalar, Frame* frame);
  ItemResult Fail(std::string message);
  // Places a completed value into its parent, completing parents in turn.
  // Returns true when the top-level reply is complete (in value_).
  bool Complete(Value v, bool is_attribute);

  ReplyParserLimits limits_;
  size_t pos_ = 0;   // Offset of the next unparsed item in the current reply.
  size_t scan_ = 0;  // The current item's line holds no '\r' before scan_.
  std::vector<Frame> stack_;
  std::vector<Value> root_attributes_;
  Value value_;
  bool failed_ = false;
  std::string error_;
};

}  // namespace resp

#endif  // RESP_REPLY_PARSER_H_
