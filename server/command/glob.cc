#include "server/command/glob.h"

#include "absl/strings/ascii.h"

namespace server {

namespace {

char Fold(char c, bool nocase) { return nocase ? absl::ascii_tolower(c) : c; }

// Matches one non-star pattern element at p against *s; advances p past it.
// Returns false on mismatch.
bool MatchOne(const char*& p, const char* pend, char c, bool nocase) {
  switch (*p) {
    case '?':
      ++p;
      return true;
    case '[': {
      ++p;
      bool negate = p < pend && *p == '^';
      if (negate) ++p;
      bool matched = false;
      while (p < pend && *p != ']') {
        if (*p == '\\' && p + 1 < pend) {
          ++p;
          if (Fold(*p, nocase) == Fold(c, nocase)) matched = true;
        } else if (p + 2 < pend && p[1] == '-' && p[2] != ']') {
          char lo = Fold(p[0], nocase), hi = Fold(p[2], nocase), x = Fold(c, nocase);
          if (lo > hi) std::swap(lo, hi);
          if (x >= lo && x <= hi) matched = true;
          p += 2;
        } else if (Fold(*p, nocase) == Fold(c, nocase)) {
          matched = true;
        }
        ++p;
      }
      if (p < pend) ++p;  // the ']' (an unterminated class ends the pattern)
      return matched != negate;
    }
    case '\\':
      if (p + 1 < pend) ++p;
      [[fallthrough]];
    default: {
      bool ok = Fold(*p, nocase) == Fold(c, nocase);
      ++p;
      return ok;
    }
  }
}

// Iterative matching with backtracking to the last '*' only: O(pattern x
// text) at worst, so hostile patterns like "*a*a*a*...b" cannot stall a
// shard (a recursive matcher is exponential on them).
bool Match(const char* p, const char* pend, const char* s, const char* send, bool nocase) {
  const char* star_p = nullptr;  // pattern position just after the last '*'
  const char* star_s = nullptr;  // text position that '*' currently absorbs up to
  while (s < send) {
    if (p < pend && *p == '*') {
      while (p < pend && *p == '*') ++p;
      if (p == pend) return true;
      star_p = p;
      star_s = s;
      continue;
    }
    const char* next = p;
    if (p < pend && MatchOne(next, pend, *s, nocase)) {
      p = next;
      ++s;
      continue;
    }
    if (star_p == nullptr) return false;
    p = star_p;
    s = ++star_s;
  }
  while (p < pend && *p == '*') ++p;
  return p == pend;
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view text, bool nocase) {
  return Match(pattern.data(), pattern.data() + pattern.size(), text.data(),
               text.data() + text.size(), nocase);
}

}  // namespace server
