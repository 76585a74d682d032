// Integer text conversions with Redis's exact rules, shared by the request
// parser (lengths and counts), the reply parser and the reply writer.
#ifndef RESP_NUMBERS_H_
#define RESP_NUMBERS_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace resp {

// Enough room for any int64_t in decimal: 19 digits and a sign.
inline constexpr size_t kMaxInt64Chars = 20;

// Parses `s` as a base-10 int64 exactly as Redis's string2ll does, because a
// length header that Redis rejects must be rejected here too: an optional '-',
// then "0" or a digit 1-9 followed by digits. Rejects the empty string, '+',
// spaces, leading zeros ("01", "-0") and values outside int64. Returns false
// and leaves *out untouched on rejection.
bool ParseInt64(std::string_view s, int64_t* out);

// Writes `v` in decimal into buf, which must hold kMaxInt64Chars bytes, with
// no terminator. Returns the number of bytes written. Table-driven: the reply
// writer calls this for every integer and length, so snprintf is too slow.
size_t FormatUint64(uint64_t v, char* buf);
size_t FormatInt64(int64_t v, char* buf);

}  // namespace resp

#endif  // RESP_NUMBERS_H_
