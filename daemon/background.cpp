#include "background.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace zc::daemon {

Backgrounder::Backgrounder(const std::filesystem::path& log_file) {
    std::error_code ec;
    std::filesystem::create_directories(log_file.parent_path(), ec);
    const int log_fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (log_fd < 0)
        throw std::runtime_error("cannot open log file " + log_file.string() + ": " +
                                 std::strerror(errno));
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe failed");
    const pid_t pid = ::fork();
    if (pid < 0)
        throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
    if (pid > 0) {
        ::close(fds[1]);
        ::close(log_fd);
        char verdict = 0;
        ssize_t n;
        do
            n = ::read(fds[0], &verdict, 1);
        while (n < 0 && errno == EINTR);
        if (n == 1 && verdict == 'R')
            std::_Exit(0);
        std::fprintf(stderr, "zipcatcherd: start-up failed; see %s\n", log_file.c_str());
        std::_Exit(1);
    }
    ::close(fds[0]);
    fd_ = fds[1];
    ::setsid();
    const int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null_fd >= 0) {
        ::dup2(null_fd, STDIN_FILENO);
        ::dup2(null_fd, STDOUT_FILENO);
        ::close(null_fd);
    }
    ::dup2(log_fd, STDERR_FILENO);
    ::close(log_fd);
}

Backgrounder::~Backgrounder() {
    if (fd_ >= 0)
        ::close(fd_);  // without ready(), the parent reads EOF and reports failure
}

void Backgrounder::ready() {
    if (fd_ < 0)
        return;
    const char verdict = 'R';
    [[maybe_unused]] auto n = ::write(fd_, &verdict, 1);
    ::close(fd_);
    fd_ = -1;
}

}  // namespace zc::daemon
