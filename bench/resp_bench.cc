// Throughput of the RESP codec on one core: request parsing (small SETs,
// 4 KB SETs, inline commands) against a memcpy of the same bytes measured in
// the same run, and reply writing for the common reply shapes.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "resp/reply_writer.h"
#include "resp/request_parser.h"

namespace {

constexpr int kPipeline = 32;

std::string Multibulk(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const auto& a : args) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

std::string Key(int i) {
  char key[32];
  std::snprintf(key, sizeof(key), "key:%012d", i);
  return key;
}

// 32 pipelined "SET key:NNNNNNNNNNNN <value>" commands, as one read delivers
// them from redis-benchmark -P 32.
std::string SetPipeline(size_t value_size) {
  std::string out;
  for (int i = 0; i < kPipeline; ++i)
    out += Multibulk({"SET", Key(i), std::string(value_size, 'x')});
  return out;
}

std::string InlinePipeline() {
  std::string out;
  for (int i = 0; i < kPipeline; ++i) out += "SET " + Key(i) + " xxx\r\n";
  return out;
}

// Parses every command in `input`, as a connection does after one read.
void ParseAll(benchmark::State& state, const std::string& input) {
  resp::RequestParser parser;
  for (auto _ : state) {
    std::string_view rest = input;
    size_t consumed;
    int commands = 0;
    while (parser.Parse(rest, &consumed) == resp::RequestParser::Status::kCommand) {
      benchmark::DoNotOptimize(parser.args().data());
      rest.remove_prefix(consumed);
      ++commands;
    }
    if (commands != kPipeline) state.SkipWithError("parse failed");
  }
  state.SetItemsProcessed(state.iterations() * kPipeline);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(input.size()));
}

// The floor for any parser: touching the same bytes once.
void CopyAll(benchmark::State& state, const std::string& input) {
  std::string dst(input.size(), '\0');
  for (auto _ : state) {
    std::memcpy(dst.data(), input.data(), input.size());
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * kPipeline);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(input.size()));
}

void BM_ParseSet3B(benchmark::State& state) { ParseAll(state, SetPipeline(3)); }
void BM_MemcpySet3B(benchmark::State& state) { CopyAll(state, SetPipeline(3)); }
void BM_ParseSet4KB(benchmark::State& state) { ParseAll(state, SetPipeline(4096)); }
void BM_MemcpySet4KB(benchmark::State& state) { CopyAll(state, SetPipeline(4096)); }
void BM_ParseInlineSet(benchmark::State& state) { ParseAll(state, InlinePipeline()); }
void BM_MemcpyInlineSet(benchmark::State& state) { CopyAll(state, InlinePipeline()); }

BENCHMARK(BM_ParseSet3B);
BENCHMARK(BM_MemcpySet3B);
BENCHMARK(BM_ParseSet4KB);
BENCHMARK(BM_MemcpySet4KB);
BENCHMARK(BM_ParseInlineSet);
BENCHMARK(BM_MemcpyInlineSet);

// Writes kPipeline replies per iteration into a reused output string, as a
// connection does for one batch of pipelined commands.
template <typename Fn>
void WriteReplies(benchmark::State& state, Fn write_one) {
  std::string out;
  resp::ReplyWriter writer(&out, resp::Protocol::kResp2);
  for (auto _ : state) {
    out.clear();
    for (int i = 0; i < kPipeline; ++i) write_one(writer, i);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * kPipeline);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(out.size()));
}

void BM_WriteOk(benchmark::State& state) {
  WriteReplies(state, [](resp::ReplyWriter& w, int) { w.Ok(); });
}

void BM_WriteInteger(benchmark::State& state) {
  WriteReplies(state, [](resp::ReplyWriter& w, int i) { w.Integer(1000003LL * i); });
}

void BM_WriteBulk3B(benchmark::State& state) {
  WriteReplies(state, [](resp::ReplyWriter& w, int) { w.Bulk("xxx"); });
}

void BM_WriteBulk4KB(benchmark::State& state) {
  const std::string value(4096, 'x');
  WriteReplies(state, [&](resp::ReplyWriter& w, int) { w.Bulk(value); });
}

// An LRANGE/MGET-like reply: an array of 10 short bulks.
void BM_WriteArray10x8B(benchmark::State& state) {
  WriteReplies(state, [](resp::ReplyWriter& w, int) {
    w.ArrayHeader(10);
    for (int j = 0; j < 10; ++j) w.Bulk("elements");
  });
}

BENCHMARK(BM_WriteOk);
BENCHMARK(BM_WriteInteger);
BENCHMARK(BM_WriteBulk3B);
BENCHMARK(BM_WriteBulk4KB);
BENCHMARK(BM_WriteArray10x8B);

}  // namespace
