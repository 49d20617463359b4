#include "config/did_you_mean.h"

#include <algorithm>
#include <vector>

#include "config/schema.h"

namespace zc::config {

std::size_t levenshtein(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

std::optional<std::string> suggest_option(std::string_view unknown) {
    // A .env name pasted into the config file (OBSERVER_LATITUDE, ZIPCATCHER_SEESTAR_PORT).
    if (const auto k = find_env_key(unknown)) {
        return k->spec->name;
    }
    const std::string* best = nullptr;
    std::size_t best_d = 0;
    for (const auto& spec : schema()) {
        const auto d = levenshtein(unknown, spec.name);
        if (!best || d < best_d) {
            best = &spec.name;
            best_d = d;
        }
    }
    // A third of the length, at least 2: "observer.latitute" yes, "foo" -> "log.level" no.
    if (best && best_d <= std::max<std::size_t>(2, unknown.size() / 3)) {
        return *best;
    }
    // Right key, wrong section ("[observer] port"): suggest when only one option has that key.
    const auto dot = unknown.rfind('.');
    const std::string_view last = unknown.substr(dot == std::string_view::npos ? 0 : dot + 1);
    const std::string* unique = nullptr;
    for (const auto& spec : schema()) {
        if (std::string_view(spec.name).substr(spec.name.rfind('.') + 1) == last) {
            if (unique) {
                return std::nullopt;
            }
            unique = &spec.name;
        }
    }
    return unique ? std::optional<std::string>(*unique) : std::nullopt;
}

std::optional<std::string> suggest_env_name(std::string_view unknown) {
    std::optional<std::string> best;
    std::size_t best_d = 0;
    for (const auto& spec : schema()) {
        auto name = env_name(spec);
        const auto d = levenshtein(unknown, name);
        if (!best || d < best_d) {
            best = std::move(name);
            best_d = d;
        }
    }
    // The shared ZIPCATCHER_ prefix does not count towards "close enough".
    const std::size_t len = unknown.size() > 11 ? unknown.size() - 11 : 0;
    return best && best_d <= std::max<std::size_t>(2, len / 3) ? best : std::nullopt;
}

}  // namespace zc::config
