#ifndef SHARDIS_SERVER_AOF_COMMAND_READER_H_
#define SHARDIS_SERVER_AOF_COMMAND_READER_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace aof {

// Reads the commands of an AOF file (its bytes after any RDB preamble), as
// Redis's loadSingleAppendOnlyFile does: RESP arrays of bulk strings, with
// annotation lines ("#TS:...") skipped. Views point into the given bytes.
class CommandReader {
 public:
  enum class Result {
    kCommand,    // *argv holds the next command
    kEnd,        // the bytes ended after a whole command
    kTruncated,  // they end inside a command (a short write at a crash)
    kBadFormat,  // something that is not a command
  };

  explicit CommandReader(std::string_view bytes, size_t offset = 0)
      : bytes_(bytes), pos_(offset), valid_(offset) {}

  Result Next(std::vector<std::string_view>* argv);
  // Where the last whole command ended: a truncated file is cut here.
  size_t valid_up_to() const { return valid_; }
  // Where reading stopped (for error messages).
  size_t offset() const { return pos_; }

 private:
  // A line ending in \n (its \r\n stripped); false when the bytes end first.
  bool ReadLine(std::string_view* line);

  std::string_view bytes_;
  size_t pos_;
  size_t valid_;
};

}  // namespace aof

#endif  // SHARDIS_SERVER_AOF_COMMAND_READER_H_
