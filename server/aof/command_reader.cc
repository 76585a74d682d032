#include "server/aof/command_reader.h"

#include <cstdint>

namespace aof {
namespace {

// A decimal count after '*' or '$': Redis's atoi/strtol read digits and stop;
// anything else, or a negative or absurd count, is not a command.
bool ParseCount(std::string_view digits, int64_t* out) {
  if (digits.empty() || digits.size() > 18) return false;
  int64_t n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + (c - '0');
  }
  *out = n;
  return true;
}

}  // namespace

bool CommandReader::ReadLine(std::string_view* line) {
  size_t end = bytes_.find('\n', pos_);
  if (end == std::string_view::npos) return false;
  *line = bytes_.substr(pos_, end - pos_);
  if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
  pos_ = end + 1;
  return true;
}

CommandReader::Result CommandReader::Next(std::vector<std::string_view>* argv) {
  argv->clear();
  std::string_view line;
  for (;;) {
    if (pos_ >= bytes_.size()) return Result::kEnd;
    if (!ReadLine(&line)) return Result::kTruncated;
    if (!line.empty() && line[0] == '#') {  // an annotation
      valid_ = pos_;
      continue;
    }
    break;
  }
  int64_t argc = 0;
  if (line.empty() || line[0] != '*' || !ParseCount(line.substr(1), &argc) || argc < 1) {
    return Result::kBadFormat;
  }
  for (int64_t i = 0; i < argc; ++i) {
    if (pos_ >= bytes_.size()) return Result::kTruncated;
    if (!ReadLine(&line)) return Result::kTruncated;
    int64_t len = 0;
    if (line.empty() || line[0] != '$' || !ParseCount(line.substr(1), &len)) {
      return Result::kBadFormat;
    }
    if (bytes_.size() - pos_ < static_cast<uint64_t>(len) + 2) return Result::kTruncated;
    argv->push_back(bytes_.substr(pos_, static_cast<size_t>(len)));
    pos_ += static_cast<size_t>(len);
    if (bytes_[pos_] != '\r' || bytes_[pos_ + 1] != '\n') return Result::kBadFormat;
    pos_ += 2;
  }
  valid_ = pos_;
  return Result::kCommand;
}

}  // namespace aof
