#include "server/scripting/library_builder.h"

#include <cctype>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/scripting/lua_runtime.h"

namespace scripting {

std::string CheckLibraryMetadata(const LibraryMetadata& md) {
  if (!md.error.empty()) return absl::StrCat("ERR ", md.error);
  if (!ValidFunctionName(md.name)) {
    return "ERR Library names can only contain letters, numbers, or underscores(_) and must be "
           "at least one character long";
  }
  if (!absl::EqualsIgnoreCase(md.engine, "lua")) {
    return absl::StrCat("ERR Engine '", md.engine, "' not found");
  }
  return "";
}

std::string BuildLibrary(std::string_view code, FunctionLibrary* library) {
  LibraryMetadata md = ParseLibraryMetadata(code);
  std::string error = CheckLibraryMetadata(md);
  if (!error.empty()) return error;
  library->name = md.name;
  library->code = std::string(code);
  LuaRuntime scratch("7.0.15");
  return scratch.LoadLibrary(code, md.shebang_length, &library->functions);
}

std::string BuildLibraries(const std::vector<std::string>& codes,
                           std::vector<FunctionLibrary>* libraries) {
  for (const std::string& code : codes) {
    FunctionLibrary library;
    std::string error = BuildLibrary(code, &library);
    for (const FunctionLibrary& other : *libraries) {
      if (error.empty() && other.name == library.name) {
        error = "ERR Library '" + library.name + "' already exists";
      }
    }
    if (!error.empty()) return error;
    libraries->push_back(std::move(library));
  }
  return "";
}

bool ParseRestorePolicy(std::string_view word, FunctionRegistry::RestorePolicy* policy) {
  std::string w(word);
  for (char& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (w == "append") {
    *policy = FunctionRegistry::RestorePolicy::kAppend;
  } else if (w == "replace") {
    *policy = FunctionRegistry::RestorePolicy::kReplace;
  } else if (w == "flush") {
    *policy = FunctionRegistry::RestorePolicy::kFlush;
  } else {
    return false;
  }
  return true;
}

}  // namespace scripting
