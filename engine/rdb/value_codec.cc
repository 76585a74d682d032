// RDB values both ways. Saving writes what Redis 7.0 writes for each of our
// encodings; loading builds our objects from any encoding RDB 1..10 has for
// strings, lists, sets, sorted sets and hashes, through the objects' own
// mutators, so the result is encoded as if the commands had built it.
#include "engine/rdb/value_codec.h"

#include <cmath>
#include <cstdio>
#include <memory>
#include <vector>

#include "absl/strings/charconv.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/hash_object.h"
#include "engine/intset.h"
#include "engine/list_object.h"
#include "engine/rdb/legacy_blobs.h"
#include "engine/rdb/listpack_blob.h"
#include "engine/rdb/rdb_string.h"
#include "engine/set_object.h"
#include "engine/zset_object.h"

namespace rdb {

using engine::EncodingLimits;
using engine::HashObject;
using engine::ListObject;
using engine::Object;
using engine::ObjectType;
using engine::SetObject;
using engine::StringObject;
using engine::ZSetObject;

namespace {

// Redis's quicklist node size rule for list-max-listpack-size (fill).
bool NodeFull(const ListpackWriter& node, size_t next_entry, int64_t fill) {
  if (node.count() == 0) return false;
  if (fill > 0) return node.count() >= static_cast<size_t>(fill) || node.bytes() + next_entry > 8192;
  int level = static_cast<int>(std::min<int64_t>(-fill, 5));
  size_t limit = size_t{4096} << (level - 1);
  return node.bytes() + next_entry > limit;
}

void SaveList(const ListObject& list, const SaveOptions& options, std::string* out) {
  std::vector<std::string> nodes;
  ListpackWriter node;
  list.VisitFrom(0, [&](size_t, std::string_view v) {
    // An entry costs its bytes plus at most 11 bytes of header and backlen.
    if (NodeFull(node, v.size() + 11, options.list_fill)) nodes.push_back(node.Finish());
    node.Add(v);
    return true;
  });
  if (node.count() > 0) nodes.push_back(node.Finish());
  AppendLength(out, nodes.size());
  for (const std::string& blob : nodes) {
    AppendLength(out, kQuicklistNodePacked);
    AppendEncodedString(out, blob, options.compress);
  }
}

std::string IntsetBlob(const engine::IntSet& set) {
  size_t n = set.size();
  int width = n == 0 ? 2 : static_cast<int>(set.bytes() / n);
  std::string blob;
  blob.reserve(8 + set.bytes());
  AppendLittleEndian(&blob, width, 4);
  AppendLittleEndian(&blob, n, 4);
  for (size_t i = 0; i < n; ++i) AppendLittleEndian(&blob, static_cast<uint64_t>(set.At(i)), width);
  return blob;
}

void SaveSet(const SetObject& set, const SaveOptions& options, std::string* out) {
  if (const engine::IntSet* ints = set.intset()) {
    return AppendEncodedString(out, IntsetBlob(*ints), options.compress);
  }
  AppendLength(out, set.size());
  set.ForEach([&](std::string_view m) { AppendEncodedString(out, m, options.compress); });
}

// Builders for loading: each reports the first problem in *error.
struct Loader {
  const EncodingLimits& limits;
  std::string* error;

  LoadStatus Corrupt(std::string_view what) {
    *error = std::string(what);
    return LoadStatus::kCorrupt;
  }
};

template <typename T>
LoadStatus Finish(std::unique_ptr<T> obj, Object** out) {
  if (obj->size() == 0) return LoadStatus::kEmpty;
  *out = obj.release();
  return LoadStatus::kOk;
}

bool ParseScore(std::string_view text, double* score) {
  if (text == "inf" || text == "+inf") {
    *score = INFINITY;
    return true;
  }
  if (text == "-inf") {
    *score = -INFINITY;
    return true;
  }
  auto r = absl::from_chars(text.data(), text.data() + text.size(), *score);
  return r.ec == std::errc() && r.ptr == text.data() + text.size() && !std::isnan(*score);
}

// A ziplist or listpack of strings, read with one reader type.
template <typename Reader, typename F>
bool ForEachPacked(std::string_view blob, F&& f) {
  Reader reader(blob);
  char scratch[32];
  std::string_view s;
  while (reader.Next(&s, scratch)) {
    if (!f(s)) return false;
  }
  return !reader.failed();
}

// The entries of a packed blob two at a time (field and value, member and
// score), for hashes and sorted sets: kRefused when f said no (and why),
// kBroken for a corrupt blob or an odd count.
enum class PairWalk { kOk, kRefused, kBroken };
template <typename F>
PairWalk ForEachPackedPair(std::string_view blob, bool listpack, F&& f) {
  std::string first;
  bool have_first = false, refused = false;
  auto pair = [&](std::string_view v) {
    if (!have_first) {
      first.assign(v);
      have_first = true;
      return true;
    }
    have_first = false;
    refused = !f(std::string_view(first), v);
    return !refused;
  };
  bool ok = listpack ? ForEachPacked<ListpackReader>(blob, pair)
                     : ForEachPacked<ZiplistReader>(blob, pair);
  if (refused) return PairWalk::kRefused;
  return ok && !have_first ? PairWalk::kOk : PairWalk::kBroken;
}

LoadStatus LoadList(uint8_t type, std::string_view in, size_t* pos, Loader& ld, Object** out) {
  auto list = std::make_unique<ListObject>();
  const int64_t fill = EncodingLimits::Get(ld.limits.list_max_listpack_size);
  std::string s;
  uint64_t n = 0;
  if (type == kTypeListZiplist) {
    if (!ReadString(in, pos, &s)) return ld.Corrupt("truncated list ziplist");
    if (!ForEachPacked<ZiplistReader>(s, [&](std::string_view v) {
          list->PushBack(v, fill);
          return true;
        })) {
      return ld.Corrupt("Ziplist integrity check failed.");
    }
    return Finish(std::move(list), out);
  }
  if (!ReadPlainLength(in, pos, &n)) return ld.Corrupt("truncated list length");
  for (uint64_t i = 0; i < n; ++i) {
    if (type == kTypeList) {
      if (!ReadString(in, pos, &s)) return ld.Corrupt("truncated list element");
      list->PushBack(s, fill);
      continue;
    }
    uint64_t container = kQuicklistNodePacked;
    if (type == kTypeListQuicklist2 && !ReadPlainLength(in, pos, &container)) {
      return ld.Corrupt("truncated quicklist node");
    }
    if (!ReadString(in, pos, &s)) return ld.Corrupt("truncated quicklist node");
    if (container == kQuicklistNodePlain) {
      list->PushBack(s, fill);
      continue;
    }
    if (container != kQuicklistNodePacked) return ld.Corrupt("Quicklist integrity check failed.");
    auto push = [&](std::string_view v) {
      list->PushBack(v, fill);
      return true;
    };
    bool ok = type == kTypeListQuicklist2 ? ForEachPacked<ListpackReader>(s, push)
                                          : ForEachPacked<ZiplistReader>(s, push);
    if (!ok) return ld.Corrupt("Quicklist integrity check failed.");
  }
  return Finish(std::move(list), out);
}

LoadStatus LoadSet(uint8_t type, std::string_view in, size_t* pos, Loader& ld, Object** out) {
  auto set = std::make_unique<SetObject>();
  std::string s;
  if (type == kTypeSetIntset) {
    if (!ReadString(in, pos, &s)) return ld.Corrupt("truncated intset");
    size_t p = 0;
    uint64_t width = 0, n = 0;
    if (!ReadLittleEndian(s, &p, 4, &width) || !ReadLittleEndian(s, &p, 4, &n) ||
        (width != 2 && width != 4 && width != 8) || n * width != s.size() - 8) {
      return ld.Corrupt("Intset integrity check failed.");
    }
    char scratch[32];
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t u = 0;
      ReadLittleEndian(s, &p, static_cast<int>(width), &u);
      int shift = 64 - 8 * static_cast<int>(width);
      int64_t v = static_cast<int64_t>(u << shift) >> shift;
      char* end = absl::numbers_internal::FastIntToBuffer(v, scratch);
      if (!set->Add(std::string_view(scratch, end - scratch), ld.limits)) {
        return ld.Corrupt("Intset integrity check failed.");
      }
    }
    return Finish(std::move(set), out);
  }
  uint64_t n = 0;
  if (!ReadPlainLength(in, pos, &n)) return ld.Corrupt("truncated set length");
  for (uint64_t i = 0; i < n; ++i) {
    if (!ReadString(in, pos, &s)) return ld.Corrupt("truncated set member");
    if (!set->Add(s, ld.limits)) return ld.Corrupt("Duplicate set members detected");
  }
  return Finish(std::move(set), out);
}

LoadStatus LoadZSet(uint8_t type, std::string_view in, size_t* pos, Loader& ld, Object** out) {
  std::unique_ptr<ZSetObject> zset;
  auto add = [&](std::string_view member, double score) {
    if (std::isnan(score)) {
      ld.Corrupt("Zset with NAN score detected");
      return false;
    }
    if (zset->Add(member, score, 0, ld.limits) != ZSetObject::AddOutcome::kAdded) {
      ld.Corrupt("Duplicate zset fields detected");
      return false;
    }
    return true;
  };
  std::string s;
  if (type == kTypeZSetZiplist || type == kTypeZSetListpack) {
    zset = std::make_unique<ZSetObject>();
    if (!ReadString(in, pos, &s)) return ld.Corrupt("truncated sorted set blob");
    PairWalk walk =
        ForEachPackedPair(s, type == kTypeZSetListpack, [&](std::string_view m, std::string_view v) {
          double score = 0;
          if (!ParseScore(v, &score)) {
            ld.Corrupt("bad sorted set score");
            return false;
          }
          return add(m, score);
        });
    if (walk == PairWalk::kRefused) return LoadStatus::kCorrupt;
    if (walk == PairWalk::kBroken) return ld.Corrupt("Zset ziplist integrity check failed.");
    return Finish(std::move(zset), out);
  }
  uint64_t n = 0;
  if (!ReadPlainLength(in, pos, &n)) return ld.Corrupt("truncated sorted set length");
  // A big set goes straight to the skiplist encoding, sized for what the
  // input can hold at most (a corrupt count must not reserve memory).
  uint64_t most = (in.size() - *pos) / (type == kTypeZSet2 ? 9 : 2);
  zset.reset(ZSetObject::CreateSized(std::min(n, most), 0, ld.limits));
  for (uint64_t i = 0; i < n; ++i) {
    double score = 0;
    if (!ReadString(in, pos, &s)) return ld.Corrupt("truncated sorted set member");
    bool ok = type == kTypeZSet2 ? ReadBinaryDouble(in, pos, &score) : ReadTextDouble(in, pos, &score);
    if (!ok) return ld.Corrupt("truncated sorted set score");
    if (!add(s, score)) return LoadStatus::kCorrupt;
  }
  return Finish(std::move(zset), out);
}

LoadStatus LoadHash(uint8_t type, std::string_view in, size_t* pos, Loader& ld, Object** out) {
  auto hash = std::make_unique<HashObject>();
  auto set = [&](std::string_view field, std::string_view value) {
    if (hash->Set(field, value, ld.limits)) return true;
    ld.Corrupt("Duplicate hash fields detected");
    return false;
  };
  std::string s;
  if (type == kTypeHash) {
    uint64_t n = 0;
    if (!ReadPlainLength(in, pos, &n)) return ld.Corrupt("truncated hash length");
    std::string field;
    for (uint64_t i = 0; i < n; ++i) {
      if (!ReadString(in, pos, &field) || !ReadString(in, pos, &s)) {
        return ld.Corrupt("truncated hash field");
      }
      if (!set(field, s)) return LoadStatus::kCorrupt;
    }
    return Finish(std::move(hash), out);
  }
  if (!ReadString(in, pos, &s)) return ld.Corrupt("truncated hash blob");
  if (type == kTypeHashZipmap) {
    ZipmapReader reader(s);
    std::string_view field, value;
    while (reader.Next(&field, &value)) {
      if (!set(field, value)) return LoadStatus::kCorrupt;
    }
    if (reader.failed()) return ld.Corrupt("Zipmap integrity check failed.");
    return Finish(std::move(hash), out);
  }
  PairWalk walk = ForEachPackedPair(s, type == kTypeHashListpack, set);
  if (walk == PairWalk::kRefused) return LoadStatus::kCorrupt;
  if (walk == PairWalk::kBroken) return ld.Corrupt("Hash ziplist integrity check failed.");
  return Finish(std::move(hash), out);
}

}  // namespace

std::string ScoreText(double score) {
  if (std::isnan(score)) return "nan";
  if (std::isinf(score)) return score > 0 ? "inf" : "-inf";
  if (score == 0) return std::signbit(score) ? "-0" : "0";
  // Integers below 2^52 as integers, everything else round-trip exact.
  if (score > -4503599627370495.0 && score < 4503599627370496.0 &&
      score == static_cast<double>(static_cast<int64_t>(score))) {
    return absl::StrCat(static_cast<int64_t>(score));
  }
  char buf[32];
  int n = std::snprintf(buf, sizeof(buf), "%.17g", score);
  return std::string(buf, n);
}

ValueType SaveValue(const Object& obj, const SaveOptions& options, std::string* out) {
  switch (obj.type) {
    case ObjectType::kString: {
      char scratch[24];
      AppendEncodedString(out, static_cast<const StringObject&>(obj).View(scratch),
                          options.compress);
      return kTypeString;
    }
    case ObjectType::kList:
      SaveList(static_cast<const ListObject&>(obj), options, out);
      return kTypeListQuicklist2;
    case ObjectType::kSet: {
      const auto& set = static_cast<const SetObject&>(obj);
      SaveSet(set, options, out);
      return set.intset() != nullptr ? kTypeSetIntset : kTypeSet;
    }
    case ObjectType::kZSet: {
      const auto& zset = static_cast<const ZSetObject&>(obj);
      size_t n = zset.size();
      if (obj.encoding == engine::Encoding::kListpack) {
        ListpackWriter lp;
        zset.Visit(0, n, false, [&](std::string_view m, double score) {
          lp.Add(m);
          lp.Add(ScoreText(score));
        });
        AppendEncodedString(out, lp.Finish(), options.compress);
        return kTypeZSetListpack;
      }
      // Highest first, as Redis walks its skiplist from the tail: a loader
      // inserting in that order never moves an element.
      AppendLength(out, n);
      if (n > 0) {
        zset.Visit(n - 1, n, true, [&](std::string_view m, double score) {
          AppendEncodedString(out, m, options.compress);
          AppendBinaryDouble(out, score);
        });
      }
      return kTypeZSet2;
    }
    case ObjectType::kHash: {
      const auto& hash = static_cast<const HashObject&>(obj);
      if (obj.encoding == engine::Encoding::kListpack) {
        ListpackWriter lp;
        hash.ForEach([&](std::string_view f, std::string_view v) {
          lp.Add(f);
          lp.Add(v);
        });
        AppendEncodedString(out, lp.Finish(), options.compress);
        return kTypeHashListpack;
      }
      AppendLength(out, hash.size());
      hash.ForEach([&](std::string_view f, std::string_view v) {
        AppendEncodedString(out, f, options.compress);
        AppendEncodedString(out, v, options.compress);
      });
      return kTypeHash;
    }
  }
  return kTypeString;
}

bool IsValueType(uint8_t type) {
  return type <= kTypeModule2 || (type >= kTypeHashZipmap && type <= kTypeStreamListpacks2);
}

LoadStatus LoadValue(uint8_t type, std::string_view in, size_t* pos, const EncodingLimits& limits,
                     Object** out, std::string* error) {
  Loader ld{limits, error};
  error->clear();
  switch (type) {
    case kTypeString: {
      std::string s;
      if (!ReadString(in, pos, &s)) return ld.Corrupt("truncated string value");
      *out = StringObject::Create(s);
      return LoadStatus::kOk;
    }
    case kTypeList:
    case kTypeListZiplist:
    case kTypeListQuicklist:
    case kTypeListQuicklist2:
      return LoadList(type, in, pos, ld, out);
    case kTypeSet:
    case kTypeSetIntset:
      return LoadSet(type, in, pos, ld, out);
    case kTypeZSet:
    case kTypeZSet2:
    case kTypeZSetZiplist:
    case kTypeZSetListpack:
      return LoadZSet(type, in, pos, ld, out);
    case kTypeHash:
    case kTypeHashZipmap:
    case kTypeHashZiplist:
    case kTypeHashListpack:
      return LoadHash(type, in, pos, ld, out);
    case kTypeStreamListpacks:
    case kTypeStreamListpacks2:
      *error = "streams are not supported";
      return LoadStatus::kUnsupported;
    case kTypeModule:
    case kTypeModule2:
      *error = "module values are not supported";
      return LoadStatus::kUnsupported;
    default:
      *error = absl::StrCat("Unknown RDB encoding type ", type);
      return LoadStatus::kCorrupt;
  }
}

bool SkipValue(uint8_t type, std::string_view in, size_t* pos) {
  uint64_t n = 0;
  switch (type) {
    case kTypeString:
    case kTypeListZiplist:
    case kTypeSetIntset:
    case kTypeZSetZiplist:
    case kTypeZSetListpack:
    case kTypeHashZipmap:
    case kTypeHashZiplist:
    case kTypeHashListpack:
      return SkipString(in, pos);
    case kTypeList:
    case kTypeSet:
    case kTypeListQuicklist:
      if (!ReadPlainLength(in, pos, &n)) return false;
      for (uint64_t i = 0; i < n; ++i) {
        if (!SkipString(in, pos)) return false;
      }
      return true;
    case kTypeListQuicklist2:
      if (!ReadPlainLength(in, pos, &n)) return false;
      for (uint64_t i = 0; i < n; ++i) {
        uint64_t container = 0;
        if (!ReadPlainLength(in, pos, &container) || !SkipString(in, pos)) return false;
      }
      return true;
    case kTypeHash:
      if (!ReadPlainLength(in, pos, &n)) return false;
      for (uint64_t i = 0; i < n; ++i) {
        if (!SkipString(in, pos) || !SkipString(in, pos)) return false;
      }
      return true;
    case kTypeZSet:
    case kTypeZSet2:
      if (!ReadPlainLength(in, pos, &n)) return false;
      for (uint64_t i = 0; i < n; ++i) {
        double score = 0;
        if (!SkipString(in, pos)) return false;
        if (!(type == kTypeZSet2 ? ReadBinaryDouble(in, pos, &score)
                                 : ReadTextDouble(in, pos, &score))) {
          return false;
        }
      }
      return true;
    default:
      return false;
  }
}

}  // namespace rdb
