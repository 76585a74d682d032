#include "resp/inline_split.h"

#include <array>
#include <cstdint>

namespace resp {
namespace {

// isspace() in the C locale; Redis never changes LC_CTYPE.
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// Bytes that end an unquoted word. '\0' is handled as the end of the line.
bool EndsWord(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Byte classes for the hot loops of SplitInlineArgs, one lookup per byte
// instead of a chain of comparisons.
enum : uint8_t { kSpace = 1, kStop = 2 };  // kStop: ends a plain word or starts a quote.

constexpr std::array<uint8_t, 256> MakeClasses() {
  std::array<uint8_t, 256> t{};
  for (const char c : {' ', '\t', '\n', '\v', '\f', '\r'}) t[static_cast<uint8_t>(c)] |= kSpace;
  for (const char c : {' ', '\t', '\n', '\r', '"', '\''}) t[static_cast<uint8_t>(c)] |= kStop;
  return t;
}
constexpr std::array<uint8_t, 256> kClasses = MakeClasses();

uint8_t ClassOf(char c) { return kClasses[static_cast<uint8_t>(c)]; }

// Unescapes one word that contains a quote, starting at *pos (the first byte
// of the word), into *storage. Mirrors sdssplitargs's per-word loop, reading
// past the end of `line` as '\0' like the C string it was written for.
bool SplitQuotedWord(std::string_view line, size_t* pos, std::string* storage) {
  const size_t n = line.size();
  auto at = [&](size_t i) { return i < n ? line[i] : '\0'; };
  size_t p = *pos;
  bool in_double = false;
  bool in_single = false;
  for (bool done = false; !done;) {
    const char c = at(p);
    if (in_double) {
      if (c == '\\' && at(p + 1) == 'x' && IsHexDigit(at(p + 2)) && IsHexDigit(at(p + 3))) {
        storage->push_back(static_cast<char>(HexValue(at(p + 2)) * 16 + HexValue(at(p + 3))));
        p += 3;
      } else if (c == '\\' && at(p + 1) != '\0') {
        ++p;
        switch (line[p]) {
          case 'n':
            storage->push_back('\n');
            break;
          case 'r':
            storage->push_back('\r');
            break;
          case 't':
            storage->push_back('\t');
            break;
          case 'b':
            storage->push_back('\b');
            break;
          case 'a':
            storage->push_back('\a');
            break;
          default:
            storage->push_back(line[p]);
            break;
        }
      } else if (c == '"') {
        if (at(p + 1) != '\0' && !IsSpace(at(p + 1))) return false;
        done = true;
      } else if (c == '\0') {
        return false;  // Line ended inside the quotes.
      } else {
        storage->push_back(c);
      }
    } else if (in_single) {
      if (c == '\\' && at(p + 1) == '\'') {
        ++p;
        storage->push_back('\'');
      } else if (c == '\'') {
        if (at(p + 1) != '\0' && !IsSpace(at(p + 1))) return false;
        done = true;
      } else if (c == '\0') {
        return false;
      } else {
        storage->push_back(c);
      }
    } else if (c == '\0' || EndsWord(c)) {
      done = true;
    } else if (c == '"') {
      in_double = true;
    } else if (c == '\'') {
      in_single = true;
    } else {
      storage->push_back(c);
    }
    if (p < n) ++p;
  }
  *pos = p;
  return true;
}

}  // namespace

bool SplitInlineArgs(std::string_view line, std::string* storage,
                     std::vector<std::string_view>* args) {
  if (size_t nul = line.find('\0'); nul != std::string_view::npos) line = line.substr(0, nul);
  storage->clear();
  // Unescaping never produces more bytes than it reads, so this one reserve
  // keeps storage from moving under the views handed out below.
  storage->reserve(line.size());
  const size_t n = line.size();
  size_t p = 0;
  for (;;) {
    while (p < n && (ClassOf(line[p]) & kSpace)) ++p;
    if (p == n) return true;
    // Most words have no quotes and become views into the line.
    const size_t start = p;
    while (p < n && !(ClassOf(line[p]) & kStop)) ++p;
    if (p == n || EndsWord(line[p])) {
      args->push_back(line.substr(start, p - start));
      continue;
    }
    const size_t out_start = storage->size();
    p = start;
    if (!SplitQuotedWord(line, &p, storage)) return false;
    args->push_back(std::string_view(storage->data() + out_start, storage->size() - out_start));
  }
}

}  // namespace resp
