#pragma once
// The pure part of capture scheduling: from the predictions in force (plus operator-requested
// captures) to the recording windows, merged where they overlap. One telescope records one
// thing at a time, so windows of different targets that overlap cannot both happen: the earlier
// one keeps the scope and the later one is reported as a conflict.
#include <string>
#include <vector>

#include "seestar/target.h"
#include "time/clock.h"

namespace zc::seestar {

enum class Level { kLow = 0, kMedium = 1, kHigh = 2 };
const char* to_string(Level l);
bool parse_level(std::string_view text, Level& out);

struct Prediction {
    std::string id;
    Target target = Target::kSun;
    Level level = Level::kHigh;
    UtcTime closest_approach;
};

/// A wanted recording: a prediction widened by the buffers, or an operator's capture.
struct Request {
    std::string id;
    Target target = Target::kSun;
    UtcTime start;
    UtcTime stop;
};

struct Window {
    std::vector<std::string> ids;  // the requests it serves, in start order
    Target target = Target::kSun;
    UtcTime start;
    UtcTime stop;
    std::string key() const;  // ids joined by '+'
};

struct Conflict {
    std::string id;
    std::string reason;
};

struct Plan {
    std::vector<Window> windows;  // sorted by start, never overlapping
    std::vector<Conflict> conflicts;
};

/// Predictions below `min_level` are ignored; the rest become [t_CA - pre, t_CA + post].
std::vector<Request> requests_from(const std::vector<Prediction>& predictions, Level min_level,
                                   Duration pre, Duration post);

/// Windows of the same target that overlap (or touch) merge; a request that overlaps a window of
/// the other target becomes a conflict.
Plan make_plan(std::vector<Request> requests);

}  // namespace zc::seestar
