#include "resp/request_parser.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "resp/inline_split.h"
#include "resp/numbers.h"

namespace resp {
namespace {

constexpr char kProtocolError[] = "ERR Protocol error: ";

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The common case of a header line, "*3\r" or "$16\r" followed by at least one
// more byte, decoded without searching: 1 to 18 digits (so no overflow), no
// sign, no leading zero. Anything else, including a line that is still
// incomplete or longer than `max_line`, returns false and goes through
// ParseHeaderSlow, which applies every Redis rule. `pos` is the offset of the
// type byte.
inline bool ParseHeaderFast(const char* data, size_t n, size_t pos, size_t max_line, int64_t* value,
                            size_t* next) {
  size_t i = pos + 1;
  if (i >= n || data[i] < '1' || data[i] > '9') return false;
  uint64_t v = static_cast<uint64_t>(data[i] - '0');
  const size_t limit = std::min(n, i + 18);
  for (++i; i < limit && IsDigit(data[i]); ++i) v = v * 10 + static_cast<uint64_t>(data[i] - '0');
  if (i + 1 >= n || data[i] != '\r' || i - pos > max_line) return false;
  *value = static_cast<int64_t>(v);
  *next = i + 2;
  return true;
}

// Offset of the first `terminator` or NUL in buf[from, end), or buf.size().
size_t FindTerminatorOrNul(std::string_view buf, size_t from, char terminator) {
  const char* begin = buf.data() + from;
  const size_t len = buf.size() - from;
  // A stalled line (see the class comment) resumes at its NUL: answer without
  // scanning the rest of the buffer again on every call.
  if (len > 0 && *begin == '\0') return from;
  const void* t = std::memchr(begin, terminator, len);
  const size_t t_len = t ? static_cast<const char*>(t) - begin : len;
  const void* z = std::memchr(begin, '\0', t_len);
  return from + (z ? static_cast<const char*>(z) - begin : t_len);
}

}  // namespace

ParserLimits ParserLimits::Unauthenticated() {
  ParserLimits limits;
  limits.max_multibulk_len = 10;
  limits.max_bulk_len = 16384;
  limits.unauthenticated = true;
  return limits;
}

RequestParser::RequestParser(ParserLimits limits) : limits_(limits) {}

void RequestParser::Reset() {
  phase_ = Phase::kIdle;
  failed_ = false;
  pos_ = 0;
  remaining_ = -1;
  bulk_len_ = -1;
  scan_ = 0;
  bytes_hint_ = 0;
  spans_.clear();
  args_.clear();
  error_.clear();
}

RequestParser::Status RequestParser::Parse(std::string_view buf, size_t* consumed) {
  *consumed = 0;
  if (failed_) return Status::kError;
  size_t skipped = 0;
  for (;;) {
    size_t size = 0;
    switch (ParseOne(buf.substr(skipped), &size)) {
      case Step::kCommand:
        *consumed = skipped + size;
        return Status::kCommand;
      case Step::kEmpty:
        skipped += size;
        break;
      case Step::kNeedMore:
        *consumed = skipped;
        return Status::kNeedMore;
      case Step::kError:
        *consumed = skipped;
        return Status::kError;
    }
  }
}

RequestParser::Step RequestParser::ParseOne(std::string_view buf, size_t* size) {
  if (phase_ == Phase::kIdle) {
    bytes_hint_ = 0;
    if (buf.empty()) return Step::kNeedMore;
    phase_ = buf[0] == '*' ? Phase::kMultibulk : Phase::kInline;
  }
  return phase_ == Phase::kMultibulk ? ParseMultibulk(buf, size) : ParseInline(buf, size);
}

RequestParser::Step RequestParser::ParseMultibulk(std::string_view buf, size_t* size) {
  const char* const data = buf.data();
  const size_t n = buf.size();
  // Locals rather than members in the loops: stores into the argument
  // vectors would otherwise force the compiler to reload them per element.
  size_t pos = pos_;
  int64_t remaining = remaining_;
  int64_t bulk_len = bulk_len_;
  // Any length up to this passes CheckBulkLen; larger ones take the slow path.
  const uint64_t max_bulk = limits_.unauthenticated
                                ? std::min(limits_.max_bulk_len, limits_.proto_max_bulk_len)
                                : limits_.max_bulk_len;
  if (remaining < 0) {
    int64_t count;
    size_t next;
    if (!ParseHeaderFast(data, n, 0, limits_.max_inline_len, &count, &next)) {
      switch (ParseHeaderSlow(buf, 0, '*', &count, &next)) {
        case HeaderResult::kOk:
          break;
        case HeaderResult::kNeedMore:
          return Step::kNeedMore;
        case HeaderResult::kError:
          return Step::kError;
      }
    }
    if ((count > limits_.max_multibulk_len || count > INT32_MAX) && !CheckMultibulkLen(count)) {
      return Step::kError;
    }
    if (count <= 0) {
      *size = next;
      FinishCommand();
      return Step::kEmpty;
    }
    remaining = count;
    pos = next;
    // Fast path for the usual case of a command that arrived whole with
    // canonical headers: views go straight into args_.
    args_.clear();
    while (remaining > 0) {
      int64_t len;
      if (pos >= n || data[pos] != '$' ||
          !ParseHeaderFast(data, n, pos, limits_.max_inline_len, &len, &next) ||
          static_cast<uint64_t>(len) > max_bulk || n - next < static_cast<uint64_t>(len) + 2) {
        break;
      }
      args_.emplace_back(data + next, static_cast<size_t>(len));
      pos = next + static_cast<size_t>(len) + 2;
      --remaining;
    }
    if (remaining == 0) {
      *size = pos;
      FinishCommand();
      return Step::kCommand;
    }
    // The rest may span calls: keep offsets, which survive buffer moves.
    spans_.clear();
    for (std::string_view a : args_) spans_.push_back(Span{size_t(a.data() - data), a.size()});
  }
  while (remaining > 0) {
    if (bulk_len < 0) {
      int64_t len;
      size_t next;
      if (pos >= n || data[pos] != '$' ||
          !ParseHeaderFast(data, n, pos, limits_.max_inline_len, &len, &next)) {
        const HeaderResult r = ParseHeaderSlow(buf, pos, '$', &len, &next);
        if (r == HeaderResult::kError) return Step::kError;
        if (r == HeaderResult::kNeedMore) {
          pos_ = pos;
          remaining_ = remaining;
          bulk_len_ = -1;
          bytes_hint_ = 0;
          return Step::kNeedMore;
        }
      }
      if ((len < 0 || static_cast<uint64_t>(len) > max_bulk) && !CheckBulkLen(len)) {
        return Step::kError;
      }
      bulk_len = len;
      pos = next;
    }
    // The two bytes after the payload are skipped unchecked, as Redis does.
    const uint64_t needed = static_cast<uint64_t>(bulk_len) + 2;
    if (n - pos < needed) {
      pos_ = pos;
      remaining_ = remaining;
      bulk_len_ = bulk_len;
      bytes_hint_ = needed - (n - pos);
      return Step::kNeedMore;
    }
    spans_.push_back(Span{pos, static_cast<size_t>(bulk_len)});
    pos += needed;
    bulk_len = -1;
    --remaining;
  }
  args_.resize(spans_.size());
  for (size_t i = 0; i < spans_.size(); ++i) {
    args_[i] = std::string_view(data + spans_[i].offset, spans_[i].length);
  }
  *size = pos;
  FinishCommand();
  return Step::kCommand;
}

RequestParser::HeaderResult RequestParser::ParseHeaderSlow(std::string_view buf, size_t pos,
                                                           char type, int64_t* value,
                                                           size_t* next) {
  const size_t n = buf.size();
  const size_t stop = FindTerminatorOrNul(buf, std::max(scan_, pos), '\r');
  // Redis finds the '\r' with strchr, which stops at a NUL: such a line never
  // completes, and only the size limit below ends the wait.
  const bool found = stop < n && buf[stop] == '\r';
  scan_ = stop;
  const size_t line_len = found ? stop - pos : n - pos;
  if (line_len > limits_.max_inline_len) {
    Fail(type == '*' ? "too big mbulk count string" : "too big bulk count string");
    return HeaderResult::kError;
  }
  if (!found || stop + 1 >= n) return HeaderResult::kNeedMore;
  if (type == '$' && buf[pos] != '$') {
    // Redis strips CR and LF from error texts so the reply stays one line.
    const char got = buf[pos] == '\r' || buf[pos] == '\n' ? ' ' : buf[pos];
    Fail(std::string("expected '$', got '") + got + "'");
    return HeaderResult::kError;
  }
  if (!ParseInt64(buf.substr(pos + 1, stop - pos - 1), value)) {
    Fail(type == '*' ? "invalid multibulk length" : "invalid bulk length");
    return HeaderResult::kError;
  }
  *next = stop + 2;
  scan_ = 0;
  return HeaderResult::kOk;
}

bool RequestParser::CheckMultibulkLen(int64_t n) {
  if (limits_.unauthenticated) {
    if (n > INT32_MAX) {
      Fail("invalid multibulk length");
      return false;
    }
    if (n > limits_.max_multibulk_len) {
      Fail("unauthenticated multibulk length");
      return false;
    }
  } else if (n > limits_.max_multibulk_len) {
    Fail("invalid multibulk length");
    return false;
  }
  return true;
}

bool RequestParser::CheckBulkLen(int64_t n) {
  const uint64_t len = static_cast<uint64_t>(n);
  if (n < 0 ||
      (limits_.unauthenticated ? len > limits_.proto_max_bulk_len : len > limits_.max_bulk_len)) {
    Fail("invalid bulk length");
    return false;
  }
  if (limits_.unauthenticated && len > limits_.max_bulk_len) {
    Fail("unauthenticated bulk length");
    return false;
  }
  return true;
}

RequestParser::Step RequestParser::ParseInline(std::string_view buf, size_t* size) {
  const size_t n = buf.size();
  // Like Redis's strchr for '\n', a NUL hides any later newline.
  const size_t stop = FindTerminatorOrNul(buf, scan_, '\n');
  const bool found = stop < n && buf[stop] == '\n';
  scan_ = stop;
  if ((found ? stop : n) > limits_.max_inline_len) {
    Fail("too big inline request");
    return Step::kError;
  }
  if (!found) return Step::kNeedMore;
  const size_t line_len = stop > 0 && buf[stop - 1] == '\r' ? stop - 1 : stop;
  args_.clear();
  if (!SplitInlineArgs(buf.substr(0, line_len), &inline_storage_, &args_)) {
    Fail("unbalanced quotes in request");
    return Step::kError;
  }
  *size = stop + 1;
  FinishCommand();
  return args_.empty() ? Step::kEmpty : Step::kCommand;
}

void RequestParser::Fail(std::string message) {
  error_ = kProtocolError + std::move(message);
  failed_ = true;
  bytes_hint_ = 0;
}

void RequestParser::FinishCommand() {
  phase_ = Phase::kIdle;
  pos_ = 0;
  remaining_ = -1;
  bulk_len_ = -1;
  scan_ = 0;
  bytes_hint_ = 0;
}

}  // namespace resp
