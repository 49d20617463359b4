#pragma once
// Small blocking tools for the soak harness (soak_main.cpp): an HTTP/1.1 client for the gallery,
// raw connections that misbehave on purpose, /proc figures of the daemon, SHA-256, and the
// private tmpfs that makes the log disk fill up. Nothing here is clever: each call is one
// socket, with timeouts, so a stuck daemon shows as a failed call and never hangs the harness.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace zc::soak {

using Steady = std::chrono::steady_clock;
using namespace std::chrono_literals;

inline double seconds_since(Steady::time_point t) {
    return std::chrono::duration<double>(Steady::now() - t).count();
}

// ---- sockets ----

class Socket {
  public:
    Socket() = default;
    explicit Socket(int fd) : fd_(fd) {}
    ~Socket() { close(); }
    Socket(Socket&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
    Socket& operator=(Socket&& o) noexcept {
        if (this != &o) {
            close();
            fd_ = o.fd_;
            o.fd_ = -1;
        }
        return *this;
    }
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
    int fd() const { return fd_; }
    bool valid() const { return fd_ >= 0; }
    void close() {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = -1;
    }
    /// Abortive close: the peer sees a reset.
    void reset() {
        if (fd_ < 0)
            return;
        linger l{1, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        close();
    }
    void timeouts(std::chrono::milliseconds t) const {
        timeval tv{static_cast<time_t>(t.count() / 1000),
                   static_cast<suseconds_t>((t.count() % 1000) * 1000)};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    }
    bool send_all(std::string_view data) const {
        while (!data.empty()) {
            const auto n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return false;
            data.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }
    /// Everything until EOF (or the receive timeout, or `cap` bytes).
    std::string read_all(std::size_t cap = 64u << 20) const {
        std::string out;
        char buf[65536];
        while (out.size() < cap) {
            const auto n = ::recv(fd_, buf, sizeof buf, 0);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            out.append(buf, static_cast<std::size_t>(n));
        }
        return out;
    }

  private:
    int fd_ = -1;
};

inline Socket connect_tcp(unsigned short port, std::chrono::milliseconds timeout = 5s) {
    Socket s(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s.timeouts(timeout);
    if (::connect(s.fd(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
        return Socket();
    return s;
}

inline Socket connect_unix(const std::string& path, std::chrono::milliseconds timeout = 5s) {
    Socket s(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
    s.timeouts(timeout);
    if (::connect(s.fd(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
        return Socket();
    return s;
}

// ---- HTTP ----

struct HttpResult {
    int status = 0;  // 0: no (complete) response
    std::string body;
    std::string error;
};

/// One request on its own connection ("Connection: close"), read to the end.
inline HttpResult http(unsigned short port, const std::string& method, const std::string& target,
                       const std::vector<std::string>& headers = {}, const std::string& body = "",
                       std::chrono::milliseconds timeout = 20s) {
    HttpResult r;
    auto s = connect_tcp(port, timeout);
    if (!s.valid()) {
        r.error = std::string("connect: ") + std::strerror(errno);
        return r;
    }
    std::string req =
        method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    for (const auto& h : headers)
        req += h + "\r\n";
    if (!body.empty() || method == "POST")
        req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    req += "\r\n";
    if (!s.send_all(req) || !s.send_all(body)) {
        r.error = std::string("send: ") + std::strerror(errno);
        return r;
    }
    const auto raw = s.read_all();
    const auto head_end = raw.find("\r\n\r\n");
    if (raw.size() < 12 || raw.compare(0, 9, "HTTP/1.1 ") != 0 || head_end == std::string::npos) {
        r.error = "no complete response (" + std::to_string(raw.size()) + " bytes)";
        return r;
    }
    const auto head = raw.substr(0, head_end);
    r.body = raw.substr(head_end + 4);
    // Content-Length, when present, must match what arrived: a short body is no response.
    std::istringstream lines(head);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.size() > 15 && strncasecmp(line.c_str(), "content-length:", 15) == 0) {
            const auto want = std::stoull(line.substr(15));
            if (r.body.size() != want) {
                r.error = "body of " + std::to_string(r.body.size()) + " bytes, announced " +
                          std::to_string(want);
                return r;
            }
        }
    }
    r.status = std::stoi(raw.substr(9, 3));
    return r;
}

// ---- figures ----

inline std::string sha256_hex(std::string_view data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
        out += hex[md[i] >> 4];
        out += hex[md[i] & 15];
    }
    return out;
}

inline std::size_t fd_count(pid_t pid) {
    std::error_code ec;
    std::size_t n = 0;
    for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
        ++n;
    return n;
}

/// What each descriptor points at, for the report when the count grew.
inline std::vector<std::string> fd_targets(pid_t pid) {
    std::vector<std::string> out;
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
        std::error_code e2;
        out.push_back(it->path().filename().string() + " -> " +
                      std::filesystem::read_symlink(it->path(), e2).string());
    }
    return out;
}

/// For "socket:[inode]": the TCP peer port of that socket ("tcp :PORT"), "unix" or "" when not
/// found, from the process's own /proc/<pid>/net tables.
inline std::string socket_peer(pid_t pid, const std::string& target) {
    const auto open = target.find("socket:[");
    if (open != 0)
        return "";
    const auto inode = target.substr(8, target.size() - 9);
    for (const char* table : {"tcp", "tcp6"}) {
        std::ifstream in("/proc/" + std::to_string(pid) + "/net/" + table);
        std::string line;
        std::getline(in, line);  // header
        while (std::getline(in, line)) {
            std::istringstream f(line);
            std::string sl, local, remote, st, queues, tr, retr, uid, timeout, ino;
            f >> sl >> local >> remote >> st >> queues >> tr >> retr >> uid >> timeout >> ino;
            if (ino == inode) {
                const auto port = std::stoul(remote.substr(remote.find(':') + 1), nullptr, 16);
                return "tcp :" + std::to_string(port);
            }
        }
    }
    return "unix";
}

/// VmRSS in KiB (0 when the process is gone).
inline long rss_kib(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmRSS:", 0) == 0)
            return std::stol(line.substr(6));
    return 0;
}

// ---- a disk that fills up ----

/// Writes `text` to a /proc file of this process (uid_map and friends).
inline bool write_proc(const char* file, const std::string& text) {
    std::ofstream out(file);
    out << text;
    out.flush();
    return static_cast<bool>(out);
}

/// A small tmpfs mounted in a private mount namespace of this process (and of the children it
/// starts afterwards), so that nothing outside sees it and it vanishes with the last of them,
/// even when the harness is killed. As root that is all; otherwise a user namespace is entered
/// first, which maps our uid to root inside it and grants the mount there (Debian allows
/// unprivileged user namespaces by default). Must run before any thread exists: unshare
/// refuses a new user namespace to a multi-threaded process. `why` says what failed.
inline bool private_tmpfs(const std::filesystem::path& dir, std::size_t bytes, std::string* why) {
    std::filesystem::create_directories(dir);
    int flags = CLONE_NEWNS;
    const auto uid = ::geteuid();
    const auto gid = ::getegid();
    if (uid != 0)
        flags |= CLONE_NEWUSER;
    if (::unshare(flags) != 0) {
        *why = std::string(uid != 0 ? "unshare(CLONE_NEWUSER|CLONE_NEWNS): "
                                    : "unshare(CLONE_NEWNS): ") +
               std::strerror(errno);
        return false;
    }
    if (uid != 0 && !(write_proc("/proc/self/setgroups", "deny") &&
                      write_proc("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1") &&
                      write_proc("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1"))) {
        *why = "cannot write the user namespace's uid_map/gid_map";
        return false;
    }
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
        *why = std::string("mount --make-rprivate /: ") + std::strerror(errno);
        return false;
    }
    const auto opts = "size=" + std::to_string(bytes) + ",mode=0755";
    if (::mount("zc-soak", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, opts.c_str()) != 0) {
        *why = std::string("mount -t tmpfs: ") + std::strerror(errno);
        return false;
    }
    return true;
}

/// Writes zeros to `path` until the file system is full; returns the bytes written.
inline std::size_t fill_disk(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return 0;
    static const std::string zeros(65536, '\0');
    std::size_t total = 0;
    std::size_t chunk = zeros.size();
    while (chunk > 0) {
        const auto n = ::write(fd, zeros.data(), chunk);
        if (n > 0) {
            total += static_cast<std::size_t>(n);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            chunk /= 2;  // the last few blocks: fill them too
        }
    }
    ::close(fd);
    return total;
}

}  // namespace zc::soak
