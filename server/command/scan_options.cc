#include "server/command/scan_options.h"

#include <limits>

#include "absl/strings/numbers.h"
#include "engine/object.h"
#include "server/command/glob.h"
#include "server/command/text.h"

namespace server {

bool ParseScanCursor(std::string_view text, uint64_t* cursor) {
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  if (i == text.size()) {
    // strtoul leaves a lone sign unread, which Redis then rejects; an empty
    // string reads as 0.
    if (!text.empty()) return false;
    *cursor = 0;
    return true;
  }
  uint64_t v = 0;
  for (; i < text.size(); ++i) {
    unsigned d = static_cast<unsigned char>(text[i]) - '0';
    if (d > 9) return false;
    if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) return false;
    v = v * 10 + d;
  }
  *cursor = negative ? 0 - v : v;
  return true;
}

bool ScanOptions::Matches(std::string_view s) const {
  return !has_pattern || GlobMatch(pattern, s);
}

bool ParseScanOptions(Args args, size_t first, bool allow_type, ScanOptions* out,
                      std::string_view* error) {
  for (size_t i = first; i < args.size(); i += 2) {
    bool has_value = i + 1 < args.size();
    if (has_value && EqualsIgnoreCase(args[i], "COUNT")) {
      if (!engine::ParseInt64(args[i + 1], &out->count)) {
        *error = errors::kNotInteger;
        return false;
      }
      if (out->count < 1) {
        *error = errors::kSyntax;
        return false;
      }
    } else if (has_value && EqualsIgnoreCase(args[i], "MATCH")) {
      out->pattern = std::string(args[i + 1]);
      out->has_pattern = out->pattern != "*";
    } else if (has_value && allow_type && EqualsIgnoreCase(args[i], "TYPE")) {
      out->type = Lower(args[i + 1]);
    } else {
      *error = errors::kSyntax;
      return false;
    }
  }
  return true;
}

void WriteScanReply(resp::ReplyWriter& out, uint64_t next_cursor,
                    const std::vector<std::string_view>& items) {
  char buf[24];
  char* end = absl::numbers_internal::FastIntToBuffer(next_cursor, buf);
  out.ArrayHeader(2);
  out.Bulk(std::string_view(buf, end - buf));
  out.ArrayHeader(items.size());
  for (std::string_view item : items) out.Bulk(item);
}

}  // namespace server
