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

// Shared by every fuzz target's corpus test: the BUILD rule names its
// corpus and how many files it holds at least.
#ifndef FUZZ_CORPUS_DIR
#define FUZZ_CORPUS_DIR "resp/fuzz/corpus"
#endif
#ifndef FUZZ_CORPUS_MIN_FILES
#define FUZZ_CORPUS_MIN_FILES 10
#endif

std::filesystem::path CorpusDir() {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  if (srcdir == nullptr || workspace == nullptr) return FUZZ_CORPUS_DIR;
  return std::filesystem::path(srcdir) / workspace / FUZZ_CORPUS_DIR;
}

TEST(FuzzCorpusTest, EveryCorpusFilePasses) {
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
  EXPECT_GE(files, FUZZ_CORPUS_MIN_FILES);
}

}  // namespace
