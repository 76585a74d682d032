#include "engine/rdb/rdb_reader.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/rdb/crc64.h"
#include "engine/rdb/rdb_format.h"
#include "engine/rdb/rdb_string.h"
#include "engine/rdb/value_codec.h"

namespace rdb {

bool RdbReader::Fail(std::string_view what, size_t at) {
  error_ = absl::StrCat(std::string(what), " at offset ", at);
  return false;
}

bool RdbReader::ReadHeader() {
  if (file_.size() < 9 || file_.substr(0, 5) != "REDIS") {
    return Fail("Wrong signature trying to load DB from file", 0);
  }
  int v = 0;
  if (!absl::SimpleAtoi(std::string(file_.substr(5, 4)), &v) || v < kOldestReadableVersion ||
      v > kRdbVersion) {
    return Fail("Can't handle RDB format version " + std::string(file_.substr(5, 4)), 5);
  }
  version_ = v;
  pos_ = 9;
  return true;
}

bool RdbReader::Finish() {
  size_t at = pos_;
  uint64_t stored = 0;
  if (version_ >= 5) {
    if (!ReadLittleEndian(file_, &pos_, 8, &stored)) return Fail("truncated checksum", at);
    if (verify_checksum_ && stored != 0 && stored != Crc64(0, file_.substr(0, at))) {
      return Fail("Wrong RDB checksum", at);
    }
  }
  done_ = true;
  return false;
}

bool RdbReader::Next(RdbRecord* r) {
  if (done_ || !error_.empty()) return false;
  r->expire_ms = 0;
  r->idle_seconds = -1;
  r->frequency = -1;
  size_t start = pos_;
  // Opcodes that qualify the key after them, then the record itself.
  while (true) {
    r->offset = pos_;
    if (pos_ >= file_.size()) return Fail("Unexpected EOF reading RDB file", pos_);
    uint8_t op = static_cast<uint8_t>(file_[pos_++]);
    uint64_t v = 0;
    switch (op) {
      case kOpExpireTimeMs:
        if (!ReadLittleEndian(file_, &pos_, 8, &v)) return Fail("truncated expire", r->offset);
        r->expire_ms = static_cast<int64_t>(v);
        continue;
      case kOpExpireTime:
        if (!ReadLittleEndian(file_, &pos_, 4, &v)) return Fail("truncated expire", r->offset);
        r->expire_ms = static_cast<int64_t>(static_cast<int32_t>(v)) * 1000;
        continue;
      case kOpIdle:
        if (!ReadPlainLength(file_, &pos_, &v)) return Fail("truncated idle time", r->offset);
        r->idle_seconds = static_cast<int64_t>(v);
        continue;
      case kOpFreq:
        if (!ReadLittleEndian(file_, &pos_, 1, &v)) return Fail("truncated frequency", r->offset);
        r->frequency = static_cast<int>(v);
        continue;
      case kOpEof:
        return Finish();
      case kOpSelectDb:
        if (!ReadPlainLength(file_, &pos_, &r->db)) return Fail("truncated SELECTDB", r->offset);
        r->kind = RdbRecord::kSelectDb;
        break;
      case kOpResizeDb:
        if (!ReadPlainLength(file_, &pos_, &r->keys) ||
            !ReadPlainLength(file_, &pos_, &r->expires)) {
          return Fail("truncated RESIZEDB", r->offset);
        }
        r->kind = RdbRecord::kResizeDb;
        break;
      case kOpAux:
        if (!ReadString(file_, &pos_, &r->name) || !ReadString(file_, &pos_, &r->value)) {
          return Fail("truncated AUX field", r->offset);
        }
        r->kind = RdbRecord::kAux;
        break;
      case kOpFunction2:
        if (!ReadString(file_, &pos_, &r->value)) return Fail("truncated function", r->offset);
        r->kind = RdbRecord::kFunction;
        break;
      case kOpFunctionPreGa:
        return Fail("Pre-release function format not supported", r->offset);
      case kOpModuleAux:
        return Fail("module data is not supported", r->offset);
      default: {
        if (!IsValueType(op)) {
          return Fail(absl::StrCat("Unknown RDB opcode or type ", op), r->offset);
        }
        if (r->expire_ms != 0 || r->idle_seconds >= 0 || r->frequency >= 0) r->offset = start;
        r->kind = RdbRecord::kKey;
        r->type = op;
        if (!ReadString(file_, &pos_, &r->key)) return Fail("truncated key", r->offset);
        size_t value_at = pos_;
        if (op == kTypeModule || op == kTypeModule2 || op == kTypeStreamListpacks ||
            op == kTypeStreamListpacks2) {
          return Fail(absl::StrCat("unsupported value type ", op, " (key '", r->key, "')"),
                      value_at);
        }
        if (!SkipValue(op, file_, &pos_)) return Fail("truncated or corrupt value", value_at);
        r->payload = file_.substr(value_at, pos_ - value_at);
        break;
      }
    }
    if (r->kind != RdbRecord::kKey && (r->expire_ms != 0 || r->idle_seconds >= 0 ||
                                       r->frequency >= 0)) {
      return Fail("expire or eviction data not followed by a key", r->offset);
    }
    return true;
  }
}

}  // namespace rdb
