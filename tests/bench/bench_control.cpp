// Control-API benchmark: `status` round trips over the Unix socket against the real zipcatcherd,
// one client and 64 at once, and the daemon's resident memory at idle. Prints its figures;
// goals (docs/performance.md): p99 <= 1 ms, idle RSS <= 10 MB.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "protocol/client.h"

using Clock = std::chrono::steady_clock;

namespace {

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

long rss_kib(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string key;
    while (in >> key) {
        if (key == "VmRSS:") {
            long v = 0;
            in >> v;
            return v;
        }
        std::getline(in, key);
    }
    return -1;
}

std::vector<double> round_trips(const std::string& sock, int n) {
    zc::protocol::ControlClient c(sock);
    std::vector<double> us;
    us.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        const auto t0 = Clock::now();
        auto r = c.call("status");
        const auto t1 = Clock::now();
        if (r.result != zc::protocol::Result::kSuccess)
            throw std::runtime_error(r.text);
        us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    }
    return us;
}

}  // namespace

int main(int argc, char** argv) {
    const int n = argc > 1 ? std::atoi(argv[1]) : 10000;
    char tmpl[] = "/tmp/zcb-XXXXXX";
    const std::filesystem::path dir = ::mkdtemp(tmpl);
    const std::string sock = (dir / "c.sock").string();
    const std::string conf = (dir / "z.conf").string();
    std::ofstream(conf) << "[observer]\nlatitude = 51.5\nlongitude = -0.1\nelevation = 20\n";

    const pid_t pid = ::fork();
    if (pid == 0) {
        const std::string state = (dir / "state").string(), log = (dir / "log").string();
        ::execl(ZC_DAEMON_BIN, ZC_DAEMON_BIN, "--foreground", "--log-level", "warn", "--config",
                conf.c_str(), "--socket", sock.c_str(), "--paths.state_dir", state.c_str(),
                "--paths.log_dir", log.c_str(), "--http.enabled", "false",
                // zipcatcherd refuses to run as root unless told; as another user the list ends.
                ::geteuid() == 0 ? "--allow-root" : static_cast<const char*>(nullptr),
                static_cast<char*>(nullptr));
        ::_exit(127);
    }
    for (int i = 0; i < 2000 && !std::filesystem::exists(sock); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));

    const long rss_start = rss_kib(pid);
    round_trips(sock, 200);  // warm-up
    const auto t0 = Clock::now();
    auto one = round_trips(sock, n);
    const double one_s = std::chrono::duration<double>(Clock::now() - t0).count();

    const int clients = 64, per_client = std::max(1, n / clients);
    std::vector<std::vector<double>> lat(clients);
    std::vector<std::thread> threads;
    const auto t1 = Clock::now();
    for (int i = 0; i < clients; ++i)
        threads.emplace_back([&, i] { lat[i] = round_trips(sock, per_client); });
    for (auto& t : threads)
        t.join();
    const double many_s = std::chrono::duration<double>(Clock::now() - t1).count();
    std::vector<double> all;
    for (auto& v : lat)
        all.insert(all.end(), v.begin(), v.end());

    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const long rss_idle = rss_kib(pid);

    std::printf("control API round trip (status), %d requests, 1 client:\n", n);
    std::printf("  p50 %.1f us  p99 %.1f us  max %.1f us  (%.0f req/s)\n", percentile(one, 0.5),
                percentile(one, 0.99), percentile(one, 1.0), n / one_s);
    std::printf("control API round trip (status), %d clients x %d requests at once:\n", clients,
                per_client);
    std::printf("  p50 %.1f us  p99 %.1f us  max %.1f us  (%.0f req/s)\n", percentile(all, 0.5),
                percentile(all, 0.99), percentile(all, 1.0),
                static_cast<double>(all.size()) / many_s);
    std::printf("zipcatcherd RSS: %.1f MB at start, %.1f MB idle after the load\n",
                static_cast<double>(rss_start) / 1024.0, static_cast<double>(rss_idle) / 1024.0);
    std::printf("goals: p99 <= 1000 us (1 client): %s; idle RSS <= 10 MB: %s\n",
                percentile(one, 0.99) <= 1000 ? "met" : "MISSED",
                rss_idle <= 10 * 1024 ? "met" : "MISSED");

    ::kill(pid, SIGTERM);
    int st = 0;
    ::waitpid(pid, &st, 0);
    std::filesystem::remove_all(dir);
    return 0;
}
