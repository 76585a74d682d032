#include "engine/rdb/rdb_records.h"

#include "engine/rdb/rdb_format.h"
#include "engine/rdb/rdb_string.h"

namespace rdb {

void AppendHeader(std::string* out) { out->append("REDIS0010"); }

void AppendAux(std::string* out, std::string_view key, std::string_view value) {
  out->push_back(static_cast<char>(kOpAux));
  AppendEncodedString(out, key, false);
  AppendEncodedString(out, value, false);
}

void AppendFunction(std::string* out, std::string_view library_code) {
  out->push_back(static_cast<char>(kOpFunction2));
  AppendEncodedString(out, library_code, false);
}

std::string FunctionsPayload(const std::vector<std::string>& library_codes) {
  std::string out;
  for (const std::string& code : library_codes) AppendFunction(&out, code);
  AppendDumpFooter(&out);
  return out;
}

std::string ReadFunctionsPayload(std::string_view payload, std::vector<std::string>* library_codes) {
  std::string_view body;
  if (!CheckDumpFooter(payload, &body)) return "ERR DUMP payload version or checksum are wrong";
  size_t pos = 0;
  while (pos < body.size()) {
    unsigned char type = static_cast<unsigned char>(body[pos++]);
    if (type == kOpFunctionPreGa) return "ERR Pre-GA function format not supported";
    if (type != kOpFunction2) return "ERR given type is not a function";
    std::string code;
    if (!ReadString(body, &pos, &code)) return "ERR failed loading the given functions payload";
    library_codes->push_back(std::move(code));
  }
  return "";
}

void AppendSelectDb(std::string* out, uint64_t db) {
  out->push_back(static_cast<char>(kOpSelectDb));
  AppendLength(out, db);
}

void AppendResizeDb(std::string* out, uint64_t keys, uint64_t expires) {
  out->push_back(static_cast<char>(kOpResizeDb));
  AppendLength(out, keys);
  AppendLength(out, expires);
}

void AppendKey(std::string* out, std::string_view key, const engine::Object& value,
               const KeyMeta& meta, const SaveOptions& options) {
  if (meta.expire_ms != 0) {
    out->push_back(static_cast<char>(kOpExpireTimeMs));
    AppendLittleEndian(out, static_cast<uint64_t>(meta.expire_ms), 8);
  }
  if (meta.idle_seconds >= 0) {
    out->push_back(static_cast<char>(kOpIdle));
    AppendLength(out, static_cast<uint64_t>(meta.idle_seconds));
  }
  if (meta.frequency >= 0) {
    out->push_back(static_cast<char>(kOpFreq));
    out->push_back(static_cast<char>(meta.frequency));
  }
  // The type comes first in the file but is known only once the value's
  // encoding has been chosen.
  size_t type_at = out->size();
  out->push_back('\0');
  AppendEncodedString(out, key, options.compress);
  (*out)[type_at] = static_cast<char>(SaveValue(value, options, out));
}

void AppendEof(std::string* out) { out->push_back(static_cast<char>(kOpEof)); }

void AppendChecksum(std::string* out, uint64_t crc) { AppendLittleEndian(out, crc, 8); }

std::string DumpPayload(const engine::Object& value, const SaveOptions& options) {
  std::string payload;
  payload.push_back('\0');
  payload[0] = static_cast<char>(SaveValue(value, options, &payload));
  AppendDumpFooter(&payload);
  return payload;
}

bool RestorePayload(std::string_view payload, const engine::EncodingLimits& limits,
                    engine::Object** out, std::string* error) {
  std::string_view body;
  if (!CheckDumpFooter(payload, &body)) {
    *error = "ERR DUMP payload version or checksum are wrong";
    return false;
  }
  size_t pos = 1;
  std::string why;
  engine::Object* obj = nullptr;
  LoadStatus status = body.empty()
                          ? LoadStatus::kCorrupt
                          : LoadValue(static_cast<uint8_t>(body[0]), body, &pos, limits, &obj, &why);
  // Bytes between the value and the footer are ignored: Redis 7.0's
  // restoreCommand reads the value and never looks past it.
  if (status == LoadStatus::kOk) {
    *out = obj;
    return true;
  }
  if (obj != nullptr) engine::DestroyObject(obj);
  *error = "ERR Bad data format";
  return false;
}

}  // namespace rdb
