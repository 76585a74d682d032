#!/usr/bin/env bash
# Builds the command-layer libFuzzer target (server/fuzz/command_fuzz.cc:
# raw bytes on a connection to an in-process 3-worker server) with clang,
# ASan and UBSan, and runs it for the given number of seconds (default 60).
#
#   tools/fuzz_commands.sh [seconds]
#
# Output goes to fuzz-out/commands/ (git-ignored): the binary, the working
# corpus (seeded from server/fuzz/corpus, only read) and crash-* reproducers.
# Replay one with: fuzz-out/commands/command_fuzz fuzz-out/commands/crash-...
# Bazel is not used because the libFuzzer runtime needs clang.
set -euo pipefail

seconds="${1:-60}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${root}/fuzz-out/commands"
mkdir -p "${out}/corpus" "${out}/obj"

# The libraries' own files (resp, net, engine), and every package under
# server/ but the test fixture and the fuzzer's own directory.
sources=(server/fuzz/command_fuzz.cc)
while IFS= read -r f; do
  case "$(basename "$f")" in
    *_test.cc | main.cc | request_parser_testing.cc) continue ;;
  esac
  sources+=("$f")
done < <(cd "${root}" && {
  find resp net -maxdepth 1 -name '*.cc'
  find engine -name '*.cc'
  find server -name '*.cc' -not -path 'server/fuzz/*' -not -path 'server/testing/*'
} | sort)

absl_libs="-labsl_statusor -labsl_status -labsl_cord -labsl_cordz_info -labsl_cord_internal
  -labsl_cordz_functions -labsl_cordz_handle -labsl_str_format_internal -labsl_strerror
  -labsl_random_distributions -labsl_random_seed_sequences -labsl_random_internal_pool_urbg
  -labsl_random_internal_randen -labsl_random_internal_randen_hwaes
  -labsl_random_internal_randen_hwaes_impl -labsl_random_internal_randen_slow
  -labsl_random_internal_platform -labsl_random_internal_seed_material
  -labsl_random_seed_gen_exception -labsl_hash -labsl_city -labsl_low_level_hash -labsl_raw_hash_set -labsl_hashtablez_sampler
  -labsl_exponential_biased -labsl_synchronization -labsl_graphcycles_internal
  -labsl_stacktrace -labsl_symbolize -labsl_debugging_internal -labsl_demangle_internal
  -labsl_malloc_internal -labsl_time -labsl_civil_time -labsl_time_zone -labsl_strings
  -labsl_strings_internal -labsl_int128 -labsl_bad_optional_access -labsl_bad_variant_access
  -labsl_base -labsl_spinlock_wait -labsl_throw_delegate -labsl_raw_logging_internal
  -labsl_log_severity"
flags=(-std=c++20 -O1 -g -fsanitize=fuzzer-no-link,address,undefined
       -fno-sanitize-recover=undefined -DCDS_URCU_SIGNAL_HANDLING_ENABLED -I"${root}")

echo "fuzz_commands: compiling ${#sources[@]} files into ${out}"
objects=()
stale=()
for src in "${sources[@]}"; do
  obj="${out}/obj/$(echo "${src}" | tr '/' '_').o"
  objects+=("${obj}")
  # Headers count too: an object built against an older class layout links
  # fine and then corrupts memory (a Shard grew; objects that allocate it
  # were not rebuilt). Any project header newer than the object rebuilds it.
  if [[ ! -f "${obj}" || "${root}/${src}" -nt "${obj}" ]] ||
     [[ -n "$(find "${root}"/{resp,net,engine,server} -name '*.h' -newer "${obj}" -print -quit)" ]]; then
    stale+=("${src}")
  fi
done
printf '%s\n' "${stale[@]}" | xargs -r -P "$(nproc)" -I{} sh -c \
  'clang++ '"${flags[*]}"' -c "'"${root}"'/{}" -o "'"${out}"'/obj/$(echo {} | tr / _).o"'
# shellcheck disable=SC2086  # absl_libs is a list of flags.
clang++ -fsanitize=fuzzer,address,undefined "${objects[@]}" ${absl_libs} -lcds -llzf \
  -l:liblua5.1-cjson.a -l:liblua5.1-bitop.a -l:liblua5.1.a -lm -ldl -lpthread -latomic -o "${out}/command_fuzz"

echo "fuzz_commands: running for ${seconds}s"
cd "${out}"
./command_fuzz -max_total_time="${seconds}" -print_final_stats=1 -timeout=30 \
  -dict="${root}/server/fuzz/commands.dict" "${out}/corpus" "${root}/server/fuzz/corpus"
