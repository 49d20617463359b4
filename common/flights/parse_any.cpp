#include <nlohmann/json.hpp>

#include "flights/parsers.h"
#include "flights/readsb_fast.h"

namespace zc::flights {

using nlohmann::json;

std::string_view to_string(Format format) {
    switch (format) {
        case Format::ReadsbAircraftJson:
            return "readsb aircraft.json";
        case Format::ReadsbApi:
            return "readsb API (adsb.lol/airplanes.live)";
        case Format::AdsbFiV2:
            return "adsb.fi v2";
        case Format::OpenSkyStates:
            return "OpenSky states/all";
        case Format::FlightAwareSearch:
            return "FlightAware /flights/search";
        case Format::Unknown:
            break;
    }
    return "unknown";
}

Format detect_format(const json& doc) {
    if (!doc.is_object())
        return Format::Unknown;
    if (doc.contains("states") && doc.contains("time"))
        return Format::OpenSkyStates;
    if (doc.contains("flights"))
        return Format::FlightAwareSearch;
    if (doc.contains("ac"))
        return Format::ReadsbApi;
    if (doc.contains("aircraft")) {
        return doc.contains("resultCount") ? Format::AdsbFiV2 : Format::ReadsbAircraftJson;
    }
    return Format::Unknown;
}

namespace {

template <typename Fn>
ParseResult with_document(std::string_view text, Fn&& fn) {
    json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) {
        ParseResult out;
        // Re-parse for the position of the error; only malformed input pays for it.
        try {
            const json again = json::parse(text);
            (void)again;
        } catch (const json::exception& e) {
            // parse_error, or out_of_range for a number beyond a double ("1e3000"), which
            // escaped before (found by fuzzing).
            out.error = std::string("not valid JSON: ") + e.what();
            return out;
        }
        out.error = "not valid JSON";
        return out;
    }
    return fn(doc);
}

}  // namespace

ParseResult parse_readsb(std::string_view text) {
    if (auto fast = parse_readsb_fast(text, FastMode::kReadsb))
        return std::move(*fast);
    return with_document(text, [](const json& d) { return parse_readsb(d); });
}
ParseResult parse_opensky(std::string_view text) {
    return with_document(text, [](const json& d) { return parse_opensky(d); });
}
ParseResult parse_flightaware(std::string_view text) {
    return with_document(text, [](const json& d) { return parse_flightaware(d); });
}

ParseResult parse_flights(std::string_view text) {
    if (auto fast = parse_readsb_fast(text, FastMode::kDetect))
        return std::move(*fast);
    return with_document(text, [](const json& d) {
        switch (detect_format(d)) {
            case Format::OpenSkyStates:
                return parse_opensky(d);
            case Format::FlightAwareSearch:
                return parse_flightaware(d);
            case Format::ReadsbApi:
            case Format::AdsbFiV2:
            case Format::ReadsbAircraftJson:
                return parse_readsb(d);
            case Format::Unknown:
                break;
        }
        ParseResult out;
        out.error =
            "unrecognised flight data: expected readsb/dump1090 aircraft.json "
            "(`aircraft`/`ac`), OpenSky states/all (`states`) or FlightAware "
            "/flights/search (`flights`)";
        return out;
    });
}

}  // namespace zc::flights
