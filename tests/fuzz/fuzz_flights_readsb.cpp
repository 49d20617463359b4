// parse_readsb on arbitrary text (see flights_checks.h for the properties checked), and the
// fast single-scan path held to the DOM parser: wherever it answers, the DOM accepts the text
// and gives the same result field for field (common/flights/readsb_fast.h).
#include <nlohmann/json.hpp>

#include "flights/readsb_fast.h"
#include "flights_checks.h"
#include "flights_diff.h"

namespace {

void check_fast_agrees(std::string_view text, zc::flights::FastMode mode) {
    const auto fast = zc::flights::parse_readsb_fast(text, mode);
    if (!fast)
        return;
    const auto doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    FUZZ_CHECK(!doc.is_discarded());
    if (mode == zc::flights::FastMode::kDetect) {
        const auto f = zc::flights::detect_format(doc);
        FUZZ_CHECK(f == zc::flights::Format::ReadsbAircraftJson ||
                   f == zc::flights::Format::ReadsbApi || f == zc::flights::Format::AdsbFiV2);
    }
    FUZZ_CHECK(zc::test::flights_difference(*fast, zc::flights::parse_readsb(doc)).empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = zc::fuzz::as_text(data, size);
    zc::fuzz::check_result(zc::flights::parse_readsb(text));
    check_fast_agrees(text, zc::flights::FastMode::kReadsb);
    check_fast_agrees(text, zc::flights::FastMode::kDetect);
    return 0;
}
