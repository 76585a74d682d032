#ifndef SHARDIS_SERVER_COMMAND_POP_ARGS_H_
#define SHARDIS_SERVER_COMMAND_POP_ARGS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/object.h"
#include "server/command/multi_command.h"

// Argument parsing shared by the commands that pop from the first non-empty
// of several keys (LMPOP, ZMPOP, BLPOP, BZPOPMIN, ...). On a bad argument
// each function sets Redis's error as the command's reply and returns false.
namespace server {

// Parses a blocking command's timeout as Redis 7.0 does (seconds as a long
// double, truncated to ms; 0 waits forever). False with Redis's error text.
bool ParseBlockTimeout(std::string_view arg, int64_t* timeout_ms, std::string* error);

// Parses a blocking command's timeout (ParseBlockTimeout) and declares the
// command blocking on values of `waits_for` (blocking.h tells the rest).
bool DeclareBlocking(MultiCommand& mc, std::string_view timeout, engine::ObjectType waits_for,
                     bool serve_needs_all_keys = false);

// The keys of BLPOP / BZPOPMIN key [key ...] timeout: every argument between
// the name and the timeout.
std::vector<int> KeysBeforeTimeout(Args args);

// [B]LMPOP / [B]ZMPOP's tail: numkeys (at numkeys_index) key [key ...]
// <first_word|second_word> [COUNT count].
struct MPopArgs {
  std::vector<int> keys;
  bool first_word = true;  // LEFT / MIN
  size_t count = 1;
};
bool ParseMPopArgs(MultiCommand& mc, size_t numkeys_index, std::string_view first_word,
                   std::string_view second_word, MPopArgs* out);

}  // namespace server

#endif  // SHARDIS_SERVER_COMMAND_POP_ARGS_H_
