#include "server/config/config_file.h"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/command/text.h"

namespace server {

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

absl::Status ParseFile(const std::string& path, Config* config, int depth) {
  if (depth > 8) return absl::InvalidArgumentError("include nesting too deep");
  std::ifstream in(path);
  if (!in)
    return absl::NotFoundError(absl::StrCat("Fatal error, can't open config file '", path, "'"));
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::vector<std::string> words;
    auto fail = [&](std::string_view why) {
      return absl::InvalidArgumentError(absl::StrCat("Reading the configuration file, at line ",
                                                     number, "\n>>> '", line, "'\n", AV(why)));
    };
    if (!SplitConfigLine(line, &words)) return fail("Unbalanced quotes in configuration line");
    if (words.empty() || (!words[0].empty() && words[0][0] == '#')) continue;
    std::string name = Lower(words[0]);
    if (words.size() < 2) return fail("Bad directive or wrong number of arguments");
    if (name == "include") {
      absl::Status st = ParseFile(words[1], config, depth + 1);
      if (!st.ok()) return st;
      continue;
    }
    std::vector<std::string> rest(words.begin() + 1, words.end());
    absl::Status st = ApplyConfigOption(name, absl::StrJoin(rest, " "), config);
    if (!st.ok()) return fail(std::string(st.message()));
  }
  return absl::OkStatus();
}

}  // namespace

bool SplitConfigLine(const std::string& line, std::vector<std::string>* words) {
  size_t i = 0, n = line.size();
  while (true) {
    while (i < n && IsSpace(line[i])) ++i;
    if (i >= n) return true;
    std::string word;
    bool in_double = false, in_single = false;
    for (;; ++i) {
      if (in_double) {
        if (i >= n) return false;
        if (line[i] == '\\' && i + 3 < n && line[i + 1] == 'x' && HexValue(line[i + 2]) >= 0 &&
            HexValue(line[i + 3]) >= 0) {
          word += static_cast<char>(HexValue(line[i + 2]) * 16 + HexValue(line[i + 3]));
          i += 3;
        } else if (line[i] == '\\' && i + 1 < n) {
          char c = line[++i];
          switch (c) {
            case 'n':
              word += '\n';
              break;
            case 'r':
              word += '\r';
              break;
            case 't':
              word += '\t';
              break;
            case 'b':
              word += '\b';
              break;
            case 'a':
              word += '\a';
              break;
            default:
              word += c;
              break;
          }
        } else if (line[i] == '"') {
          // A closing quote must end the word.
          if (i + 1 < n && !IsSpace(line[i + 1])) return false;
          in_double = false;
          ++i;
          break;
        } else {
          word += line[i];
        }
      } else if (in_single) {
        if (i >= n) return false;
        if (line[i] == '\\' && i + 1 < n && line[i + 1] == '\'') {
          word += '\'';
          ++i;
        } else if (line[i] == '\'') {
          if (i + 1 < n && !IsSpace(line[i + 1])) return false;
          in_single = false;
          ++i;
          break;
        } else {
          word += line[i];
        }
      } else {
        if (i >= n || IsSpace(line[i])) break;
        if (line[i] == '"') {
          in_double = true;
        } else if (line[i] == '\'') {
          in_single = true;
        } else {
          word += line[i];
        }
      }
    }
    words->push_back(std::move(word));
  }
}

absl::Status ParseConfigFile(const std::string& path, Config* config) {
  return ParseFile(path, config, 0);
}

}  // namespace server
