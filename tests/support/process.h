#pragma once
// Child processes for integration tests: the real zipcatcherd and zipcatcher binaries, run with
// an explicit environment so that nothing from the developer's machine leaks in.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace zc::test {

using Env = std::map<std::string, std::string>;

struct RunResult {
    int exit_code = -1;  // 128+N when killed by signal N
    std::string out;
    std::string err;
};

/// Runs to completion (killed after `timeout`), capturing stdout and stderr.
RunResult run(const std::string& binary, const std::vector<std::string>& args, const Env& env,
              std::chrono::milliseconds timeout = std::chrono::seconds(30));

/// A process left running; stdout and stderr go to files in `log_dir`.
class Child {
  public:
    Child(const std::string& binary, const std::vector<std::string>& args, const Env& env,
          const std::filesystem::path& log_dir);
    ~Child();  // SIGKILL if still running
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    pid_t pid() const { return pid_; }
    void signal(int signo) const;
    /// Exit code (128+N for a signal), or nullopt on timeout.
    std::optional<int> wait(std::chrono::milliseconds timeout);
    bool running();
    std::string out() const;
    std::string err() const;

  private:
    pid_t pid_ = -1;
    std::optional<int> status_;
    std::filesystem::path out_path_, err_path_;
};

/// Polls until `path` accepts a stream connection.
bool wait_for_socket(const std::filesystem::path& path, std::chrono::milliseconds timeout);

std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const std::string& text, int mode = 0600);

}  // namespace zc::test
