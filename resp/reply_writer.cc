#include "resp/reply_writer.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

#include "resp/numbers.h"

namespace resp {
namespace {

// Prefix byte + up to 20 digits + CRLF.
constexpr size_t kHeaderBufSize = 1 + kMaxInt64Chars + 2;

// Bulk payloads up to this size are copied into the stack buffer together
// with their header and trailer, so a small bulk costs one append.
constexpr size_t kSmallBulk = 64;

// Appends `s` with CR and LF replaced by spaces.
void AppendOneLine(std::string* out, std::string_view s) {
  const size_t start = out->size();
  out->append(s);
  for (size_t i = start; i < out->size(); ++i) {
    char& c = (*out)[i];
    if (c == '\r' || c == '\n') c = ' ';
  }
}

}  // namespace

size_t FormatDouble(double d, char* buf) {
  if (std::isinf(d)) {
    const char* text = d > 0 ? "inf" : "-inf";
    const size_t len = std::strlen(text);
    std::memcpy(buf, text, len);
    return len;
  }
  if (std::isnan(d)) {
    std::memcpy(buf, "nan", 3);
    return 3;
  }
  // std::to_chars with an explicit precision is specified as printf("%.17g")
  // in the C locale, without snprintf's format parsing.
  const auto result =
      std::to_chars(buf, buf + kFormatDoubleBufSize, d, std::chars_format::general, 17);
  return static_cast<size_t>(result.ptr - buf);
}

void ReplyWriter::Header(char prefix, uint64_t n) {
  char buf[kHeaderBufSize];
  buf[0] = prefix;
  size_t len = 1 + FormatUint64(n, buf + 1);
  buf[len++] = '\r';
  buf[len++] = '\n';
  out_->append(buf, len);
}

void ReplyWriter::SimpleString(std::string_view s) {
  out_->push_back('+');
  AppendOneLine(out_, s);
  out_->append("\r\n", 2);
}

void ReplyWriter::Ok() { out_->append("+OK\r\n", 5); }

void ReplyWriter::Error(std::string_view msg) {
  out_->push_back('-');
  AppendOneLine(out_, msg);
  out_->append("\r\n", 2);
}

void ReplyWriter::Integer(int64_t v) {
  char buf[kHeaderBufSize];
  buf[0] = ':';
  size_t len = 1 + FormatInt64(v, buf + 1);
  buf[len++] = '\r';
  buf[len++] = '\n';
  out_->append(buf, len);
}

void ReplyWriter::Bulk(std::string_view s) {
  char buf[kHeaderBufSize + kSmallBulk + 2];
  buf[0] = '$';
  size_t len = 1 + FormatUint64(s.size(), buf + 1);
  buf[len++] = '\r';
  buf[len++] = '\n';
  if (s.size() <= kSmallBulk) {
    // An empty view may have no data pointer at all (memcpy's UB).
    if (!s.empty()) std::memcpy(buf + len, s.data(), s.size());
    len += s.size();
    buf[len++] = '\r';
    buf[len++] = '\n';
    out_->append(buf, len);
    return;
  }
  out_->reserve(out_->size() + len + s.size() + 2);
  out_->append(buf, len);
  out_->append(s);
  out_->append("\r\n", 2);
}

void ReplyWriter::Null() {
  if (proto_ == Protocol::kResp3) {
    out_->append("_\r\n", 3);
  } else {
    out_->append("$-1\r\n", 5);
  }
}

void ReplyWriter::NullArray() {
  if (proto_ == Protocol::kResp3) {
    out_->append("_\r\n", 3);
  } else {
    out_->append("*-1\r\n", 5);
  }
}

void ReplyWriter::ArrayHeader(size_t n) { Header('*', n); }

void ReplyWriter::MapHeader(size_t pairs) {
  if (proto_ == Protocol::kResp3) {
    Header('%', pairs);
  } else {
    Header('*', static_cast<uint64_t>(pairs) * 2);
  }
}

void ReplyWriter::SetHeader(size_t n) { Header(proto_ == Protocol::kResp3 ? '~' : '*', n); }

void ReplyWriter::PushHeader(size_t n) { Header(proto_ == Protocol::kResp3 ? '>' : '*', n); }

void ReplyWriter::Double(double d) {
  char text[kFormatDoubleBufSize];
  const size_t len = FormatDouble(d, text);
  if (proto_ == Protocol::kResp3) {
    char buf[1 + kFormatDoubleBufSize + 2];
    buf[0] = ',';
    std::memcpy(buf + 1, text, len);
    buf[len + 1] = '\r';
    buf[len + 2] = '\n';
    out_->append(buf, len + 3);
  } else {
    Bulk(std::string_view(text, len));
  }
}

void ReplyWriter::Boolean(bool b) {
  if (proto_ == Protocol::kResp3) {
    out_->append(b ? "#t\r\n" : "#f\r\n", 4);
  } else {
    out_->append(b ? ":1\r\n" : ":0\r\n", 4);
  }
}

void ReplyWriter::BigNumber(std::string_view digits) {
  if (proto_ == Protocol::kResp3) {
    out_->push_back('(');
    out_->append(digits);
    out_->append("\r\n", 2);
  } else {
    Bulk(digits);
  }
}

void ReplyWriter::Verbatim(std::string_view format3, std::string_view text) {
  if (proto_ != Protocol::kResp3) {
    Bulk(text);
    return;
  }
  Header('=', static_cast<uint64_t>(text.size()) + 4);
  char format[4] = {' ', ' ', ' ', ':'};
  std::memcpy(format, format3.data(), std::min<size_t>(format3.size(), 3));
  out_->append(format, 4);
  out_->append(text);
  out_->append("\r\n", 2);
}

}  // namespace resp
