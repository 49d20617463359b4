#pragma once
// SBS-1 "BaseStation" port-30003 lines (dump1090, readsb, modesmixer) and an assembler that
// turns them into fixes. An SBS feed splits one aircraft across messages: MSG,3 carries the
// airborne position and barometric altitude, MSG,4 the ground speed, track and vertical rate,
// MSG,1 the callsign, MSG,5/6/7 altitude only, MSG,2 a surface position with speed and track.
// The assembler keeps per-ICAO state and emits a Fix when it has a new position and a recent
// velocity.
//
// Time. Fields 7-8 ("date/time message generated") are, in dump1090-fa and readsb, the time the
// receiver decoded the radio message - the position time to the millisecond - written in the
// receiver's *local* time zone by dump1090-fa and in UTC by readsb and some forks; fields 9-10
// are the time the line was written out. We use fields 7-8 as the fix time. The zone is not in
// the line, so it is recovered from our own clock: the difference between the time we read the
// line and fields 7-8 read as if UTC, rounded to the nearest 15 minutes, is the zone offset
// (every zone is a multiple of 15 min); what is left over (the radio-to-us latency and any
// receiver clock error) stays in the fix time. A receiver whose clock is minutes wrong therefore
// gives fixes that look minutes old and are dropped as stale instead of being silently
// re-stamped. A line without fields 7-8 (some relays leave them empty) is timed by its
// arrival, the only time there is; that is counted (receipt_timed) and shown in `sources`.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "flights/fix.h"
#include "time/clock.h"

namespace zc::flights {

struct SbsMessage {
    int type = 0;                             // transmission type 1..8
    std::string icao24;                       // lower-case hex
    std::optional<UtcTime> generated;         // fields 7-8 read as UTC (zone not yet applied)
    std::string callsign;                     // field 11, trimmed
    std::optional<double> altitude_ft;        // field 12, barometric
    std::optional<double> ground_speed_kt;    // 13
    std::optional<double> track_deg;          // 14
    std::optional<double> lat_deg, lon_deg;   // 15, 16
    std::optional<double> vertical_rate_fpm;  // 17
    std::string squawk;                       // 18
    std::optional<bool> on_ground;            // 22 (-1 / 1 = true, 0 = false)
};

/// One line. nullopt with `error` naming the field when the line is a malformed MSG line;
/// nullopt with an empty `error` for lines that are not MSG (SEL, ID, AIR, STA, CLK) or blank.
std::optional<SbsMessage> parse_sbs_line(std::string_view line, std::string* error = nullptr);

/// "2024/07/10" + "12:34:56.789" (also '-' date separators) as UTC.
std::optional<UtcTime> parse_sbs_time(std::string_view date, std::string_view time);

/// The zone offset (rounded to 15 min) between a receiver timestamp read as UTC and our
/// receive time, and the fix time it gives.
UtcTime sbs_fix_time(UtcTime generated_as_utc, UtcTime received);

struct SbsAssemblerOptions {
    /// A velocity older than this (relative to the position) is not combined with it.
    Duration max_velocity_age = std::chrono::seconds(10);
    /// Altitude from MSG,5/6/7 is used for a position without one when this recent.
    Duration max_altitude_age = std::chrono::seconds(10);
    /// Aircraft not heard for this long are forgotten.
    Duration forget_after = std::chrono::seconds(60);
    std::size_t max_aircraft = 20000;
};

class SbsAssembler {
  public:
    explicit SbsAssembler(SbsAssemblerOptions options = {}) : opt_(options) {}

    /// Feeds one parsed message received at `received` (our clock); returns a fix when the
    /// message completes one (a new position with a recent velocity, or the first velocity
    /// after a position that has not been emitted yet).
    std::optional<Fix> add(const SbsMessage& msg, UtcTime received);
    /// Parses and feeds one line; problems are counted (see malformed()).
    std::optional<Fix> add_line(std::string_view line, UtcTime received);
    /// Drops aircraft not heard for forget_after.
    void expire(UtcTime now);

    std::size_t aircraft() const { return state_.size(); }
    std::uint64_t malformed() const { return malformed_; }
    std::uint64_t receipt_timed() const { return receipt_timed_; }
    const std::string& last_problem() const { return last_problem_; }

  private:
    struct Track {
        UtcTime heard{};
        std::string callsign;
        std::optional<double> alt_ft;
        UtcTime alt_time{};
        std::optional<double> gs_kt, track_deg, vr_fpm;
        UtcTime velocity_time{};
        bool has_velocity = false;
        std::optional<double> lat, lon;
        std::optional<double> pos_alt_ft;
        UtcTime pos_time{};
        bool pos_on_ground = false;
        bool pos_emitted = true;
        bool has_position = false;
        UtcTime last_emitted{};
    };
    std::optional<Fix> emit(const std::string& icao, Track& t);

    SbsAssemblerOptions opt_;
    std::unordered_map<std::string, Track> state_;
    std::uint64_t malformed_ = 0;
    std::uint64_t receipt_timed_ = 0;
    std::string last_problem_;
};

}  // namespace zc::flights
