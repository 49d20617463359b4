#include "flights/source_state.h"

#include <fmt/format.h>

#include "flights/budget_guard.h"

namespace zc::flights {

namespace {

nlohmann::json time_or_null(const std::optional<UtcTime>& t) {
    return t ? nlohmann::json(format_iso8601(*t)) : nlohmann::json(nullptr);
}

}  // namespace

std::string problem_class(const std::string& problem) {
    std::string out;
    out.reserve(problem.size());
    bool in_index = false;
    for (const char c : problem) {
        if (c == '[') {
            in_index = true;
            out.push_back(c);
        } else if (c == ']') {
            in_index = false;
            out.push_back(c);
        } else if (!in_index) {
            out.push_back(c);
        }
    }
    return out;
}

void SourceState::note_call(UtcTime now) {
    minute_calls_.push_back(now);
    while (!minute_calls_.empty() && minute_calls_.front() + std::chrono::minutes(1) <= now)
        minute_calls_.pop_front();
    const std::string key = period_key(BudgetPeriod::Month, now);
    if (key != month_key_) {
        month_key_ = key;
        month_calls_ = 0;
    }
    ++month_calls_;
}

std::size_t SourceState::calls_this_minute(UtcTime now) const {
    std::size_t n = 0;
    for (const auto t : minute_calls_)
        if (t + std::chrono::minutes(1) > now && t <= now)
            ++n;
    return n;
}

std::int64_t SourceState::calls_this_month(UtcTime now) const {
    return period_key(BudgetPeriod::Month, now) == month_key_ ? month_calls_ : 0;
}

std::optional<double> SourceState::data_age_s(UtcTime now) const {
    if (!newest_fix_)
        return std::nullopt;
    return to_seconds(now - *newest_fix_);
}

std::optional<StateChange> SourceState::record_success(UtcTime now, std::size_t fixes,
                                                       std::optional<UtcTime> newest_fix,
                                                       std::size_t skipped,
                                                       const std::string& skipped_example) {
    const int was_failing = failures_;
    const bool first = !ever_polled();
    last_success_ = now;
    failures_ = 0;
    last_kind_.clear();
    last_fixes_ = fixes;
    last_skipped_ = skipped;
    if (newest_fix && (!newest_fix_ || *newest_fix > *newest_fix_))
        newest_fix_ = newest_fix;

    // Rejected records are news when their class changes (and once they stop).
    const std::string kind = skipped ? problem_class(skipped_example) : std::string();
    std::optional<StateChange> skipped_news;
    if (kind != skipped_kind_) {
        if (!kind.empty()) {
            skipped_news = StateChange{StateChange::Level::Warn,
                                       fmt::format("{}: skipping {} of its records, e.g. {}", name_,
                                                   skipped, skipped_example)};
        }
        skipped_kind_ = kind;
    }
    if (was_failing) {
        std::string msg = fmt::format("{}: working again after {} failed poll{} ({} fixes)", name_,
                                      was_failing, was_failing == 1 ? "" : "s", fixes);
        if (skipped_news)
            msg += "; " + skipped_news->message;
        return StateChange{skipped_news ? StateChange::Level::Warn : StateChange::Level::Info,
                           std::move(msg), !skipped_news};
    }
    if (skipped_news)
        return skipped_news;
    if (first)
        return StateChange{StateChange::Level::Info,
                           fmt::format("{}: first reply, {} fixes", name_, fixes), true};
    return std::nullopt;
}

std::optional<StateChange> SourceState::record_failure(UtcTime now, const std::string& kind,
                                                       const std::string& message) {
    const bool first = failures_ == 0;
    const bool news = first || kind != last_kind_;
    ++failures_;
    last_error_ = message;
    last_error_time_ = now;
    last_kind_ = kind;
    if (!news)
        return std::nullopt;
    return StateChange{StateChange::Level::Warn, message, first};
}

void SourceState::record_push(UtcTime now, std::size_t fixes, std::optional<UtcTime> newest_fix) {
    last_success_ = now;
    last_fixes_ = fixes;
    if (newest_fix && (!newest_fix_ || *newest_fix > *newest_fix_))
        newest_fix_ = newest_fix;
}

nlohmann::json SourceState::to_json(UtcTime now) const {
    nlohmann::json j;
    j["name"] = name_;
    j["last_success"] = time_or_null(last_success_);
    j["last_error"] = last_error_.empty() ? nlohmann::json(nullptr) : nlohmann::json(last_error_);
    j["last_error_at"] = time_or_null(last_error_time_);
    j["consecutive_failures"] = failures_;
    j["calls_this_minute"] = calls_this_minute(now);
    j["calls_this_month"] = calls_this_month(now);
    const auto age = data_age_s(now);
    j["data_age_s"] = age ? nlohmann::json(*age) : nlohmann::json(nullptr);
    j["fixes_last"] = last_fixes_;
    j["skipped_last"] = last_skipped_;
    return j;
}

}  // namespace zc::flights
