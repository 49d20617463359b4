#pragma once
// A hard call budget per UTC calendar period (AeroAPI: calls per month; OpenSky: credits per
// day), with the counter persisted in the state directory so that a restart does not hand out
// the budget again. Every charge re-reads the file, adds, and replaces it atomically (write a
// temporary, fsync, rename), so two instances (e.g. old and new after a reload) never lose a
// count. When the counter cannot be read or written the guard refuses calls and says why:
// refusing is the only way to be sure the budget is not exceeded. The period rolls over at the
// UTC month (day) change.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "time/clock.h"

namespace zc::flights {

enum class BudgetPeriod { Month, Day };

/// "2026-03" (Month) or "2026-03-14" (Day), UTC.
std::string period_key(BudgetPeriod period, UtcTime t);
/// First instant of the next period after `t` (00:00:00Z of the next month / day).
UtcTime period_end(BudgetPeriod period, UtcTime t);

class BudgetGuard {
  public:
    /// `file` empty: the count is kept in memory only (status says so). limit 0 = unlimited.
    /// `what` names the budget in messages, e.g. "aeroapi: monthly budget".
    BudgetGuard(std::filesystem::path file, std::int64_t limit, BudgetPeriod period,
                std::string what);

    /// True when `cost` more units fit in the current period and the counter is usable. Cheap
    /// (no file access unless the counter was broken), so it can gate next_allowed().
    bool allows(UtcTime now, std::int64_t cost = 1);
    /// Re-reads the counter, and when `cost` still fits counts it for the period of `now` and
    /// persists it before returning. False when it does not fit or the counter could not be
    /// read or written (refusal() says which); nothing is counted then.
    bool charge(UtcTime now, std::int64_t cost = 1);

    std::int64_t used(UtcTime now);
    /// nullopt for an unlimited budget.
    std::optional<std::int64_t> remaining(UtcTime now);
    std::int64_t limit() const { return limit_; }
    BudgetPeriod period() const { return period_; }
    bool persisted() const { return !file_.empty(); }
    const std::filesystem::path& file() const { return file_; }
    /// Why allows() says no: the budget is spent (with the reset time) or the counter file is
    /// unusable. Empty when it says yes.
    std::string refusal(UtcTime now, std::int64_t cost = 1);
    /// The last counter-file problem, empty when none.
    const std::string& error() const { return error_; }

  private:
    /// Loads the file into period_/used_ (resetting on a period change). False on a problem.
    bool load(UtcTime now);
    bool store();
    void roll(UtcTime now);
    bool fits(std::int64_t cost) const;

    std::filesystem::path file_;
    std::int64_t limit_;
    BudgetPeriod period_;
    std::string what_;
    std::string key_;  // period the count belongs to
    std::int64_t used_ = 0;
    std::string error_;
};

}  // namespace zc::flights
