#ifndef SHARDIS_SERVER_SCRIPTING_FUNCTION_REGISTRY_H_
#define SHARDIS_SERVER_SCRIPTING_FUNCTION_REGISTRY_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "server/scripting/script_cache.h"

namespace scripting {

// A function as FUNCTION LOAD's library registered it.
struct FunctionInfo {
  std::string name;
  std::string description;  // empty: none given
  bool has_description = false;
  uint32_t flags = 0;  // ScriptFlag
};

// One library: its code as sent (shebang included) and its functions.
struct FunctionLibrary {
  std::string name;
  std::string code;
  std::vector<FunctionInfo> functions;
};

// The `#!lua name=<lib>` line of FUNCTION LOAD's code.
struct LibraryMetadata {
  std::string name;
  std::string engine;  // as written ("lua")
  size_t shebang_length = 0;
  std::string error;  // Redis's text, without a code
};
LibraryMetadata ParseLibraryMetadata(std::string_view code);

// Letters, digits and '_', at least one (library and function names).
bool ValidFunctionName(std::string_view name);

// Every library of the server (FUNCTION LOAD, DELETE, FLUSH, LIST, FCALL).
// Thread-safe. Each worker's interpreter loads the libraries again when the
// generation changes.
class FunctionRegistry {
 public:
  // Adds a library whose code ran and registered `functions` (checked by
  // the caller in a scratch interpreter). "" or Redis's error.
  std::string Add(FunctionLibrary library, bool replace);
  // "" or "ERR Library not found".
  std::string Delete(std::string_view name);
  void Flush();
  // FUNCTION RESTORE: adds all of `libraries` or none. kAppend refuses a
  // library that exists, kReplace replaces it, kFlush drops every library
  // first. "" or Redis's error.
  enum class RestorePolicy { kAppend, kReplace, kFlush };
  std::string Restore(std::vector<FunctionLibrary> libraries, RestorePolicy policy);
  // The function's Script (flags, what its runs learned), or nullptr.
  std::shared_ptr<Script> FindFunction(std::string_view name) const;
  // By library name.
  std::vector<FunctionLibrary> Libraries() const;
  size_t function_count() const;
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

 private:
  mutable std::mutex mu_;
  std::map<std::string, FunctionLibrary> libraries_;
  std::map<std::string, std::shared_ptr<Script>> functions_;  // name -> its Script
  std::atomic<uint64_t> generation_{0};
};

}  // namespace scripting

#endif  // SHARDIS_SERVER_SCRIPTING_FUNCTION_REGISTRY_H_
