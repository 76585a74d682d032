#include "resp/numbers.h"

#include <cstring>

namespace resp {
namespace {

// "00" "01" ... "99": two digits per lookup halves the divisions.
constexpr char kDigitPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

int DecimalDigits(uint64_t v) {
  int n = 1;
  for (;;) {
    if (v < 10) return n;
    if (v < 100) return n + 1;
    if (v < 1000) return n + 2;
    if (v < 10000) return n + 3;
    v /= 10000;
    n += 4;
  }
}

}  // namespace

bool ParseInt64(std::string_view s, int64_t* out) {
  const char* p = s.data();
  const char* end = p + s.size();
  if (p == end) return false;
  if (s.size() == 1 && *p == '0') {
    *out = 0;
    return true;
  }
  bool negative = false;
  if (*p == '-') {
    negative = true;
    ++p;
    if (p == end) return false;
  }
  if (*p < '1' || *p > '9') return false;
  uint64_t v = static_cast<uint64_t>(*p++ - '0');
  constexpr uint64_t kMaxMagnitude = static_cast<uint64_t>(INT64_MAX) + 1;
  for (; p != end; ++p) {
    if (*p < '0' || *p > '9') return false;
    const uint64_t digit = static_cast<uint64_t>(*p - '0');
    if (v > (kMaxMagnitude - digit) / 10) return false;
    v = v * 10 + digit;
  }
  if (negative) {
    // -(2^63) is the one value whose magnitude does not fit in int64.
    *out = v == kMaxMagnitude ? INT64_MIN : -static_cast<int64_t>(v);
  } else {
    if (v > static_cast<uint64_t>(INT64_MAX)) return false;
    *out = static_cast<int64_t>(v);
  }
  return true;
}

size_t FormatUint64(uint64_t v, char* buf) {
  const int len = DecimalDigits(v);
  char* p = buf + len;
  while (v >= 100) {
    const unsigned pair = static_cast<unsigned>(v % 100) * 2;
    v /= 100;
    p -= 2;
    std::memcpy(p, kDigitPairs + pair, 2);
  }
  if (v >= 10) {
    p -= 2;
    std::memcpy(p, kDigitPairs + v * 2, 2);
  } else {
    *--p = static_cast<char>('0' + v);
  }
  return static_cast<size_t>(len);
}

size_t FormatInt64(int64_t v, char* buf) {
  if (v >= 0) return FormatUint64(static_cast<uint64_t>(v), buf);
  buf[0] = '-';
  // Negate in unsigned arithmetic so INT64_MIN does not overflow.
  return 1 + FormatUint64(0 - static_cast<uint64_t>(v), buf + 1);
}

}  // namespace resp
