// The .env reader (parse_dotenv: python-dotenv's syntax with ${VAR} expansion) and what the
// loader does with each entry (ZIPCATCHER_* name or alias lookup, parse_value). Properties as
// for the config file (config_checks.h); a ${VAR} expansion that grows without bound shows up
// as libFuzzer's out-of-memory finding.
#include "config/dotenv.h"
#include "config_checks.h"

using namespace zc;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = fuzz::as_text(data, size);
    const std::map<std::string, std::string> env{{"FUZZ_VAR", "from-env"}, {"HOME", "/home/u"}};
    const auto raw = config::parse_dotenv(text, env);
    fuzz::check_lines(raw, text);
    for (const auto& e : raw.entries) {
        if (const auto key = config::find_env_key(e.key)) {
            fuzz::check_value(*key->spec, e.value);
            if (key->spec->secret)
                fuzz::check_errors_quote_no_secret(raw, text, e.value, [&](const std::string& t) {
                    return config::parse_dotenv(t, env);
                });
        }
    }
    return 0;
}
