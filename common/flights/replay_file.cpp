#include "flights/replay_file.h"

#include <fmt/format.h>
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "flights/json_fields.h"

namespace zc::flights {

namespace {

bool is_hex24(std::string_view s) {
    if (s.starts_with('~'))
        s.remove_prefix(1);
    return s.size() == 6 && std::all_of(s.begin(), s.end(), [](char c) {
               return std::isxdigit(static_cast<unsigned char>(c));
           });
}

}  // namespace

std::optional<ReplayEntry> parse_replay_line(std::string_view line, std::string* error) {
    const auto fail = [&](std::string text) -> std::optional<ReplayEntry> {
        if (error)
            *error = std::move(text);
        return std::nullopt;
    };
    const auto doc = nlohmann::json::parse(line, nullptr, false);
    if (doc.is_discarded())
        return fail("not valid JSON");
    if (!doc.is_object())
        return fail("expected a JSON object");
    detail::FieldReader r(doc, "");
    const auto need_number = [&](std::string_view key) -> std::optional<double> {
        auto v = r.number(key);
        if (!v && !r.bad())
            r.fail(key, "missing");
        return v;
    };
    ReplayEntry e;
    const auto t = need_number("t");
    const auto icao = r.string("icao24");
    if (!icao && !r.bad())
        r.fail("icao24", "missing");
    const auto lat = need_number("lat");
    const auto lon = need_number("lon");
    const auto alt = need_number("alt_m");
    const auto kind = r.string("alt_kind");
    const auto gs = r.number("gs_mps");
    const auto track = r.number("track_deg");
    const auto vr = r.number("vr_mps");
    const auto callsign = r.string("callsign");
    const auto type = r.string("type");
    if (!r.bad()) {
        if (*t < 0)
            r.fail("t", "must not be negative");
        else if (*t >= 1e11)  // beyond, microseconds overflow (undefined; found by fuzzing)
            r.fail("t", "out of range");
        else if (!is_hex24(*icao))
            r.fail("icao24", "expected 6 hex digits");
        else if (std::abs(*lat) > 90)
            r.fail("lat", "out of range");
        else if (std::abs(*lon) > 180)
            r.fail("lon", "out of range");
        else if (kind && *kind != "geometric" && *kind != "barometric")
            r.fail("alt_kind", "expected \"geometric\" or \"barometric\"");
        else if (gs && *gs < 0)
            r.fail("gs_mps", "must not be negative");
        else if (track && (*track < 0 || *track >= 360))
            r.fail("track_deg", "expected 0 <= track < 360");
    }
    if (auto p = r.take_problem()) {
        // FieldReader paths start with "." when the entry path is empty.
        std::string where = p->where;
        if (where.starts_with('.'))
            where.erase(0, 1);
        return fail(where + ": " + p->message);
    }
    e.offset = from_seconds(*t);
    Fix& f = e.fix;
    f.icao24 = detail::to_lower(*icao);
    f.callsign = detail::trim(callsign.value_or(""));
    f.lat_deg = *lat;
    f.lon_deg = *lon;
    f.altitude_m = *alt;
    f.altitude_kind = kind.value_or("geometric") == "barometric" ? AltitudeKind::Barometric
                                                                 : AltitudeKind::Geometric;
    f.ground_speed_mps = gs;
    f.track_deg = track;
    f.vertical_rate_mps = vr.value_or(0.0);
    f.aircraft_type = type.value_or("");
    f.source_type = SourceType::AdsbIcao;
    f.feed = Feed::ReadsbLocal;  // it stands in for a local receiver (sub-second latency)
    return e;
}

std::vector<ReplayEntry> load_replay_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error(
            fmt::format("{}: cannot read: {}", path.string(), std::strerror(errno)));
    std::vector<ReplayEntry> out;
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        const auto first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line[first] == '#')
            continue;
        std::string error;
        auto e = parse_replay_line(line, &error);
        if (!e)
            throw std::runtime_error(fmt::format("{}:{}: {}", path.string(), number, error));
        e->line = number;
        out.push_back(std::move(*e));
    }
    if (in.bad())
        throw std::runtime_error(fmt::format("{}: read error", path.string()));
    std::stable_sort(out.begin(), out.end(), [](const ReplayEntry& a, const ReplayEntry& b) {
        return a.offset < b.offset;
    });
    return out;
}

}  // namespace zc::flights
