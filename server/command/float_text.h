#ifndef SHARDIS_SERVER_COMMAND_FLOAT_TEXT_H_
#define SHARDIS_SERVER_COMMAND_FLOAT_TEXT_H_

#include <string>
#include <string_view>

namespace server {

// Parses a long double as Redis's INCRBYFLOAT/HINCRBYFLOAT do (string2ld:
// strtold over the whole string of at most 5119 bytes; no surrounding
// spaces; not NaN; no overflow or underflow to zero; "inf" is accepted).
bool ParseLongDouble(std::string_view s, long double* out);

// Redis's human-friendly long double format (INCRBYFLOAT, HINCRBYFLOAT):
// "%.17Lf" without trailing zeros, "-0" as "0".
std::string FormatLongDouble(long double v);

}  // namespace server

#endif  // SHARDIS_SERVER_COMMAND_FLOAT_TEXT_H_
