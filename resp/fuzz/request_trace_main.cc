// Prints, for each fuzz input file given, what RequestParser makes of it with
// default limits: "<path>\t<commands>\t<error>". Inputs whose selector byte
// picks other limits (see request_parser_fuzz.cc) are skipped. Used by
// diff_against_redis.py to compare the parser with a real redis-server.
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

#include "resp/request_parser_testing.h"

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.empty() || static_cast<unsigned char>(bytes[0]) % 4 != 0) continue;
    const resp::ParseTrace trace =
        resp::TraceParse(std::string_view(bytes).substr(1), resp::ParserLimits());
    std::cout << argv[i] << '\t' << trace.commands.size() << '\t' << trace.error << '\n';
  }
  return 0;
}
