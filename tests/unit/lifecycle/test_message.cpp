// Alert texts: the content the issue lists, HTML escaping of every feed value, local time,
// and the source outage/recovery messages.
#include <catch2/catch.hpp>
#include <cstdlib>

#include "alerts/telegram_message.h"
#include "fixtures.h"

using namespace zc;
using namespace zc::test;
using alerts::alert_html;
using transit::AlertKind;
using transit::Level;

namespace {
struct LocalZone {
    explicit LocalZone(const char* tz) { ::setenv("TZ", tz, 1); }
    ~LocalZone() { ::unsetenv("TZ"); }
};

transit::Entry entry(Level level) {
    transit::Entry e;
    e.candidate = candidate(level, at(42));
    e.id = "4ca7b1:sun";
    return e;
}
}  // namespace

TEST_CASE("an alert holds level target flight times separation probability altitude and capture") {
    LocalZone zone("ZCT-3");
    auto e = entry(Level::High);
    e.candidate.registration = "G-EUPT";
    e.capture = transit::CaptureState::Scheduled;
    e.capture_stop = at(52);
    const auto m = alert_html(e, AlertKind::Level, at(0), {"EGLL", "KJFK"});
    CHECK_THAT(m, Catch::Contains("HIGH"));
    CHECK_THAT(m, Catch::Contains("Sun transit"));
    CHECK_THAT(m, Catch::Contains("<b>BAW12</b>"));
    CHECK_THAT(m, Catch::Contains("ICAO 4ca7b1"));
    CHECK_THAT(m, Catch::Contains("A320"));
    CHECK_THAT(m, Catch::Contains("G-EUPT"));
    CHECK_THAT(m, Catch::Contains("EGLL → KJFK"));
    CHECK_THAT(m, Catch::Contains("11:00:42 UTC (14:00:42 ZCT)"));
    CHECK_THAT(m, Catch::Contains("in 0:42 (42 s)"));
    CHECK_THAT(m, Catch::Contains("0.105°"));
    CHECK_THAT(m, Catch::Contains("0.40 solar radii"));
    CHECK_THAT(m, Catch::Contains("probability 80%"));
    CHECK_THAT(m, Catch::Contains("10500 m (geometric)"));
    CHECK_THAT(m, Catch::Contains("range 12.0 km"));
    CHECK_THAT(m, Catch::Contains("Capture: scheduled, until 11:00:52 UTC"));
    CHECK(m.size() < alerts::kMaxMessageChars);
}

TEST_CASE("the imminent alert says so and an unscheduled capture is stated") {
    auto e = entry(Level::Medium);
    e.candidate.target = transit::Target::Moon;
    const auto m = alert_html(e, AlertKind::Imminent, at(12), {});
    CHECK_THAT(m, Catch::StartsWith("⏰ <b>IMMINENT: MEDIUM Moon transit</b>"));
    CHECK_THAT(m, Catch::Contains("lunar radii"));
    CHECK_THAT(m, Catch::Contains("in 0:30 (30 s)"));
    CHECK_THAT(m, Catch::Contains("Capture: not scheduled"));
    CHECK_FALSE(m.find("Route") != std::string::npos);  // unknown route: no line
}

TEST_CASE("every feed value is escaped in the HTML") {
    auto e = entry(Level::High);
    e.candidate.callsign = "<b>X&Y</b>";
    e.candidate.aircraft_type = "\"A'3\"";
    e.capture = transit::CaptureState::Missed;
    e.capture_reason = "scope said <error> & gave up";
    const auto m = alert_html(e, AlertKind::Level, at(0), {"<o>", "d&"});
    CHECK_THAT(m, Catch::Contains("<b>&lt;b&gt;X&amp;Y&lt;/b&gt;</b>"));
    CHECK_THAT(m, Catch::Contains("&quot;A&#39;3&quot;"));
    CHECK_THAT(m, Catch::Contains("&lt;o&gt; → d&amp;"));
    CHECK_THAT(m, Catch::Contains("missed: scope said &lt;error&gt; &amp; gave up"));
    // The only tags are ours.
    std::size_t tags = 0;
    for (std::size_t at_ = m.find('<'); at_ != std::string::npos; at_ = m.find('<', at_ + 1)) {
        const auto rest = m.substr(at_);
        CHECK((rest.rfind("<b>", 0) == 0 || rest.rfind("</b>", 0) == 0));
        ++tags;
    }
    CHECK(tags == 4);
    // The plain form (for logs) gives the values back as sent.
    const auto text = alerts::html_to_text(m);
    CHECK_THAT(text, Catch::Contains("Flight <b>X&Y</b>"));
    CHECK_THAT(text, Catch::Contains("\"A'3\""));
}

TEST_CASE("an absurdly long feed value cannot push a message past Telegram's limit") {
    auto e = entry(Level::High);
    e.candidate.callsign = std::string(10000, '&');
    e.candidate.aircraft_type = std::string(10000, '<');
    e.capture = transit::CaptureState::Cancelled;
    e.capture_reason = std::string(10000, '>');
    const auto m = alert_html(e, AlertKind::Level, at(0), {std::string(5000, 'o'), "x"});
    CHECK(m.size() < alerts::kMaxMessageChars);
}

TEST_CASE("source outage and recovery messages") {
    LocalZone zone("ZCT-3");
    const auto down = alerts::sources_down_html(3, at(0), at(95));
    CHECK_THAT(down, Catch::Contains("All flight sources down"));
    CHECK_THAT(down, Catch::Contains("None of the 3 enabled"));
    CHECK_THAT(down, Catch::Contains("11:00:00 UTC (14:00:00 ZCT)"));
    CHECK_THAT(down, Catch::Contains("1:35 ago"));
    const auto up = alerts::sources_recovered_html(2, 3, at(0), at(312));
    CHECK_THAT(up, Catch::Contains("recovered"));
    CHECK_THAT(up, Catch::Contains("2 of 3"));
    CHECK_THAT(up, Catch::Contains("after 5:12 down"));
}

TEST_CASE("durations read as clock time") {
    CHECK(alerts::clock_duration(0) == "0:00");
    CHECK(alerts::clock_duration(42.4) == "0:42");
    CHECK(alerts::clock_duration(725) == "12:05");
    CHECK(alerts::clock_duration(3723) == "1:02:03");
    CHECK(alerts::clock_duration(-5) == "0:00");
}
