#!/usr/bin/env bash
# Builds the RequestParser libFuzzer target (resp/fuzz/request_parser_fuzz.cc)
# with clang and runs it for the given number of seconds (default 60).
#
#   tools/fuzz_resp.sh [seconds]
#
# Output goes to fuzz-out/ (git-ignored): the binary, the growing working
# corpus (seeded from resp/fuzz/corpus, which is only read) and any crash-*
# reproducers. Replay one with: fuzz-out/request_parser_fuzz fuzz-out/crash-...
# Bazel is not used because the libFuzzer runtime needs clang, while the
# project's toolchain is g++; the same target also runs under g++ as
# //resp:request_parser_fuzz_corpus_test.
set -euo pipefail

seconds="${1:-60}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${root}/fuzz-out"
mkdir -p "${out}/corpus"

sources=(
  resp/fuzz/request_parser_fuzz.cc
  resp/request_parser_testing.cc
  resp/request_parser.cc
  resp/request_peek.cc
  resp/inline_split.cc
  resp/numbers.cc
  resp/value.cc
)

echo "fuzz_resp: building ${out}/request_parser_fuzz"
# shellcheck disable=SC2046  # pkg-config output is a list of flags.
clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I"${root}" $(pkg-config --cflags absl_span absl_strings) \
  "${sources[@]/#/${root}/}" \
  $(pkg-config --libs absl_span absl_strings) \
  -o "${out}/request_parser_fuzz"

echo "fuzz_resp: running for ${seconds}s"
cd "${out}"
./request_parser_fuzz -max_total_time="${seconds}" -print_final_stats=1 \
  -dict="${root}/resp/fuzz/resp.dict" "${out}/corpus" "${root}/resp/fuzz/corpus"
