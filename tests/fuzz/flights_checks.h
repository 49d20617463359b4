#pragma once
// Properties every flight-feed parser promises (common/flights/parse_result.h): it never throws,
// a document error comes with no fixes, and every fix it keeps is a usable position: finite,
// in range, with finite optional values and a merge key. The predictor relies on this and checks
// nothing again.
#include <cmath>
#include <optional>

#include "flights/parsers.h"
#include "fuzz_check.h"

namespace zc::fuzz {

inline bool finite_or_absent(const std::optional<double>& v) {
    return !v || std::isfinite(*v);
}

inline void check_fix(const flights::Fix& f) {
    FUZZ_CHECK(std::isfinite(f.lat_deg) && std::abs(f.lat_deg) <= 90);
    FUZZ_CHECK(std::isfinite(f.lon_deg) && std::abs(f.lon_deg) <= 180);
    FUZZ_CHECK(std::isfinite(f.altitude_m));
    FUZZ_CHECK(std::isfinite(f.vertical_rate_mps));
    FUZZ_CHECK(finite_or_absent(f.ground_speed_mps));
    FUZZ_CHECK(finite_or_absent(f.track_deg));
    FUZZ_CHECK(finite_or_absent(f.track_rate_dps));
    FUZZ_CHECK(finite_or_absent(f.selected_altitude_m));
    FUZZ_CHECK(!f.key().empty());
}

inline void check_result(const flights::ParseResult& r) {
    if (!r.ok()) {
        FUZZ_CHECK(r.fixes.empty());
        return;
    }
    FUZZ_CHECK(r.fixes.size() + r.problems.size() + r.without_position <= r.entries);
    for (const auto& f : r.fixes)
        check_fix(f);
    for (const auto& p : r.problems)
        FUZZ_CHECK(!p.where.empty() && !p.message.empty());
}

/// Calls fn(line) for each '\n'-separated line of text (the last one may be unterminated).
template <typename Fn>
void for_each_line(std::string_view text, Fn&& fn) {
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto nl = text.find('\n', start);
        const auto end = nl == std::string_view::npos ? text.size() : nl;
        fn(text.substr(start, end - start));
        if (nl == std::string_view::npos)
            break;
        start = nl + 1;
    }
}

}  // namespace zc::fuzz
