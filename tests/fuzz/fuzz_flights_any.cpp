// parse_flights (format detection, then the matching parser) on arbitrary text; the format it
// reports must be the one detect_format gives for the same document.
#include <nlohmann/json.hpp>

#include "flights_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = zc::fuzz::as_text(data, size);
    const auto result = zc::flights::parse_flights(text);
    zc::fuzz::check_result(result);
    const auto doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded())
        FUZZ_CHECK(!result.ok());
    else if (result.ok())
        FUZZ_CHECK(result.format == zc::flights::detect_format(doc));
    return 0;
}
