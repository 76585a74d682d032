#include "server/glob.h"

#include "absl/strings/ascii.h"

namespace server {

namespace {

char Fold(char c, bool nocase) { return nocase ? absl::ascii_tolower(c) : c; }

bool Match(const char* p, const char* pend, const char* s, const char* send, bool nocase,
           int depth) {
  // Bounded recursion: pathological patterns ("*a*a*a...") cannot overflow
  // the stack; such deep nesting simply does not match.
  if (depth > 1000) return false;
  while (p < pend) {
    switch (*p) {
      case '*':
        while (p + 1 < pend && p[1] == '*') ++p;
        if (p + 1 == pend) return true;
        for (const char* t = s; t <= send; ++t) {
          if (Match(p + 1, pend, t, send, nocase, depth + 1)) return true;
        }
        return false;
      case '?':
        if (s == send) return false;
        ++s;
        break;
      case '[': {
        if (s == send) return false;
        ++p;
        bool negate = p < pend && *p == '^';
        if (negate) ++p;
        bool matched = false;
        while (p < pend && *p != ']') {
          if (*p == '\\' && p + 1 < pend) {
            ++p;
            if (Fold(*p, nocase) == Fold(*s, nocase)) matched = true;
          } else if (p + 2 < pend && p[1] == '-' && p[2] != ']') {
            char lo = Fold(p[0], nocase), hi = Fold(p[2], nocase), c = Fold(*s, nocase);
            if (lo > hi) std::swap(lo, hi);
            if (c >= lo && c <= hi) matched = true;
            p += 2;
          } else if (Fold(*p, nocase) == Fold(*s, nocase)) {
            matched = true;
          }
          ++p;
        }
        if (p == pend) --p;  // unterminated class: Redis treats the end as ']'
        if (matched == negate) return false;
        ++s;
        break;
      }
      case '\\':
        if (p + 1 < pend) ++p;
        [[fallthrough]];
      default:
        if (s == send || Fold(*p, nocase) != Fold(*s, nocase)) return false;
        ++s;
        break;
    }
    ++p;
  }
  return s == send;
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view text, bool nocase) {
  return Match(pattern.data(), pattern.data() + pattern.size(), text.data(),
               text.data() + text.size(), nocase, 0);
}

}  // namespace server
