#include "server/commands/zsets/zset_ranges.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace server {

namespace {

// strtod over a NUL-terminated copy, as Redis runs it over an sds: parsing
// stops at an embedded NUL, which then counts as the end of the string.
bool ParseRangeNumber(std::string_view s, double* out) {
  std::string buf(s);
  char* end = nullptr;
  double v = std::strtod(buf.c_str(), &end);
  if (*end != '\0' || std::isnan(v)) return false;
  *out = v;
  return true;
}

bool ParseScoreBound(std::string_view s, double* value, bool* exclusive) {
  *exclusive = !s.empty() && s[0] == '(';
  return ParseRangeNumber(*exclusive ? s.substr(1) : s, value);
}

bool ParseLexBound(std::string_view s, engine::LexBound* out) {
  if (s.empty()) return false;
  switch (s[0]) {
    case '+':
    case '-':
      // Redis checks the next byte as a C string: "+" followed by a NUL works.
      if (s.size() > 1 && s[1] != '\0') return false;
      out->kind = s[0] == '+' ? engine::LexBound::kPlusInf : engine::LexBound::kMinusInf;
      return true;
    case '(':
    case '[':
      out->kind = s[0] == '(' ? engine::LexBound::kExclusive : engine::LexBound::kInclusive;
      out->value.assign(s.substr(1));
      return true;
    default:
      return false;
  }
}

}  // namespace

bool ParseScore(std::string_view s, double* out) {
  if (s.empty() || std::isspace(static_cast<unsigned char>(s[0]))) return false;
  std::string buf(s);
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(buf.c_str(), &end);
  if (end != buf.c_str() + buf.size()) return false;
  if (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL || std::fpclassify(v) == FP_ZERO)) {
    return false;
  }
  if (std::isnan(v)) return false;
  *out = v;
  return true;
}

bool ParseScoreRange(std::string_view min, std::string_view max, engine::ScoreRange* out) {
  return ParseScoreBound(min, &out->min, &out->min_exclusive) &&
         ParseScoreBound(max, &out->max, &out->max_exclusive);
}

bool ParseLexRange(std::string_view min, std::string_view max, engine::LexRange* out) {
  return ParseLexBound(min, &out->min) && ParseLexBound(max, &out->max);
}

void ZArrayHeader(resp::ReplyWriter& out, size_t n, bool withscores) {
  bool flat_pairs = withscores && out.protocol() == resp::Protocol::kResp2;
  out.ArrayHeader(flat_pairs ? n * 2 : n);
}

void ZArrayItem(resp::ReplyWriter& out, std::string_view member, double score, bool withscores) {
  if (withscores && out.protocol() == resp::Protocol::kResp3) out.ArrayHeader(2);
  out.Bulk(member);
  if (withscores) out.Double(score);
}

uint64_t LimitedCount(uint64_t available, int64_t offset, int64_t count) {
  if (offset < 0 || static_cast<uint64_t>(offset) >= available) return 0;
  uint64_t rest = available - static_cast<uint64_t>(offset);
  if (count >= 0 && static_cast<uint64_t>(count) < rest) return static_cast<uint64_t>(count);
  return rest;
}

}  // namespace server
