#ifndef SHARDIS_SERVER_CORE_AOF_REPLAY_H_
#define SHARDIS_SERVER_CORE_AOF_REPLAY_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "server/command/command.h"

namespace server {

class Server;

// Replays the commands of AOF files into the shards on the calling thread
// (the main thread, before any worker runs), as Redis's fake AOF client
// does: replies are dropped, errors too; MULTI ... EXEC runs whole, and one
// the file ends inside of does not run at all. Nothing is logged, and no key
// expires meanwhile (engine::ExpiryPause): the file's DELs say when keys went.
class AofReplay {
 public:
  explicit AofReplay(Server& server);

  struct Outcome {
    bool truncated = false;  // the bytes end inside a command or a MULTI
    size_t valid_up_to = 0;  // where a truncated file is to be cut
    uint64_t commands = 0;
  };
  // The commands of `bytes` from `offset` (after an RDB preamble). An error
  // for what Redis refuses too: an unknown command, bad format.
  absl::Status Run(std::string_view bytes, size_t offset, const std::string& name,
                   Outcome* outcome);

 private:
  void Execute(const CommandSpec& spec, Args argv);
  void ExecuteFunction(Args argv);

  Server& server_;
  int db_ = 0;
  int64_t now_ms_ = 0;
};

}  // namespace server

#endif  // SHARDIS_SERVER_CORE_AOF_REPLAY_H_
