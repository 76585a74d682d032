#!/usr/bin/env bash
# Builds the RDB codec's libFuzzer target (engine/rdb/fuzz/rdb_fuzz.cc: bytes
# read as an RDB file and as a value) with clang, ASan and UBSan, and runs it
# for the given number of seconds (default 60).
#
#   tools/fuzz_rdb.sh [seconds]
#
# Output goes to fuzz-out/rdb/ (git-ignored): the binary, the working corpus
# (seeded with a few files written by the codec itself) and crash-*
# reproducers. Replay one with: fuzz-out/rdb/rdb_fuzz fuzz-out/rdb/crash-...
set -euo pipefail

seconds="${1:-60}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${root}/fuzz-out/rdb"
mkdir -p "${out}/corpus" "${out}/obj"

sources=(engine/rdb/fuzz/rdb_fuzz.cc)
while IFS= read -r f; do
  case "$(basename "$f")" in
    *_test.cc) continue ;;
  esac
  sources+=("$f")
done < <(cd "${root}" && find engine -maxdepth 2 -name '*.cc' -not -path 'engine/rdb/fuzz/*' | sort)

flags=(-std=c++20 -O1 -g -fsanitize=fuzzer-no-link,address,undefined
       -fno-sanitize-recover=undefined -DCDS_URCU_SIGNAL_HANDLING_ENABLED -I"${root}")
objects=()
for src in "${sources[@]}"; do
  obj="${out}/obj/$(echo "${src}" | tr '/' '_').o"
  objects+=("${obj}")
  if [[ ! -f "${obj}" || "${root}/${src}" -nt "${obj}" ]] ||
     [[ -n "$(find "${root}/engine" -name '*.h' -newer "${obj}" -print -quit)" ]]; then
    clang++ "${flags[@]}" -c "${root}/${src}" -o "${obj}" &
  fi
done
wait
clang++ -fsanitize=fuzzer,address,undefined "${objects[@]}" -labsl_strings -labsl_strings_internal \
  -labsl_int128 -labsl_throw_delegate -labsl_raw_logging_internal -labsl_base \
  -labsl_spinlock_wait -labsl_hash -labsl_city -labsl_low_level_hash -labsl_raw_hash_set \
  -labsl_str_format_internal -labsl_log_severity -lcds -llzf -lpthread -latomic \
  -o "${out}/rdb_fuzz"

# Seeds: what the Redis suite's old-format files look like is unknown here,
# so the fuzzer starts from the codec's own output (the unit tests' goldens
# cover Redis's bytes) and the dictionary of opcodes and encodings.
if [[ -z "$(ls -A "${out}/corpus")" ]]; then
  printf 'REDIS0010\xfa\x09redis-ver\x067.0.15\xfe\x00\x00\x01k\x01v\xff' > "${out}/corpus/seed-file"
  printf '\x10\x12\x00\x00\x00\x04\x00\x81f\x02\x81v\x02\x81n\x02\x07\x01\xff' > "${out}/corpus/seed-hash"
  printf '\x0b\x0e\x02\x00\x00\x00\x03\x00\x00\x00\x01\x00\x02\x00\x03\x00' > "${out}/corpus/seed-intset"
  printf '\x12\x01\x02\x0a\x0a\x00\x00\x00\x01\x00\x81a\x02\xff' > "${out}/corpus/seed-list"
fi
cd "${out}"
./rdb_fuzz -max_total_time="${seconds}" -print_final_stats=1 -timeout=10 -rss_limit_mb=4096 \
  "${out}/corpus"
