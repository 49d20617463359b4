#include "config/file_access.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace zc::config {

namespace {
constexpr std::size_t kMaxFileBytes = 4 * 1024 * 1024;
}

FileText read_text_file(const std::filesystem::path& path) {
    FileText out;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        out.status = errno == ENOENT ? FileText::Status::Missing : FileText::Status::Failed;
        out.error = std::strerror(errno);
        return out;
    }
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        ::close(fd);
        out.status = FileText::Status::Failed;
        out.error = "is a directory";
        return out;
    }
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            out.status = FileText::Status::Failed;
            out.error = std::strerror(errno);
            break;
        }
        if (n == 0) {
            break;
        }
        out.text.append(buf, static_cast<std::size_t>(n));
        if (out.text.size() > kMaxFileBytes) {
            out.status = FileText::Status::Failed;
            out.error = "larger than 4 MiB";
            break;
        }
    }
    ::close(fd);
    if (out.status != FileText::Status::Ok) {
        out.text.clear();
    }
    return out;
}

std::optional<unsigned> mode_bits(const std::filesystem::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        return std::nullopt;
    }
    return static_cast<unsigned>(st.st_mode) & 07777u;
}

std::optional<unsigned> group_other_mode_bits(const std::filesystem::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        return std::nullopt;
    }
    unsigned bits = static_cast<unsigned>(st.st_mode) & 077u;
    // The packaged layout is root:zipcatcher 0640: readable by the daemon's own group only.
    // That group is the daemon, not "others", so read access for it is no exposure.
    if (st.st_gid == ::getegid()) {
        bits &= ~040u;
    }
    return bits;
}

}  // namespace zc::config
