// A decoded RESP2/RESP3 reply, as produced by ReplyParser.
#ifndef RESP_VALUE_H_
#define RESP_VALUE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace resp {

// The RESP3 types. RESP2 replies use the first five plus kArray; RESP2's null
// bulk "$-1" and null array "*-1" both decode to kNull.
enum class Type {
  kSimpleString,  // +
  kError,         // - and RESP3 blob error !
  kInteger,       // :
  kBulk,          // $
  kNull,          // _ (and RESP2 $-1 / *-1)
  kArray,         // *
  kMap,           // %
  kSet,           // ~
  kDouble,        // ,
  kBoolean,       // #
  kBigNumber,     // (
  kVerbatim,      // =
  kPush,          // >
};

// Name of the type for messages ("array", "bulk", ...).
const char* TypeName(Type t);

// One reply. A plain struct: which fields are meaningful depends on `type`.
struct Value {
  Type type = Type::kNull;
  // kSimpleString, kError, kBulk, kBigNumber (the digits), kVerbatim (the
  // text after "fmt:"), kDouble (the text as received, e.g. "1.5", "inf").
  std::string str;
  // kInteger; kBoolean as 0 or 1.
  int64_t integer = 0;
  // kDouble.
  double dbl = 0;
  // kVerbatim: the 3-byte format, e.g. "txt".
  std::string format;
  // kArray, kSet, kPush: the elements. kMap: keys and values alternating.
  std::vector<Value> elements;
  // RESP3 attributes ("|") sent before this value: keys and values
  // alternating; empty if none.
  std::vector<Value> attributes;

  bool operator==(const Value& other) const;
};

// Convenience constructors, mostly for tests.
Value MakeSimple(std::string s);
Value MakeError(std::string s);
Value MakeInteger(int64_t v);
Value MakeBulk(std::string s);
Value MakeNull();
Value MakeAggregate(Type t, std::vector<Value> elements);

// One-line debug rendering, stable enough to assert on:
//   +OK   -ERR x   :1   "bulk\r\n"   nil   [a, b]   ~[a, b]   >[a, b]
//   {k: v, k2: v2}   ,1.5   #t   (123   =txt:"text"   |{k: v} value
// String contents are quoted and escaped (\r \n \t \" \\ \xHH) in every type
// that carries bytes, so binary data prints on one line.
std::string ToString(const Value& v);

}  // namespace resp

#endif  // RESP_VALUE_H_
