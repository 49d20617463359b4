#include "gallery/filename.h"

#include <fmt/format.h>

#include <cctype>
#include <chrono>

namespace zc::gallery {

std::string secure_filename(std::string_view name) {
    // Separators and whitespace split words; words are joined with '_' (Python's str.split()).
    std::string joined;
    bool pending_sep = false;
    for (char ch : name) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x80)
            continue;
        if (ch == '/' || ch == '\\' || std::isspace(c)) {
            pending_sep = !joined.empty();
            continue;
        }
        if (pending_sep) {
            joined += '_';
            pending_sep = false;
        }
        joined += ch;
    }
    std::string kept;
    for (char ch : joined) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) || ch == '_' || ch == '.' || ch == '-')
            kept += ch;
    }
    const auto first = kept.find_first_not_of("._");
    if (first == std::string::npos)
        return {};
    const auto last = kept.find_last_not_of("._");
    return kept.substr(first, last - first + 1);
}

std::string upload_filename(UtcTime now, const std::optional<std::string>& flight_id,
                            std::string_view ext) {
    const auto secs = std::chrono::floor<std::chrono::seconds>(now);
    const auto day = std::chrono::floor<std::chrono::days>(secs);
    const std::chrono::year_month_day ymd{day};
    const std::chrono::hh_mm_ss hms{secs - day};
    std::string id = flight_id.value_or("UNKNOWN");
    for (auto& c : id)
        if (c == '/')
            c = '_';
    std::string lower(ext);
    for (auto& c : lower)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto raw =
        fmt::format("{:04}{:02}{:02}_{:02}{:02}{:02}_{}.{}", static_cast<int>(ymd.year()),
                    static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                    hms.hours().count(), hms.minutes().count(), hms.seconds().count(), id, lower);
    return secure_filename(raw);
}

std::string with_suffix(std::string_view name, int n) {
    const auto dot = name.rfind('.');
    if (dot == std::string_view::npos || dot == 0)
        return fmt::format("{}_{}", name, n);
    return fmt::format("{}_{}{}", name.substr(0, dot), n, name.substr(dot));
}

}  // namespace zc::gallery
