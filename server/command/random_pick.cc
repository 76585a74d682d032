#include "server/command/random_pick.h"

#include <numeric>
#include <random>

#include "absl/container/flat_hash_set.h"
#include "engine/object.h"
#include "server/command/command.h"

namespace server {

uint64_t NextRandom() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  return rng();
}

bool ParseRandomCount(std::string_view text, RandomCount* out, std::string_view* error) {
  int64_t v;
  if (!engine::ParseInt64(text, &v)) {
    *error = errors::kNotInteger;
    return false;
  }
  if (v == INT64_MIN) {
    *error =
        "ERR value is out of range, value must between -9223372036854775807 and "
        "9223372036854775807";
    return false;
  }
  out->distinct = v >= 0;
  out->n = static_cast<uint64_t>(v >= 0 ? v : -v);
  return true;
}

bool WithinPairedCountRange(const RandomCount& count) {
  return count.n <= static_cast<uint64_t>(INT64_MAX / 2);
}

std::vector<uint32_t> SampleDistinct(size_t n, size_t k) {
  std::vector<uint32_t> picked;
  picked.reserve(k);
  if (k * 3 > n) {
    // A large share: a partial Fisher-Yates shuffle of every position.
    std::vector<uint32_t> all(n);
    std::iota(all.begin(), all.end(), 0);
    for (size_t i = 0; i < k; ++i) {
      std::swap(all[i], all[i + NextRandom() % (n - i)]);
      picked.push_back(all[i]);
    }
    return picked;
  }
  // A small share: draw until k distinct (each draw is new with p >= 2/3).
  absl::flat_hash_set<uint32_t> seen;
  seen.reserve(k);
  while (picked.size() < k) {
    auto pos = static_cast<uint32_t>(NextRandom() % n);
    if (seen.insert(pos).second) picked.push_back(pos);
  }
  return picked;
}

}  // namespace server
