// Redis 7.0's AOF manifest, read and written as aof.c does: one line per
// file, names quoted when they need it, a temp file renamed into place.
#include "server/aof/manifest.h"

#include <fcntl.h>
#include <strings.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace aof {
namespace {

bool NeedsQuotes(std::string_view s) {
  for (unsigned char c : s) {
    if (c == '\\' || c == '"' || c == '\n' || c == '\r' || c == '\t' || c == '\a' || c == '\b' ||
        c == ' ' || c < 0x20 || c > 0x7e) {
      return true;
    }
  }
  return false;
}

// Redis's sdscatrepr: "..." with C escapes and \xHH.
std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '\\':
      case '"':
        out.push_back('\\');
        out.push_back(static_cast<char>(c));
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      default:
        if (c >= 0x20 && c <= 0x7e) {
          out.push_back(static_cast<char>(c));
        } else {
          char hex[5];
          std::snprintf(hex, sizeof(hex), "\\x%02x", c);
          out += hex;
        }
    }
  }
  out.push_back('"');
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Redis's sdssplitargs: words separated by spaces; "..." with escapes, '...'
// literal. False on unbalanced quotes or a quote not followed by a space.
bool SplitArgs(std::string_view line, std::vector<std::string>* out) {
  size_t i = 0;
  while (true) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i >= line.size()) return true;
    std::string word;
    char quote = 0;
    if (line[i] == '"' || line[i] == '\'') quote = line[i++];
    bool closed = quote == 0;
    while (i < line.size()) {
      char c = line[i];
      if (quote == 0) {
        if (std::isspace(static_cast<unsigned char>(c))) break;
        word.push_back(c);
        ++i;
        continue;
      }
      if (c == quote) {
        ++i;
        closed = true;
        if (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) return false;
        break;
      }
      if (quote == '"' && c == '\\' && i + 1 < line.size()) {
        char e = line[i + 1];
        if (e == 'x' && i + 3 < line.size() && HexValue(line[i + 2]) >= 0 &&
            HexValue(line[i + 3]) >= 0) {
          word.push_back(static_cast<char>(HexValue(line[i + 2]) * 16 + HexValue(line[i + 3])));
          i += 4;
          continue;
        }
        switch (e) {
          case 'n':
            word.push_back('\n');
            break;
          case 'r':
            word.push_back('\r');
            break;
          case 't':
            word.push_back('\t');
            break;
          case 'b':
            word.push_back('\b');
            break;
          case 'a':
            word.push_back('\a');
            break;
          default:
            word.push_back(e);
        }
        i += 2;
        continue;
      }
      if (quote == '\'' && c == '\\' && i + 1 < line.size() && line[i + 1] == '\'') {
        word.push_back('\'');
        i += 2;
        continue;
      }
      word.push_back(c);
      ++i;
    }
    if (!closed) return false;
    out->push_back(std::move(word));
  }
}

void FormatLine(std::string* out, const AofFileInfo& f) {
  absl::StrAppend(out, "file ", NeedsQuotes(f.name) ? Quote(f.name) : f.name, " seq ", f.seq,
                  " type ", std::string(1, static_cast<char>(f.type)), "\n");
}

absl::Status Invalid(std::string_view why, int line, std::string_view text) {
  return absl::DataLossError(
      absl::StrCat(std::string(why), " (manifest line ", line, ": '", std::string(text), "')"));
}

}  // namespace

absl::Status Manifest::Parse(std::string_view text, Manifest* out) {
  *out = Manifest();
  int64_t max_incr = 0;
  int number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) {
      return Invalid("The AOF manifest file contains too long line", number + 1, text.substr(pos));
    }
    std::string_view raw = text.substr(pos, end - pos);
    pos = end + 1;
    ++number;
    if (!raw.empty() && raw[0] == '#') continue;
    while (!raw.empty() && (raw.back() == '\r' || raw.back() == ' ' || raw.back() == '\t')) {
      raw.remove_suffix(1);
    }
    while (!raw.empty() && (raw.front() == ' ' || raw.front() == '\t')) raw.remove_prefix(1);
    std::vector<std::string> words;
    if (raw.empty() || !SplitArgs(raw, &words) || words.size() < 6 || words.size() % 2 != 0) {
      return Invalid("Invalid AOF manifest file format", number, raw);
    }
    AofFileInfo info;
    char type = 0;
    for (size_t i = 0; i < words.size(); i += 2) {
      if (strcasecmp(words[i].c_str(), "file") == 0) {
        info.name = words[i + 1];
        if (info.name.find('/') != std::string::npos) {
          return Invalid("File can't be a path, just a filename", number, raw);
        }
      } else if (strcasecmp(words[i].c_str(), "seq") == 0) {
        info.seq = std::atoll(words[i + 1].c_str());
      } else if (strcasecmp(words[i].c_str(), "type") == 0) {
        type = words[i + 1].empty() ? 0 : words[i + 1][0];
      }
    }
    if (info.name.empty() || info.seq == 0 || type == 0) {
      return Invalid("Invalid AOF manifest file format", number, raw);
    }
    if (type == AofFileInfo::kBase) {
      if (out->base) return Invalid("Found duplicate base file information", number, raw);
      info.type = AofFileInfo::kBase;
      out->base_seq = info.seq;
      out->base = std::move(info);
    } else if (type == AofFileInfo::kHistory) {
      info.type = AofFileInfo::kHistory;
      out->history.push_back(std::move(info));
    } else if (type == AofFileInfo::kIncr) {
      if (info.seq <= max_incr) return Invalid("Found a non-monotonic sequence number", number, raw);
      max_incr = info.seq;
      info.type = AofFileInfo::kIncr;
      out->incr_seq = info.seq;
      out->incr.push_back(std::move(info));
    } else {
      return Invalid("Unknown AOF file type", number, raw);
    }
  }
  if (number == 0) return absl::DataLossError("Found an empty AOF manifest");
  return absl::OkStatus();
}

std::string Manifest::Format() const {
  std::string out;
  if (base) FormatLine(&out, *base);
  for (const AofFileInfo& f : history) FormatLine(&out, f);
  for (const AofFileInfo& f : incr) FormatLine(&out, f);
  return out;
}

std::string Manifest::NewBase(const std::string& prefix, bool rdb) {
  if (base) {
    base->type = AofFileInfo::kHistory;
    history.insert(history.begin(), *base);
  }
  AofFileInfo info;
  info.seq = ++base_seq;
  info.name = absl::StrCat(prefix, ".", info.seq, ".base", rdb ? ".rdb" : ".aof");
  info.type = AofFileInfo::kBase;
  base = info;
  return info.name;
}

std::string Manifest::NewIncr(const std::string& prefix) {
  AofFileInfo info;
  info.seq = ++incr_seq;
  info.name = absl::StrCat(prefix, ".", info.seq, ".incr.aof");
  info.type = AofFileInfo::kIncr;
  incr.push_back(info);
  return info.name;
}

void Manifest::MarkRewrittenIncrAsHistory() {
  while (incr.size() > 1) {
    AofFileInfo f = incr.front();
    incr.erase(incr.begin());
    f.type = AofFileInfo::kHistory;
    history.insert(history.begin(), std::move(f));
  }
}

std::string ManifestName(const std::string& prefix) { return prefix + ".manifest"; }

absl::Status ReadManifest(const std::string& dir, const std::string& name, Manifest* out) {
  std::string path = absl::StrCat(dir, "/", name);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return absl::NotFoundError(path);
    return absl::InternalError(absl::StrCat("Can't open the AOF manifest file ", path,
                                            " for reading: ", std::strerror(errno)));
  }
  std::stringstream text;
  text << in.rdbuf();
  return Manifest::Parse(text.str(), out);
}

absl::Status WriteManifest(const std::string& dir, const std::string& name,
                           const Manifest& manifest) {
  std::string text = manifest.Format();
  std::string temp = absl::StrCat(dir, "/temp-", name);
  std::string target = absl::StrCat(dir, "/", name);
  auto fail = [&](const char* what) {
    absl::Status st = absl::InternalError(
        absl::StrCat("Can't ", what, " the AOF manifest file ", temp, ": ", std::strerror(errno)));
    ::unlink(temp.c_str());
    return st;
  };
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return fail("open");
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return fail("write");
    }
    done += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0) {
    ::close(fd);
    return fail("fsync");
  }
  ::close(fd);
  if (::rename(temp.c_str(), target.c_str()) != 0) return fail("rename");
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    fsync(dfd);
    ::close(dfd);
  }
  return absl::OkStatus();
}

}  // namespace aof
