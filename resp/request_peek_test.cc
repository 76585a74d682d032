#include "resp/request_peek.h"

#include <array>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "resp/request_parser.h"

namespace resp {
namespace {

std::string Encode(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const std::string& a : args) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

// Peeks a heap copy of exactly `bytes`, so ASan catches a read past the end.
std::vector<PeekedCommand> Peek(std::string_view bytes, std::unique_ptr<char[]>* storage,
                                size_t max = 16) {
  *storage = std::make_unique<char[]>(bytes.size() + 1);
  std::copy(bytes.begin(), bytes.end(), storage->get());
  std::vector<PeekedCommand> out(max);
  out.resize(PeekCommands(std::string_view(storage->get(), bytes.size()), absl::MakeSpan(out)));
  return out;
}

TEST(RequestPeekTest, AScriptsKeyCountAndFirstKey) {
  std::string in = Encode({"EVALSHA", "abc", "1", "key", "arg"});
  std::unique_ptr<char[]> mem;
  std::vector<PeekedCommand> got = Peek(in, &mem);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].second_arg, "1");
  EXPECT_EQ(got[0].third_arg, "key");
  EXPECT_EQ(got[0].argc, 5);
}

TEST(RequestPeekTest, NameAndFirstArgumentOfEachCompleteCommand) {
  std::string in = Encode({"SET", "k1", "v"}) + Encode({"PING"}) + Encode({"GET", ""}) +
                   Encode({"GET", "k2"}).substr(0, 10);
  std::unique_ptr<char[]> mem;
  std::vector<PeekedCommand> got = Peek(in, &mem);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].name, "SET");
  EXPECT_EQ(got[0].first_arg, "k1");
  EXPECT_EQ(got[0].second_arg, "v");
  EXPECT_EQ(got[0].third_arg, "");
  EXPECT_EQ(got[0].argc, 3);
  EXPECT_EQ(got[1].name, "PING");
  EXPECT_EQ(got[1].first_arg, "");
  EXPECT_EQ(got[1].argc, 1);
  EXPECT_EQ(got[2].first_arg, "");
  EXPECT_EQ(got[2].argc, 2);
}

TEST(RequestPeekTest, StopsAtWhatItDoesNotExpect) {
  std::string get = Encode({"GET", "k"});
  std::unique_ptr<char[]> mem;
  for (std::string odd : {"PING\r\n", "*0\r\n", "*-1\r\n", "*1\r\n+x\r\n", "*x\r\n",
                          "*1\r\n$-1\r\n", "*1\n$1\r\nx\r\n", "*99999999999999999999\r\n"}) {
    std::vector<PeekedCommand> got = Peek(get + odd + get, &mem);
    EXPECT_EQ(got.size(), 1u) << odd;
  }
  // Partial at the end of what has arrived.
  for (std::string partial : {"*", "*2", "*2\r", "*2\r\n$3\r\nGET\r\n$1\r\nk", "*1\r\n$3\r\nab"}) {
    EXPECT_EQ(Peek(get + partial, &mem).size(), 1u) << partial;
  }
  EXPECT_TRUE(Peek("", &mem).empty());
}

// A long command ends the look-ahead at its header, so a huge command that
// trickles in is not rescanned in full on every read.
TEST(RequestPeekTest, StopsAtACommandWithTooManyArguments) {
  std::vector<std::string> args = {"MSET"};
  while (args.size() < static_cast<size_t>(kMaxPeekedArgs)) args.push_back("k");
  std::string get = Encode({"GET", "k"});
  std::unique_ptr<char[]> mem;
  EXPECT_EQ(Peek(get + Encode(args) + get, &mem).size(), 3u);
  args.push_back("k");
  EXPECT_EQ(Peek(get + Encode(args) + get, &mem).size(), 1u);
  EXPECT_EQ(Peek(get + "*1000000\r\n$1\r\nk\r\n", &mem).size(), 1u);
}

TEST(RequestPeekTest, FillsAtMostTheSpanItIsGiven) {
  std::string in;
  for (int i = 0; i < 10; ++i) in += Encode({"GET", "k" + std::to_string(i)});
  std::unique_ptr<char[]> mem;
  std::vector<PeekedCommand> got = Peek(in, &mem, 4);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[3].first_arg, "k3");
  EXPECT_TRUE(Peek(in, &mem, 0).empty());
}

// On every prefix of a random pipeline, the peek sees exactly the commands
// RequestParser would return from that prefix, with the same name and first
// argument.
TEST(RequestPeekTest, AgreesWithTheParserOnEveryPrefix) {
  std::mt19937 rnd(7);
  std::string in;
  std::vector<std::vector<std::string>> commands;
  for (int i = 0; i < 40; ++i) {
    std::vector<std::string> args;
    size_t argc = 1 + rnd() % 4;
    for (size_t a = 0; a < argc; ++a) args.push_back(std::string(rnd() % 20, 'a' + rnd() % 26));
    commands.push_back(args);
    in += Encode(args);
  }
  for (size_t len = 0; len <= in.size(); ++len) {
    std::string_view prefix(in.data(), len);
    size_t complete = 0;
    RequestParser parser;
    size_t pos = 0, consumed = 0;
    while (parser.Parse(prefix.substr(pos), &consumed) == RequestParser::Status::kCommand) {
      pos += consumed;
      ++complete;
    }
    std::unique_ptr<char[]> mem;
    std::vector<PeekedCommand> got = Peek(prefix, &mem, commands.size());
    ASSERT_EQ(got.size(), complete) << len;
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].name, commands[i][0]);
      EXPECT_EQ(got[i].first_arg, commands[i].size() > 1 ? commands[i][1] : "");
      EXPECT_EQ(got[i].second_arg, commands[i].size() > 2 ? commands[i][2] : "");
      EXPECT_EQ(got[i].third_arg, commands[i].size() > 3 ? commands[i][3] : "");
      EXPECT_EQ(got[i].argc, static_cast<int64_t>(commands[i].size()));
    }
  }
}

}  // namespace
}  // namespace resp
