#include "instance_guard.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace zc::daemon {

namespace {

// Something answers on the socket: another instance that predates lock files, or a foreign
// program. Either way we must not steal it.
bool socket_answers(const std::filesystem::path& path) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

// The socket's directory is created private (0750) when missing. An existing one must belong
// to us or to root: a directory someone else made in advance (e.g. /tmp/zipcatcher-<uid> on a
// machine without XDG_RUNTIME_DIR) would let them replace our socket.
void ensure_socket_dir(const std::filesystem::path& dir) {
    std::error_code ec;
    if (!std::filesystem::exists(dir, ec)) {
        std::filesystem::create_directories(dir.parent_path(), ec);
        if (::mkdir(dir.c_str(), 0750) != 0 && errno != EEXIST)
            throw std::runtime_error("cannot create " + dir.string() + ": " + std::strerror(errno));
    }
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0)
        throw std::runtime_error("cannot use " + dir.string() + ": " + std::strerror(errno));
    if (!S_ISDIR(st.st_mode))
        throw std::runtime_error(dir.string() + " is not a directory");
    if (st.st_uid != ::geteuid() && st.st_uid != 0)
        throw std::runtime_error("refusing the socket directory " + dir.string() +
                                 ": it belongs to uid " + std::to_string(st.st_uid) +
                                 ", not to this user");
}

}  // namespace

InstanceGuard::InstanceGuard(const std::filesystem::path& socket_path)
    : lock_path_(socket_path.string() + ".lock") {
    if (socket_path.string().size() >= sizeof(sockaddr_un{}.sun_path))
        throw std::runtime_error("control socket path is too long (max " +
                                 std::to_string(sizeof(sockaddr_un{}.sun_path) - 1) +
                                 " bytes): " + socket_path.string());
    std::error_code ec;
    ensure_socket_dir(socket_path.parent_path());
    fd_ = ::open(lock_path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd_ < 0)
        throw std::runtime_error("cannot open lock file " + lock_path_.string() + ": " +
                                 std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        ::close(fd_);
        fd_ = -1;
        if (err == EWOULDBLOCK)
            throw std::runtime_error("another zipcatcherd is already running on " +
                                     socket_path.string());
        throw std::runtime_error("cannot lock " + lock_path_.string() + ": " + std::strerror(err));
    }
    if (std::filesystem::exists(std::filesystem::symlink_status(socket_path))) {
        if (socket_answers(socket_path)) {
            ::close(fd_);
            fd_ = -1;
            throw std::runtime_error("another process is serving " + socket_path.string());
        }
        std::filesystem::remove(socket_path, ec);
        if (ec)
            throw std::runtime_error("cannot remove stale socket " + socket_path.string() + ": " +
                                     ec.message());
        removed_stale_ = true;
    }
}

InstanceGuard::~InstanceGuard() {
    if (fd_ < 0)
        return;
    // Unlink before unlocking: a new instance then always creates a fresh lock file.
    std::error_code ec;
    std::filesystem::remove(lock_path_, ec);
    ::close(fd_);
}

}  // namespace zc::daemon
