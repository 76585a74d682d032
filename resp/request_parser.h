// Server-side parsing of client requests: RESP multibulk ("*2\r\n$4\r\nECHO\r\n
// $2\r\nhi\r\n") and inline ("ECHO hi\r\n") commands, with the exact
// acceptance rules and error texts of Redis 7.0 (src/networking.c,
// processMultibulkBuffer and processInlineBuffer).
#ifndef RESP_REQUEST_PARSER_H_
#define RESP_REQUEST_PARSER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/types/span.h"

namespace resp {

// Size limits applied while parsing requests. Defaults are Redis 7.0's.
struct ParserLimits {
  // proto-max-bulk-len: largest accepted "$N".
  size_t max_bulk_len = 512ull << 20;
  // Largest accepted "*N" (argument count).
  int64_t max_multibulk_len = INT32_MAX;
  // Longest inline request line, and longest "*N" / "$N" header line, that may
  // be buffered before its line terminator arrives (PROTO_INLINE_MAX_SIZE).
  size_t max_inline_len = 64 * 1024;
  // When true, a bulk or multibulk length that is valid for the protocol (not
  // above proto_max_bulk_len, resp. INT32_MAX) but above max_bulk_len, resp.
  // max_multibulk_len, is reported as "unauthenticated bulk length", resp.
  // "unauthenticated multibulk length", as Redis does for clients that have
  // not yet authenticated. Set by Unauthenticated().
  bool unauthenticated = false;
  // Only read when `unauthenticated`: the configured proto-max-bulk-len, above
  // which a bulk length is "invalid" rather than "unauthenticated".
  size_t proto_max_bulk_len = 512ull << 20;

  // Limits for a connection that must authenticate first: at most 10
  // arguments of at most 16384 bytes each, as Redis enforces before AUTH.
  static ParserLimits Unauthenticated();
};

// Parses client requests (multibulk and inline). Incremental and zero-copy.
//
// Threading: not thread-safe; one parser per connection.
//
// Deviations from Redis, chosen so that the result never depends on how the
// bytes were split into reads (Redis's own limits depend on its 16 KB reads):
//  - A header or inline line whose terminator arrives after more than
//    max_inline_len bytes is an error even if it arrived in one piece. For
//    inline requests the count includes a '\r' before the '\n'.
// Faithful to Redis, even where Redis is odd:
//  - The byte after the '\r' of a "*N"/"$N" line, and the two bytes after a
//    bulk payload, are skipped without checking that they are "\n" / "\r\n".
//  - A NUL byte in a header line or inline line stalls the connection (Redis
//    searches for the terminator with strchr): Parse returns kNeedMore until
//    more than max_inline_len bytes are buffered, then reports the "too big"
//    error of that line type.
//  - "*0" and any negative "*N" are empty commands and are skipped, as are
//    inline lines with no arguments.
class RequestParser {
 public:
  enum class Status { kCommand, kNeedMore, kError };

  explicit RequestParser(ParserLimits limits = {});

  // Takes effect at the next length check, also in the middle of a command.
  void set_limits(const ParserLimits& l) { limits_ = l; }
  const ParserLimits& limits() const { return limits_; }

  // `buf` must start at the first byte not yet consumed. Between calls the
  // caller may append bytes and may move the buffer (compaction) but must not
  // change bytes already passed. Returns:
  //  - kCommand: *consumed = the bytes of exactly one command, plus any empty
  //    commands (blank lines, "*0") skipped before it. args() views point into
  //    buf (or parser-owned storage for unescaped inline arguments) and stay
  //    valid until buf changes or Parse/Reset is called again.
  //  - kNeedMore: *consumed = bytes that may be dropped now: 0, or whole empty
  //    commands that were skipped. The parser remembers how far it got, so a
  //    100 MB bulk trickled in 1-byte reads costs O(n) in total.
  //  - kError: error() is set; the caller should reply with it and close the
  //    connection. Every later call returns kError until Reset().
  Status Parse(std::string_view buf, size_t* consumed);

  // The arguments of the command returned by the last kCommand; never empty
  // then. Unspecified after other results.
  absl::Span<const std::string_view> args() const { return args_; }

  // Full Redis error text without '-' and CRLF, e.g.
  // "ERR Protocol error: invalid bulk length". Empty unless kError.
  const std::string& error() const { return error_; }

  // After kNeedMore: bytes beyond the end of the last `buf` that must arrive
  // before the current command can complete (the rest of a declared bulk and
  // its CRLF); 0 if unknown. Lets the caller reserve buffer space for big
  // bulks. An unauthenticated peer can make this as large as max_bulk_len + 2.
  size_t bytes_hint() const { return bytes_hint_; }

  // Forgets any partial command and error; keeps limits and capacity.
  void Reset();

 private:
  enum class Step { kCommand, kEmpty, kNeedMore, kError };
  enum class Phase { kIdle, kMultibulk, kInline };
  enum class HeaderResult { kOk, kNeedMore, kError };

  // Where an argument lies, relative to the first byte of the command, so
  // that it survives the caller moving the buffer between calls.
  struct Span {
    size_t offset;
    size_t length;
  };

  Step ParseOne(std::string_view buf, size_t* size);
  Step ParseMultibulk(std::string_view buf, size_t* size);
  Step ParseInline(std::string_view buf, size_t* size);
  HeaderResult ParseHeaderSlow(std::string_view buf, size_t pos, char type, int64_t* value,
                               size_t* next);
  bool CheckMultibulkLen(int64_t n);
  bool CheckBulkLen(int64_t n);
  void Fail(std::string message);
  void FinishCommand();

  ParserLimits limits_;
  Phase phase_ = Phase::kIdle;
  bool failed_ = false;
  // Multibulk resume state. pos_ is the offset of the next unparsed byte of
  // the current command; remaining_ < 0 until "*N" has been parsed.
  size_t pos_ = 0;
  int64_t remaining_ = -1;
  int64_t bulk_len_ = -1;  // Declared length of the bulk being read, or -1.
  // Offset up to which the current line has been searched for its
  // terminator, so a trickled line is scanned once. Bytes in [line start,
  // scan_) contain neither the terminator nor NUL.
  size_t scan_ = 0;
  size_t bytes_hint_ = 0;
  std::vector<Span> spans_;
  std::vector<std::string_view> args_;
  std::string inline_storage_;
  std::string error_;
};

}  // namespace resp

#endif  // RESP_REQUEST_PARSER_H_
