#ifndef SHARDIS_SERVER_SCRIPTING_LIBRARY_BUILDER_H_
#define SHARDIS_SERVER_SCRIPTING_LIBRARY_BUILDER_H_

#include <string>
#include <string_view>
#include <vector>

#include "server/scripting/function_registry.h"

namespace scripting {

// Turns a library's code into a FunctionLibrary, as FUNCTION LOAD and the
// RDB loader both need: checks the shebang metadata (Redis's errors, in its
// order) and runs the code in a scratch interpreter to learn what it
// registers. "" or Redis's error text.
std::string BuildLibrary(std::string_view code, FunctionLibrary* library);

// FUNCTION RESTORE's libraries: each built, names unique within the set.
// "" or Redis's error.
std::string BuildLibraries(const std::vector<std::string>& codes,
                           std::vector<FunctionLibrary>* libraries);

// FUNCTION RESTORE's policy word (APPEND, REPLACE, FLUSH; any case).
bool ParseRestorePolicy(std::string_view word, FunctionRegistry::RestorePolicy* policy);

// The metadata's refusals alone: "" or the error (FUNCTION LOAD checks them
// before looking for an existing library of that name).
std::string CheckLibraryMetadata(const LibraryMetadata& md);

}  // namespace scripting

#endif  // SHARDIS_SERVER_SCRIPTING_LIBRARY_BUILDER_H_
