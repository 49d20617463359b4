// The config file reader (parse_ini) and what the loader does with each entry (option lookup,
// parse_value). Properties: never throws; lines are in the file; errors name a problem; secret
// values never reach a problem text (config_checks.h).
#include "config/ini_reader.h"
#include "config_checks.h"

using namespace zc;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = fuzz::as_text(data, size);
    const auto raw = config::parse_ini(text);
    fuzz::check_lines(raw, text);
    for (const auto& e : raw.entries) {
        if (const auto* spec = config::find_option(e.key)) {
            fuzz::check_value(*spec, e.value);
            if (spec->secret)
                fuzz::check_errors_quote_no_secret(
                    raw, text, e.value, [&](const std::string& t) { return config::parse_ini(t); });
        }
    }
    return 0;
}
