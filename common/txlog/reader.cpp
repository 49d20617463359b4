#include "txlog/reader.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

namespace zc::txlog {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

bool all_digits(const std::string& s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

std::optional<UtcTime> logged_of(const json& j) {
    if (!j.is_object() || !j.contains("logged") || !j["logged"].is_string())
        return std::nullopt;
    return parse_iso8601(j["logged"].get<std::string>());
}

}  // namespace

std::vector<json> read_file(const fs::path& file, ReadStats* stats) {
    std::vector<json> out;
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        if (stats)
            stats->warnings.push_back("cannot read " + file.string());
        return out;
    }
    if (stats)
        ++stats->files;
    std::string line;
    std::size_t number = 0;
    while (std::getline(in, line)) {
        ++number;
        const bool complete = !in.eof();  // getline stopped at a newline
        if (!complete) {
            if (!line.empty() && stats) {
                ++stats->torn;
                stats->warnings.push_back(file.string() + ":" + std::to_string(number) +
                                          ": skipped an unfinished last line (a crash while "
                                          "writing, or a write in progress)");
            }
            break;
        }
        if (line.empty())
            continue;
        auto j = json::parse(line, nullptr, false);
        if (j.is_discarded() || !logged_of(j)) {
            if (stats) {
                ++stats->bad;
                stats->warnings.push_back(file.string() + ":" + std::to_string(number) +
                                          ": not a log record; skipped");
            }
            continue;
        }
        out.push_back(std::move(j));
        if (stats)
            ++stats->records;
    }
    return out;
}

std::vector<fs::path> log_files(const fs::path& live) {
    struct Rotated {
        fs::path path;
        bool dated;
        std::string key;  // date suffix, or the number
        long number;
    };
    std::vector<Rotated> rotated;
    const auto dir = live.has_parent_path() ? live.parent_path() : fs::path(".");
    const std::string prefix = live.filename().string() + ".";
    std::error_code ec;
    for (const auto& d : fs::directory_iterator(dir, ec)) {
        const auto name = d.path().filename().string();
        if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0)
            continue;
        const auto suffix = name.substr(prefix.size());
        const auto date = suffix.substr(0, 8);
        if (suffix.size() >= 8 && all_digits(date) &&
            (suffix.size() == 8 || (suffix[8] == '-' && all_digits(suffix.substr(9)))))
            rotated.push_back({d.path(), true, suffix, 0});
        else if (all_digits(suffix) && suffix.size() < 8)
            rotated.push_back({d.path(), false, suffix, std::stol(suffix)});
    }
    // Oldest first: day files by date, then numbered files from the highest number (oldest).
    std::sort(rotated.begin(), rotated.end(), [](const Rotated& a, const Rotated& b) {
        if (a.dated != b.dated)
            return a.dated;
        return a.dated ? a.key < b.key : a.number > b.number;
    });
    std::vector<fs::path> out;
    for (auto& r : rotated)
        out.push_back(std::move(r.path));
    if (fs::exists(live, ec))
        out.push_back(live);
    return out;
}

std::vector<json> read_log(const fs::path& live, ReadStats* stats) {
    std::vector<std::pair<UtcTime, json>> all;
    for (const auto& f : log_files(live))
        for (auto& j : read_file(f, stats)) {
            const auto t = *logged_of(j);
            all.emplace_back(t, std::move(j));
        }
    std::stable_sort(all.begin(), all.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<json> out;
    out.reserve(all.size());
    for (auto& [t, j] : all)
        out.push_back(std::move(j));
    return out;
}

LastLine last_line_info(const fs::path& file) {
    LastLine info;
    std::ifstream in(file, std::ios::binary | std::ios::ate);
    if (!in)
        return info;
    const auto size = static_cast<std::streamoff>(in.tellg());
    if (size <= 0)
        return info;
    // Records are a few hundred bytes; 64 KiB always holds the last complete one.
    const std::streamoff start = std::max<std::streamoff>(0, size - 65536);
    in.seekg(start);
    std::string tail(static_cast<std::size_t>(size - start), '\0');
    in.read(tail.data(), static_cast<std::streamsize>(tail.size()));
    info.ends_with_newline = !tail.empty() && tail.back() == '\n';
    auto end = info.ends_with_newline ? tail.size() - 1 : tail.rfind('\n');
    if (end == std::string::npos)
        return info;
    while (end > 0) {
        const auto begin = tail.rfind('\n', end - 1);
        const auto from = begin == std::string::npos ? 0 : begin + 1;
        auto j = json::parse(tail.substr(from, end - from), nullptr, false);
        if (auto t = logged_of(j)) {
            info.logged = t;
            break;
        }
        if (begin == std::string::npos)
            break;
        end = begin;
    }
    return info;
}

}  // namespace zc::txlog
