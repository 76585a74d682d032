#include "server/scripting/library_builder.h"

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

}  // namespace scripting
