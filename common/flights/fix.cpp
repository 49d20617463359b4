#include "flights/fix.h"

namespace zc::flights {

std::string_view to_string(AltitudeKind kind) {
    return kind == AltitudeKind::Geometric ? "geometric" : "barometric";
}

std::string_view to_string(SourceType type) {
    switch (type) {
        case SourceType::AdsbIcao:
            return "adsb_icao";
        case SourceType::AdsbIcaoNt:
            return "adsb_icao_nt";
        case SourceType::Adsr:
            return "adsr";
        case SourceType::Tisb:
            return "tisb";
        case SourceType::Adsc:
            return "adsc";
        case SourceType::Mlat:
            return "mlat";
        case SourceType::ModeS:
            return "mode_s";
        case SourceType::Flarm:
            return "flarm";
        case SourceType::Other:
            return "other";
        case SourceType::Unknown:
            break;
    }
    return "unknown";
}

std::string_view to_string(Feed feed) {
    switch (feed) {
        case Feed::ReadsbLocal:
            return "readsb";
        case Feed::ReadsbApi:
            return "readsb_api";
        case Feed::AdsbFi:
            return "adsb_fi";
        case Feed::OpenSky:
            return "opensky";
        case Feed::FlightAware:
            return "flightaware";
    }
    return "unknown";
}

SourceType source_type_from_readsb(std::string_view t) {
    if (t == "adsb_icao")
        return SourceType::AdsbIcao;
    if (t == "adsb_icao_nt" || t == "adsb_other")
        return SourceType::AdsbIcaoNt;
    if (t.starts_with("adsr"))
        return SourceType::Adsr;
    if (t.starts_with("tisb"))
        return SourceType::Tisb;
    if (t == "adsc")
        return SourceType::Adsc;
    if (t == "mlat")
        return SourceType::Mlat;
    if (t == "mode_s")
        return SourceType::ModeS;
    if (t == "unknown" || t.empty())
        return SourceType::Unknown;
    return SourceType::Other;
}

}  // namespace zc::flights
