// The replay feed (JSON Lines, one fix per line; common/flights/replay_file.h): every line
// through parse_replay_line. Properties: never throws; a refused line says why; an accepted
// entry is a usable fix (flights_checks.h) at a finite offset.
#include "flights/replay_file.h"
#include "flights_checks.h"

using namespace zc;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::for_each_line(fuzz::as_text(data, size), [](std::string_view line) {
        std::string error;
        const auto entry = flights::parse_replay_line(line, &error);
        if (!entry) {
            FUZZ_CHECK(!error.empty());
            return;
        }
        fuzz::check_fix(entry->fix);
    });
    return 0;
}
