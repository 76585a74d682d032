#include "resp/value.h"

#include <utility>

namespace resp {
namespace {

void AppendEscaped(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (const char c : s) {
    switch (c) {
      case '\r':
        out->append("\\r");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      default: {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u >= 0x7f) {
          out->append("\\x");
          out->push_back(kHex[u >> 4]);
          out->push_back(kHex[u & 15]);
        } else {
          out->push_back(c);
        }
      }
    }
  }
  out->push_back('"');
}

void AppendList(const std::vector<Value>& elements, bool pairs, std::string* out);

void Append(const Value& v, std::string* out) {
  if (!v.attributes.empty()) {
    out->push_back('|');
    AppendList(v.attributes, /*pairs=*/true, out);
    out->push_back(' ');
  }
  switch (v.type) {
    case Type::kSimpleString:
      out->push_back('+');
      AppendEscaped(v.str, out);
      break;
    case Type::kError:
      out->push_back('-');
      AppendEscaped(v.str, out);
      break;
    case Type::kInteger:
      out->push_back(':');
      out->append(std::to_string(v.integer));
      break;
    case Type::kBulk:
      AppendEscaped(v.str, out);
      break;
    case Type::kNull:
      out->append("nil");
      break;
    case Type::kArray:
      AppendList(v.elements, /*pairs=*/false, out);
      break;
    case Type::kSet:
      out->push_back('~');
      AppendList(v.elements, /*pairs=*/false, out);
      break;
    case Type::kPush:
      out->push_back('>');
      AppendList(v.elements, /*pairs=*/false, out);
      break;
    case Type::kMap:
      AppendList(v.elements, /*pairs=*/true, out);
      break;
    case Type::kDouble:
      out->push_back(',');
      out->append(v.str);
      break;
    case Type::kBoolean:
      out->append(v.integer ? "#t" : "#f");
      break;
    case Type::kBigNumber:
      out->push_back('(');
      out->append(v.str);
      break;
    case Type::kVerbatim:
      out->push_back('=');
      out->append(v.format);
      out->push_back(':');
      AppendEscaped(v.str, out);
      break;
  }
}

// [a, b] or, for maps and attributes, {k: v, k2: v2}.
void AppendList(const std::vector<Value>& elements, bool pairs, std::string* out) {
  out->push_back(pairs ? '{' : '[');
  for (size_t i = 0; i < elements.size(); ++i) {
    if (i > 0) out->append(pairs && i % 2 == 1 ? ": " : ", ");
    Append(elements[i], out);
  }
  out->push_back(pairs ? '}' : ']');
}

}  // namespace

const char* TypeName(Type t) {
  switch (t) {
    case Type::kSimpleString:
      return "simple-string";
    case Type::kError:
      return "error";
    case Type::kInteger:
      return "integer";
    case Type::kBulk:
      return "bulk";
    case Type::kNull:
      return "null";
    case Type::kArray:
      return "array";
    case Type::kMap:
      return "map";
    case Type::kSet:
      return "set";
    case Type::kDouble:
      return "double";
    case Type::kBoolean:
      return "boolean";
    case Type::kBigNumber:
      return "big-number";
    case Type::kVerbatim:
      return "verbatim";
    case Type::kPush:
      return "push";
  }
  return "unknown";
}

bool Value::operator==(const Value& other) const {
  // Doubles compare by their received text so that NaN equals itself.
  return type == other.type && str == other.str && integer == other.integer &&
         format == other.format && elements == other.elements && attributes == other.attributes &&
         (type == Type::kDouble || dbl == other.dbl);
}

Value MakeSimple(std::string s) {
  Value v;
  v.type = Type::kSimpleString;
  v.str = std::move(s);
  return v;
}

Value MakeError(std::string s) {
  Value v;
  v.type = Type::kError;
  v.str = std::move(s);
  return v;
}

Value MakeInteger(int64_t i) {
  Value v;
  v.type = Type::kInteger;
  v.integer = i;
  return v;
}

Value MakeBulk(std::string s) {
  Value v;
  v.type = Type::kBulk;
  v.str = std::move(s);
  return v;
}

Value MakeNull() { return Value{}; }

Value MakeAggregate(Type t, std::vector<Value> elements) {
  Value v;
  v.type = t;
  v.elements = std::move(elements);
  return v;
}

std::string ToString(const Value& v) {
  std::string out;
  Append(v, &out);
  return out;
}

}  // namespace resp
