#include "server/scripting/function_registry.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace scripting {

namespace {

// FCALL finds functions by name in any case, as Redis's dict does.
std::string Folded(std::string_view name) {
  return absl::AsciiStrToLower(absl::string_view(name.data(), name.size()));
}

// sdssplitargs's quoting, enough for a shebang word: quotes are dropped.
std::string Unquoted(std::string_view word) {
  std::string out;
  for (char ch : word) {
    if (ch != '"' && ch != '\'') out.push_back(ch);
  }
  return out;
}

}  // namespace

bool ValidFunctionName(std::string_view name) {
  if (name.empty()) return false;
  for (char ch : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(ch)) && ch != '_') return false;
  }
  return true;
}

LibraryMetadata ParseLibraryMetadata(std::string_view code) {
  LibraryMetadata md;
  size_t end = code.find('\n');
  if (code.substr(0, 2) != "#!" || end == std::string_view::npos) {
    md.error = "Missing library metadata";
    return md;
  }
  md.shebang_length = end;
  std::vector<std::string_view> parts;
  std::string_view line = code.substr(0, end);
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > start) parts.push_back(line.substr(start, i - start));
  }
  if (parts.empty()) {
    md.error = "Invalid library metadata";
    return md;
  }
  md.engine = Unquoted(parts[0].substr(2));
  bool named = false;
  for (size_t p = 1; p < parts.size(); ++p) {
    absl::string_view part(parts[p].data(), parts[p].size());
    if (part.size() >= 5 && absl::EqualsIgnoreCase(part.substr(0, 5), "name=")) {
      if (named) {
        md.error = "Invalid metadata value, name argument was given multiple times";
        return md;
      }
      named = true;
      md.name = Unquoted(std::string_view(part.data() + 5, part.size() - 5));
      continue;
    }
    md.error = absl::StrCat("Invalid metadata value given: ", part);
    return md;
  }
  if (!named) md.error = "Library name was not given";
  return md;
}

std::string FunctionRegistry::Add(FunctionLibrary library, bool replace) {
  std::lock_guard<std::mutex> lock(mu_);
  auto old = libraries_.find(library.name);
  if (old != libraries_.end() && !replace) {
    return absl::StrCat("ERR Library '", library.name, "' already exists");
  }
  for (const FunctionInfo& f : library.functions) {
    auto it = functions_.find(Folded(f.name));
    // A function of the library being replaced may keep its name.
    bool ours =
        old != libraries_.end() &&
        std::any_of(old->second.functions.begin(), old->second.functions.end(),
                    [&](const FunctionInfo& o) { return Folded(o.name) == Folded(f.name); });
    if (it != functions_.end() && !ours) {
      return absl::StrCat("ERR Function ", f.name, " already exists");
    }
  }
  if (old != libraries_.end()) {
    for (const FunctionInfo& f : old->second.functions) functions_.erase(Folded(f.name));
  }
  for (const FunctionInfo& f : library.functions) {
    auto script = std::make_shared<Script>();
    script->is_function = true;
    script->sha = f.name;
    script->flags = f.flags;
    functions_[Folded(f.name)] = std::move(script);
  }
  std::string name = library.name;
  libraries_[name] = std::move(library);
  generation_.fetch_add(1, std::memory_order_acq_rel);
  return "";
}

std::string FunctionRegistry::Delete(std::string_view name) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = libraries_.find(std::string(name));
  if (it == libraries_.end()) return "ERR Library not found";
  for (const FunctionInfo& f : it->second.functions) functions_.erase(Folded(f.name));
  libraries_.erase(it);
  generation_.fetch_add(1, std::memory_order_acq_rel);
  return "";
}

std::string FunctionRegistry::Restore(std::vector<FunctionLibrary> libraries,
                                      RestorePolicy policy) {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, FunctionLibrary> result;
  if (policy != RestorePolicy::kFlush) result = libraries_;
  for (FunctionLibrary& lib : libraries) {
    if (result.count(lib.name) > 0 && policy == RestorePolicy::kAppend) {
      return absl::StrCat("ERR Library ", lib.name, " already exists");
    }
    result.erase(lib.name);
  }
  std::map<std::string, std::string> owner;  // folded function name -> library
  for (const auto& [name, lib] : result) {
    for (const FunctionInfo& f : lib.functions) owner[Folded(f.name)] = name;
  }
  for (const FunctionLibrary& lib : libraries) {
    for (const FunctionInfo& f : lib.functions) {
      if (!owner.emplace(Folded(f.name), lib.name).second) {
        return absl::StrCat("ERR Function ", f.name, " already exists");
      }
    }
  }
  for (FunctionLibrary& lib : libraries) {
    std::string name = lib.name;
    result[name] = std::move(lib);
  }
  libraries_ = std::move(result);
  functions_.clear();
  for (const auto& [name, lib] : libraries_) {
    for (const FunctionInfo& f : lib.functions) {
      auto script = std::make_shared<Script>();
      script->is_function = true;
      script->sha = f.name;
      script->flags = f.flags;
      functions_[Folded(f.name)] = std::move(script);
    }
  }
  generation_.fetch_add(1, std::memory_order_acq_rel);
  return "";
}

void FunctionRegistry::Flush() {
  std::lock_guard<std::mutex> lock(mu_);
  libraries_.clear();
  functions_.clear();
  generation_.fetch_add(1, std::memory_order_acq_rel);
}

std::shared_ptr<Script> FunctionRegistry::FindFunction(std::string_view name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = functions_.find(Folded(name));
  return it == functions_.end() ? nullptr : it->second;
}

std::vector<FunctionLibrary> FunctionRegistry::Libraries() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<FunctionLibrary> out;
  for (const auto& [name, lib] : libraries_) out.push_back(lib);
  return out;
}

size_t FunctionRegistry::function_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return functions_.size();
}

}  // namespace scripting
