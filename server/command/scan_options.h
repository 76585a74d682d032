#ifndef SHARDIS_SERVER_COMMAND_SCAN_OPTIONS_H_
#define SHARDIS_SERVER_COMMAND_SCAN_OPTIONS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "resp/reply_writer.h"
#include "server/command/command.h"
#include "server/command/lookup.h"

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

// HSCAN / SSCAN / ZSCAN key cursor [MATCH pattern] [COUNT count], in Redis's
// order: the cursor, the key (a missing key is an empty scan whatever the
// options say), then the options. scan(T*, cursor, options, &items) walks
// the container, appends the reply's items (copies: intset members and
// scores are formatted on the way) and returns the next cursor.
template <typename T, typename ScanFn>
void ScanContainer(Args args, ShardContext& ctx, engine::ObjectType type, ScanFn scan) {
  uint64_t cursor;
  if (!ParseScanCursor(args[2], &cursor)) return ctx.out.Error(kInvalidCursor);
  TypedLookup r = LookupTyped(ctx, args[1], type);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  if (!r.ref) return WriteScanReply(ctx.out, 0, {});
  ScanOptions options;
  std::string_view error;
  if (!ParseScanOptions(args, 3, false, &options, &error)) return ctx.out.Error(error);
  std::vector<std::string> items;
  uint64_t next = scan(static_cast<T*>(r.ref.obj()), cursor, options, &items);
  WriteScanReply(ctx.out, next, std::vector<std::string_view>(items.begin(), items.end()));
}

}  // namespace server

#endif  // SHARDIS_SERVER_COMMAND_SCAN_OPTIONS_H_
