#pragma once
// A TCP port on 127.0.0.1 where connect() hangs: a listening socket whose accept queue is full
// (backlog 0, filled by a connection nobody accepts), so the kernel drops further SYNs and the
// client waits in SYN-SENT. For connect-timeout tests; fails fast instead of a real blackhole.
#include <string>
#include <string_view>
#include <vector>

namespace zc::test {

class BlackholeListener {
  public:
    BlackholeListener();
    ~BlackholeListener();
    BlackholeListener(const BlackholeListener&) = delete;
    BlackholeListener& operator=(const BlackholeListener&) = delete;

    unsigned short port() const { return port_; }
    /// e.g. "http://127.0.0.1:<port>/" + target.
    std::string url(std::string_view scheme = "http", std::string_view target = "/") const;

  private:
    void close_all();

    int listener_ = -1;
    std::vector<int> fillers_;
    unsigned short port_ = 0;
};

}  // namespace zc::test
