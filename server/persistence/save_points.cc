#include "server/persistence/save_points.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace persistence {

bool ParseSavePoints(std::string_view text, std::vector<SavePoint>* points) {
  std::vector<std::string> parts =
      absl::StrSplit(absl::string_view(text.data(), text.size()), ' ', absl::SkipEmpty());
  if (parts.size() % 2 != 0) return false;
  std::vector<SavePoint> out;
  for (size_t i = 0; i < parts.size(); i += 2) {
    SavePoint p;
    if (!absl::SimpleAtoi(parts[i], &p.seconds) || !absl::SimpleAtoi(parts[i + 1], &p.changes) ||
        p.seconds < 1 || p.changes < 0) {
      return false;
    }
    out.push_back(p);
  }
  *points = std::move(out);
  return true;
}

std::string FormatSavePoints(const std::vector<SavePoint>& points) {
  std::string out;
  for (const SavePoint& p : points) {
    absl::StrAppend(&out, out.empty() ? "" : " ", p.seconds, " ", p.changes);
  }
  return out;
}

bool SaveDue(const std::vector<SavePoint>& points, int64_t now_s, int64_t last_save_s,
             int64_t changes, int64_t last_attempt_s, bool last_ok) {
  constexpr int64_t kRetryDelaySeconds = 5;
  for (const SavePoint& p : points) {
    if (changes >= p.changes && now_s - last_save_s > p.seconds &&
        (last_ok || now_s - last_attempt_s > kRetryDelaySeconds)) {
      return true;
    }
  }
  return false;
}

}  // namespace persistence
