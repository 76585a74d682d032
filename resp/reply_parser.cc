#include "resp/reply_parser.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <utility>

#include "resp/numbers.h"

namespace resp {
namespace {

// Element vectors are reserved up to this many entries: a hostile "*2000000000"
// must not allocate before its elements arrive.
constexpr int64_t kMaxReserve = 1024;

bool IsBigNumber(std::string_view s) {
  if (!s.empty() && s[0] == '-') s.remove_prefix(1);
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool ParseDouble(std::string_view s, double* out) {
  if (s.empty()) return false;
  const auto result = std::from_chars(s.data(), s.data() + s.size(), *out);
  return result.ec == std::errc() && result.ptr == s.data() + s.size();
}

}  // namespace

void ReplyParser::Reset() {
  pos_ = 0;
  scan_ = 0;
  stack_.clear();
  root_attributes_.clear();
  value_ = Value();
  failed_ = false;
  error_.clear();
}

ReplyParser::ItemResult ReplyParser::Fail(std::string message) {
  error_ = "Protocol error: " + std::move(message);
  failed_ = true;
  return ItemResult::kError;
}

ReplyParser::Status ReplyParser::Parse(std::string_view buf, size_t* consumed) {
  *consumed = 0;
  if (failed_) return Status::kError;
  for (;;) {
    Value scalar;
    Frame frame;
    switch (ParseItem(buf, &scalar, &frame)) {
      case ItemResult::kNeedMore:
        return Status::kNeedMore;
      case ItemResult::kError:
        return Status::kError;
      case ItemResult::kAggregate:
        if (frame.remaining > 0) {
          if (stack_.size() >= limits_.max_depth) {
            Fail("nesting too deep");
            return Status::kError;
          }
          stack_.push_back(std::move(frame));
          continue;
        }
        if (!Complete(std::move(frame.value), frame.is_attribute)) continue;
        break;
      case ItemResult::kScalar:
        if (!Complete(std::move(scalar), /*is_attribute=*/false)) continue;
        break;
    }
    *consumed = pos_;
    pos_ = 0;
    return Status::kValue;
  }
}

bool ReplyParser::Complete(Value v, bool is_attribute) {
  for (;;) {
    std::vector<Value>& pending =
        stack_.empty() ? root_attributes_ : stack_.back().pending_attributes;
    if (is_attribute) {
      pending = std::move(v.elements);
      return false;
    }
    v.attributes = std::move(pending);
    pending.clear();
    if (stack_.empty()) {
      value_ = std::move(v);
      return true;
    }
    Frame& top = stack_.back();
    top.value.elements.push_back(std::move(v));
    if (--top.remaining > 0) return false;
    v = std::move(top.value);
    is_attribute = top.is_attribute;
    stack_.pop_back();
  }
}

ReplyParser::ItemResult ReplyParser::ParseItem(std::string_view buf, Value* scalar, Frame* frame) {
  const size_t n = buf.size();
  const size_t start = pos_;
  if (start >= n) return ItemResult::kNeedMore;
  const size_t from = std::max(scan_, start + 1);
  const void* cr_ptr = std::memchr(buf.data() + from, '\r', n - from);
  if (cr_ptr == nullptr) {
    scan_ = n;
    return ItemResult::kNeedMore;
  }
  const size_t cr = static_cast<const char*>(cr_ptr) - buf.data();
  scan_ = cr;
  if (cr + 1 >= n) return ItemResult::kNeedMore;
  if (buf[cr + 1] != '\n') return Fail("expected CRLF after line");
  const char type = buf[start];
  const std::string_view line = buf.substr(start + 1, cr - start - 1);
  size_t next = cr + 2;

  switch (type) {
    case '+':
    case '-':
      scalar->type = type == '+' ? Type::kSimpleString : Type::kError;
      scalar->str.assign(line);
      break;
    case ':':
      scalar->type = Type::kInteger;
      if (!ParseInt64(line, &scalar->integer)) return Fail("invalid integer");
      break;
    case '_':
      if (!line.empty()) return Fail("invalid null");
      scalar->type = Type::kNull;
      break;
    case '#':
      if (line != "t" && line != "f") return Fail("invalid boolean");
      scalar->type = Type::kBoolean;
      scalar->integer = line == "t";
      break;
    case ',':
      scalar->type = Type::kDouble;
      if (!ParseDouble(line, &scalar->dbl)) return Fail("invalid double");
      scalar->str.assign(line);
      break;
    case '(':
      if (!IsBigNumber(line)) return Fail("invalid big number");
      scalar->type = Type::kBigNumber;
      scalar->str.assign(line);
      break;
    case '$':
    case '!':
    case '=': {
      int64_t len;
      if (!ParseInt64(line, &len)) return Fail("invalid bulk length");
      if (len == -1 && type == '$') {
        scalar->type = Type::kNull;
        break;
      }
      if (len < 0 || static_cast<uint64_t>(len) > limits_.max_bulk_len) {
        return Fail("invalid bulk length");
      }
      if (n - next < static_cast<uint64_t>(len) + 2) return ItemResult::kNeedMore;
      if (buf[next + len] != '\r' || buf[next + len + 1] != '\n') {
        return Fail("expected CRLF after bulk");
      }
      std::string_view payload = buf.substr(next, len);
      if (type == '=') {
        if (payload.size() < 4 || payload[3] != ':') return Fail("invalid verbatim string");
        scalar->type = Type::kVerbatim;
        scalar->format.assign(payload.substr(0, 3));
        payload.remove_prefix(4);
      } else {
        scalar->type = type == '$' ? Type::kBulk : Type::kError;
      }
      scalar->str.assign(payload);
      next += len + 2;
      break;
    }
    case '*':
    case '%':
    case '~':
    case '>':
    case '|': {
      int64_t count;
      if (!ParseInt64(line, &count)) return Fail("invalid aggregate length");
      if (count == -1 && type == '*') {
        scalar->type = Type::kNull;
        break;
      }
      if (count < 0 || count > INT32_MAX) return Fail("invalid aggregate length");
      const bool pairs = type == '%' || type == '|';
      frame->value.type = type == '*'   ? Type::kArray
                          : type == '~' ? Type::kSet
                          : type == '>' ? Type::kPush
                                        : Type::kMap;
      frame->is_attribute = type == '|';
      frame->remaining = pairs ? count * 2 : count;
      frame->value.elements.reserve(std::min(frame->remaining, kMaxReserve));
      pos_ = next;
      scan_ = 0;
      return ItemResult::kAggregate;
    }
    default:
      return Fail(std::string("invalid type byte '") + type + "'");
  }
  pos_ = next;
  scan_ = 0;
  return ItemResult::kScalar;
}

}  // namespace resp
