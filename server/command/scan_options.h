#ifndef SHARDIS_SERVER_COMMAND_SCAN_OPTIONS_H_
#define SHARDIS_SERVER_COMMAND_SCAN_OPTIONS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "resp/reply_writer.h"
#include "server/command/command.h"

namespace server {

// The arguments of the SCAN family (SCAN, HSCAN, SSCAN, ZSCAN), read as
// Redis 7.0 reads them. Order matters for which error a client sees: Redis
// parses the cursor first, then looks the key up (a missing key answers an
// empty scan, whatever the options say), then parses the options.

inline constexpr std::string_view kInvalidCursor = "ERR invalid cursor";

// A cursor as Redis's strtoul reads it: an optional sign and decimal digits
// ("-1" wraps to 2^64 - 1, "" is 0); no leading space, nothing after the
// digits, at most 2^64 - 1. False: reply kInvalidCursor.
bool ParseScanCursor(std::string_view text, uint64_t* cursor);

struct ScanOptions {
  bool has_pattern = false;  // MATCH with anything but "*"
  std::string pattern;
  int64_t count = 10;  // COUNT: a hint of how much one call visits
  std::string type;    // SCAN's TYPE, lower case; empty: any type

  bool Matches(std::string_view s) const;
};

// Parses [MATCH pattern] [COUNT count] (and [TYPE type] when allow_type)
// from args[first] on; a later repeat of an option wins. False after
// setting *error to Redis's error text.
bool ParseScanOptions(Args args, size_t first, bool allow_type, ScanOptions* out,
                      std::string_view* error);

// The reply of every SCAN command: [next cursor as a bulk string, [items]].
void WriteScanReply(resp::ReplyWriter& out, uint64_t next_cursor,
                    const std::vector<std::string_view>& items);

}  // namespace server

#endif  // SHARDIS_SERVER_COMMAND_SCAN_OPTIONS_H_
