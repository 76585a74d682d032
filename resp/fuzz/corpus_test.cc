// Runs the fuzz target over every seed corpus file, so the whole-vs-chunked
// check runs in every `bazel test` without clang or libFuzzer.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "gtest/gtest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

std::filesystem::path CorpusDir() {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  if (srcdir == nullptr || workspace == nullptr) return "resp/fuzz/corpus";
  return std::filesystem::path(srcdir) / workspace / "resp/fuzz/corpus";
}

TEST(RequestParserFuzzCorpusTest, EveryCorpusFilePasses) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(CorpusDir())) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    SCOPED_TRACE(entry.path().string());
    // Aborts (failing the test) if chunked and whole parses differ.
    EXPECT_EQ(LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()),
              0);
    ++files;
  }
  EXPECT_GE(files, 10);
}

}  // namespace
