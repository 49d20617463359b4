#pragma once
// Typed, forgiving field access for one JSON entry. Absent, null and the string "None" (a
// capture artifact in the FlightAware sample) all mean "no value"; a value of the wrong type is
// a problem that names the field and marks the entry bad.
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "flights/parse_result.h"

namespace zc::flights::detail {

bool is_absent(const nlohmann::json& v);

class FieldReader {
  public:
    FieldReader(const nlohmann::json& entry, std::string path)
        : entry_(entry), path_(std::move(path)) {}

    std::optional<double> number(std::string_view key);
    std::optional<int> integer(std::string_view key);
    std::optional<std::string> string(std::string_view key);
    std::optional<bool> boolean(std::string_view key);
    /// The raw member, nullptr when absent/null/"None".
    const nlohmann::json* raw(std::string_view key) const;

    /// Records a problem for `key` (only the first problem of an entry is kept).
    void fail(std::string_view key, std::string message);
    bool bad() const { return problem_.has_value(); }
    std::optional<Problem> take_problem() { return std::move(problem_); }
    const std::string& path() const { return path_; }

  private:
    const nlohmann::json& entry_;
    std::string path_;
    std::optional<Problem> problem_;
};

/// Element access for array-shaped records (OpenSky state vectors).
class ElementReader {
  public:
    ElementReader(const nlohmann::json& row, std::string path)
        : row_(row), path_(std::move(path)) {}

    std::optional<double> number(std::size_t index, std::string_view name);
    std::optional<std::string> string(std::size_t index, std::string_view name);
    std::optional<bool> boolean(std::size_t index, std::string_view name);

    void fail(std::size_t index, std::string_view name, std::string message);
    bool bad() const { return problem_.has_value(); }
    std::optional<Problem> take_problem() { return std::move(problem_); }

  private:
    const nlohmann::json* at(std::size_t index) const;
    const nlohmann::json& row_;
    std::string path_;
    std::optional<Problem> problem_;
};

std::string trim(std::string_view s);
std::string to_lower(std::string_view s);

/// Feed seconds as a time, nullopt unless |seconds| < 1e11 (the year 5138): beyond that the
/// conversion to microseconds overflows, which is undefined behaviour (found by fuzzing).
std::optional<UtcTime> unix_time(double seconds);

}  // namespace zc::flights::detail
