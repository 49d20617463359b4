#include "seestar/capture_plan.h"

#include <algorithm>

namespace zc::seestar {

const char* to_string(Level l) {
    switch (l) {
        case Level::kLow:
            return "low";
        case Level::kMedium:
            return "medium";
        case Level::kHigh:
            return "high";
    }
    return "high";
}

bool parse_level(std::string_view text, Level& out) {
    for (Level l : {Level::kLow, Level::kMedium, Level::kHigh})
        if (text == to_string(l)) {
            out = l;
            return true;
        }
    return false;
}

std::string Window::key() const {
    std::string k;
    for (const auto& id : ids)
        k += (k.empty() ? "" : "+") + id;
    return k;
}

std::vector<Request> requests_from(const std::vector<Prediction>& predictions, Level min_level,
                                   Duration pre, Duration post) {
    std::vector<Request> out;
    for (const auto& p : predictions)
        if (static_cast<int>(p.level) >= static_cast<int>(min_level))
            out.push_back({p.id, p.target, p.closest_approach - pre, p.closest_approach + post});
    return out;
}

Plan make_plan(std::vector<Request> requests) {
    std::stable_sort(requests.begin(), requests.end(), [](const Request& a, const Request& b) {
        return a.start < b.start || (a.start == b.start && a.id < b.id);
    });
    Plan plan;
    for (const auto& r : requests) {
        if (!plan.windows.empty() && r.start <= plan.windows.back().stop) {
            auto& w = plan.windows.back();
            if (w.target == r.target) {
                w.ids.push_back(r.id);
                w.stop = std::max(w.stop, r.stop);
            } else {
                plan.conflicts.push_back(
                    {r.id, std::string("overlaps a ") + to_string(w.target) + " capture (" +
                               w.key() + "); one telescope records one target at a time"});
            }
            continue;
        }
        plan.windows.push_back({{r.id}, r.target, r.start, r.stop});
    }
    return plan;
}

}  // namespace zc::seestar
