// SBS-1 BaseStation lines (port 30003): parse_sbs_line on every line and the per-ICAO assembler
// fed with them, received 100 ms apart from an instant the first byte shifts (so that the zone
// recovery meets every offset). Properties: never throws; a malformed MSG line names its field;
// every fix assembled is a usable position (flights_checks.h); the assembler's bookkeeping stays
// within its limits.
#include "flights/parse_sbs.h"
#include "flights_checks.h"

using namespace zc;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::Reader in(fuzz::as_text(data, size));
    const auto shift = std::chrono::minutes(15) * (static_cast<int>(in.byte()) - 128);
    UtcTime received = *parse_iso8601("2026-03-14T12:00:00Z") + shift;
    flights::SbsAssemblerOptions options;
    options.max_aircraft = 16;
    flights::SbsAssembler assembler(options);
    std::uint64_t lines = 0;
    fuzz::for_each_line(in.rest(), [&](std::string_view line) {
        std::string error;
        const auto msg = flights::parse_sbs_line(line, &error);
        if (msg) {
            FUZZ_CHECK(error.empty());
            FUZZ_CHECK(msg->type >= 1 && msg->type <= 8);
            FUZZ_CHECK(!msg->icao24.empty());
        }
        if (auto fix = assembler.add_line(line, received))
            fuzz::check_fix(*fix);
        ++lines;
        FUZZ_CHECK(assembler.malformed() <= lines);
        FUZZ_CHECK(assembler.aircraft() <= options.max_aircraft);
        received += std::chrono::milliseconds(100);
    });
    assembler.expire(received + std::chrono::hours(1));
    FUZZ_CHECK(assembler.aircraft() == 0);
    return 0;
}
