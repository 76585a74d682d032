// libFuzzer target for the RDB codec: the input is read both as an RDB file
// (every key's value decoded) and as a DUMP payload. Anything may be
// refused; nothing may crash, read out of bounds or leak.
// tools/fuzz_rdb.sh builds and runs it with clang, ASan and UBSan.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/object.h"
#include "engine/rdb/rdb_reader.h"
#include "engine/rdb/rdb_records.h"
#include "engine/rdb/value_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  engine::EncodingLimits limits;
  // The same bytes as a file (with the header the fuzzer may not find).
  std::string file = "REDIS0010";
  file.append(in);
  for (std::string_view bytes : {in, std::string_view(file)}) {
    rdb::RdbReader reader(bytes);
    if (!reader.ReadHeader()) continue;
    rdb::RdbRecord r;
    while (reader.Next(&r)) {
      if (r.kind != rdb::RdbRecord::kKey) continue;
      engine::Object* obj = nullptr;
      std::string error;
      size_t pos = 0;
      if (rdb::LoadValue(r.type, r.payload, &pos, limits, &obj, &error) == rdb::LoadStatus::kOk) {
        // What loads must save and load again.
        std::string payload = rdb::DumpPayload(*obj, rdb::SaveOptions{});
        engine::Object* again = nullptr;
        if (!rdb::RestorePayload(payload, limits, &again, &error)) __builtin_trap();
        engine::DestroyObject(again);
        engine::DestroyObject(obj);
      }
    }
  }
  // As a value: a type byte and its bytes (RESTORE without the footer).
  if (size > 0) {
    size_t pos = 1;
    engine::Object* obj = nullptr;
    std::string error;
    if (rdb::LoadValue(data[0], in, &pos, limits, &obj, &error) == rdb::LoadStatus::kOk) {
      engine::DestroyObject(obj);
    }
  }
  return 0;
}
