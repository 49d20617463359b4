#pragma once
// Classic daemon start-up for use without systemd (`zipcatcherd` without --foreground): the
// parent stays until the child is ready, so its exit status tells whether start-up worked.
#include <filesystem>
#include <functional>

namespace zc::daemon {

class Backgrounder {
  public:
    /// Forks. In the parent, waits for the child's verdict and exits the process with 0 (ready)
    /// or 1 (failed). In the child, returns after setsid() with stdin/stdout on /dev/null and
    /// stderr appended to `log_file`. Throws std::runtime_error when fork or the log file fail.
    explicit Backgrounder(const std::filesystem::path& log_file);
    ~Backgrounder();

    /// Child: report success to the waiting parent (once).
    void ready();

  private:
    int fd_ = -1;
};

}  // namespace zc::daemon
