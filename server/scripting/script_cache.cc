#include "server/scripting/script_cache.h"

#include "server/scripting/script_flags.h"
#include "server/scripting/sha1.h"

namespace scripting {

std::shared_ptr<Script> ScriptCache::Parse(std::string_view body, std::string* error) {
  Shebang shebang = ParseShebang(body);
  if (!shebang.error.empty()) {
    *error = shebang.error;
    return nullptr;
  }
  auto script = std::make_shared<Script>();
  script->sha = Sha1Hex(body);
  script->body = std::string(body);
  script->flags = shebang.flags;
  script->shebang_length = shebang.length;
  return script;
}

std::shared_ptr<Script> ScriptCache::Insert(std::shared_ptr<Script> script) {
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, added] = scripts_.try_emplace(script->sha, script);
  if (added) body_bytes_ += script->body.size();
  return it->second;
}

std::shared_ptr<Script> ScriptCache::Add(std::string_view body, std::string* error) {
  std::shared_ptr<Script> script = Parse(body, error);
  return script == nullptr ? nullptr : Insert(std::move(script));
}

std::shared_ptr<Script> ScriptCache::Find(std::string_view sha) const {
  if (sha.size() != 40) return nullptr;
  std::string lower(sha);
  for (char& ch : lower) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto it = scripts_.find(lower);
  return it == scripts_.end() ? nullptr : it->second;
}

void ScriptCache::Flush() {
  std::lock_guard<std::mutex> lock(mu_);
  scripts_.clear();
  body_bytes_ = 0;
  generation_.fetch_add(1, std::memory_order_acq_rel);
}

size_t ScriptCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return scripts_.size();
}

size_t ScriptCache::body_bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return body_bytes_;
}

}  // namespace scripting
