#ifndef SHARDIS_SERVER_PERSISTENCE_SAVE_POINTS_H_
#define SHARDIS_SERVER_PERSISTENCE_SAVE_POINTS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace persistence {

// The `save` setting: snapshot after `seconds` if at least `changes` writes
// happened (Redis's saveparams).
struct SavePoint {
  int64_t seconds = 0;
  int64_t changes = 0;
};

// Redis 7.0's points when no config file sets any.
inline constexpr std::string_view kDefaultSavePoints = "3600 1 300 100 60 10000";

// "3600 1 300 100" or "" (none). False for anything Redis refuses.
bool ParseSavePoints(std::string_view text, std::vector<SavePoint>* points);
std::string FormatSavePoints(const std::vector<SavePoint>& points);

// Whether a point is due (serverCron's test): enough changes and time since
// the last successful save, and - after a failed attempt - at least 5
// seconds since it.
bool SaveDue(const std::vector<SavePoint>& points, int64_t now_s, int64_t last_save_s,
             int64_t changes, int64_t last_attempt_s, bool last_ok);

}  // namespace persistence

#endif  // SHARDIS_SERVER_PERSISTENCE_SAVE_POINTS_H_
