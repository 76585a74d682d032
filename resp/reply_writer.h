// Server-side encoding of replies in RESP2 or RESP3, byte-for-byte as Redis
// 7.0 writes them (src/networking.c, addReply*).
#ifndef RESP_REPLY_WRITER_H_
#define RESP_REPLY_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace resp {

// The protocol a connection speaks; HELLO switches it.
enum class Protocol { kResp2 = 2, kResp3 = 3 };

// Largest output of FormatDouble: "%.17g" of any double is at most 24 bytes.
inline constexpr size_t kFormatDoubleBufSize = 32;

// Formats `d` as Redis 7.0's addReplyDouble does: "%.17g" (shortest form that
// round-trips, e.g. "1", "0.10000000000000001", "1.0000000000000001e+100"),
// "inf" / "-inf" for infinities and "nan" for every NaN (glibc would print
// "-nan" for some). Writes into buf, which must hold kFormatDoubleBufSize
// bytes, with no terminator; returns the length.
size_t FormatDouble(double d, char* buf);

// Appends replies to a caller-owned std::string; no heap allocation per reply
// beyond the string's amortized growth. The writer holds only a pointer to the
// string and the protocol, so it is cheap to create per reply batch.
//
// Aggregates are written as a header followed by exactly as many replies as
// the header announces (2 per pair for maps); the writer does not check this.
class ReplyWriter {
 public:
  // `out` must outlive the writer.
  explicit ReplyWriter(std::string* out, Protocol p = Protocol::kResp2) : out_(out), proto_(p) {}

  void set_protocol(Protocol p) { proto_ = p; }
  Protocol protocol() const { return proto_; }
  std::string* out() { return out_; }

  // "+s\r\n". CR and LF in `s` are replaced by spaces so the reply stays one
  // line (a status text can echo user input).
  void SimpleString(std::string_view s);
  // "+OK\r\n".
  void Ok();
  // "-msg\r\n". `msg` already has its prefix ("ERR ...", "WRONGTYPE ...").
  // CR and LF become spaces, as in Redis's addReplyErrorFormat.
  void Error(std::string_view msg);
  // ":v\r\n".
  void Integer(int64_t v);
  // "$len\r\ns\r\n"; `s` may hold any bytes.
  void Bulk(std::string_view s);
  // A missing value (GET of a missing key): RESP2 "$-1\r\n", RESP3 "_\r\n".
  void Null();
  // A missing aggregate (BLPOP timeout): RESP2 "*-1\r\n", RESP3 "_\r\n".
  void NullArray();
  // "*n\r\n", then n replies.
  void ArrayHeader(size_t n);
  // RESP3 "%pairs\r\n", RESP2 "*<2*pairs>\r\n"; then key, value, key, value...
  void MapHeader(size_t pairs);
  // RESP3 "~n\r\n", RESP2 "*n\r\n".
  void SetHeader(size_t n);
  // Out-of-band message (pub/sub): RESP3 ">n\r\n", RESP2 "*n\r\n".
  void PushHeader(size_t n);
  // RESP3 ",<FormatDouble>\r\n", RESP2 the same text as a bulk string.
  void Double(double d);
  // RESP3 "#t\r\n" / "#f\r\n", RESP2 ":1\r\n" / ":0\r\n".
  void Boolean(bool b);
  // RESP3 "(digits\r\n", RESP2 the digits as a bulk string. `digits` is an
  // optional '-' and decimal digits; not validated.
  void BigNumber(std::string_view digits);
  // RESP3 "=<len+4>\r\nfmt:text\r\n" with `format3` cut or space-padded to 3
  // bytes ("txt", "mkd") as Redis does; RESP2 `text` as a bulk string.
  void Verbatim(std::string_view format3, std::string_view text);

 private:
  // Appends `prefix`, the decimal n and CRLF in one append.
  void Header(char prefix, uint64_t n);

  std::string* out_;
  Protocol proto_;
};

}  // namespace resp

#endif  // RESP_REPLY_WRITER_H_
