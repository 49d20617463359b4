// parse_flightaware on arbitrary text (see flights_checks.h for the properties checked).
#include "flights_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    zc::fuzz::check_result(zc::flights::parse_flightaware(zc::fuzz::as_text(data, size)));
    return 0;
}
