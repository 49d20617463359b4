#include "blackhole_listener.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace zc::test {

namespace {

sockaddr_in loopback(unsigned short port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

// A non-blocking connect; true when it completed within `ms`.
bool connect_completes(int fd, unsigned short port, int ms) {
    const sockaddr_in a = loopback(port);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0)
        return true;
    pollfd p{fd, POLLOUT, 0};
    return ::poll(&p, 1, ms) == 1;
}

}  // namespace

BlackholeListener::BlackholeListener() {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a = loopback(0);
    socklen_t len = sizeof a;
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(listener_, 0) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        close_all();
        throw std::runtime_error("blackhole listener: cannot listen");
    }
    port_ = ntohs(a.sin_port);
    // Fill the accept queue until a connect no longer completes: from then on SYNs are dropped.
    for (int i = 0; i < 16; ++i) {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        if (fd < 0)
            break;
        fillers_.push_back(fd);
        if (!connect_completes(fd, port_, 100))
            return;
    }
    close_all();
    throw std::runtime_error("blackhole listener: the accept queue never filled");
}

BlackholeListener::~BlackholeListener() {
    close_all();
}

void BlackholeListener::close_all() {
    for (int fd : fillers_)
        ::close(fd);
    fillers_.clear();
    if (listener_ >= 0)
        ::close(listener_);
    listener_ = -1;
}

std::string BlackholeListener::url(std::string_view scheme, std::string_view target) const {
    return std::string(scheme) + "://127.0.0.1:" + std::to_string(port_) + std::string(target);
}

}  // namespace zc::test
