#include "gallery/fs_util.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>  // renameat2
#include <sys/mman.h>

#include <atomic>
#include <cerrno>
#include <chrono>

namespace zc::gallery {

UniqueFd open_dir(int parent, const std::string& name, bool create) {
    if (create && ::mkdirat(parent, name.c_str(), 0755) != 0 && errno != EEXIST)
        return UniqueFd();
    return UniqueFd(
        ::openat(parent, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
}

UniqueFd open_regular(int dir, const std::string& name, struct stat* st) {
    // O_NONBLOCK: opening a FIFO planted in the tree must not hang the event loop.
    UniqueFd fd(::openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
    if (!fd)
        return fd;
    struct stat local {};
    struct stat* s = st ? st : &local;
    if (::fstat(fd.get(), s) != 0 || !S_ISREG(s->st_mode)) {
        errno = ENOENT;
        return UniqueFd();
    }
    return fd;
}

bool entry_exists(int dir, const std::string& name) {
    struct stat st {};
    return ::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
}

namespace {

std::string temp_name() {
    static std::atomic<unsigned> counter{0};
    const auto t = std::chrono::steady_clock::now().time_since_epoch().count();
    return std::string(kTempPrefix) + std::to_string(::getpid()) + "-" + std::to_string(counter++) +
           "-" + std::to_string(t % 1000000007) + ".tmp";
}

bool write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const auto n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

}  // namespace

bool write_atomic(int dir, const std::string& name, std::string_view data, bool no_replace) {
    std::string tmp;
    UniqueFd fd;
    for (int attempt = 0; attempt < 16 && !fd; ++attempt) {
        tmp = temp_name();
        fd.reset(
            ::openat(dir, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
        if (!fd && errno != EEXIST)
            return false;
    }
    if (!fd)
        return false;
    if (!write_all(fd.get(), data) || ::fsync(fd.get()) != 0) {
        const int e = errno;
        ::unlinkat(dir, tmp.c_str(), 0);
        errno = e;
        return false;
    }
    fd.reset();
    if (::renameat2(dir, tmp.c_str(), dir, name.c_str(), no_replace ? RENAME_NOREPLACE : 0) != 0) {
        const int e = errno;
        ::unlinkat(dir, tmp.c_str(), 0);
        errno = e;
        return false;
    }
    // The rename itself must survive a power cut too.
    ::fsync(dir);
    return true;
}

std::optional<std::string> read_small(int dir, const std::string& name, std::size_t cap) {
    struct stat st {};
    UniqueFd fd = open_regular(dir, name, &st);
    if (!fd || static_cast<std::size_t>(st.st_size) > cap)
        return std::nullopt;
    std::string out(static_cast<std::size_t>(st.st_size), '\0');
    std::size_t got = 0;
    while (got < out.size()) {
        const auto n = ::read(fd.get(), out.data() + got, out.size() - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += static_cast<std::size_t>(n);
    }
    out.resize(got);
    return out;
}

void for_each_entry(int dir, const std::function<void(const std::string&, bool, bool)>& fn) {
    // fdopendir takes ownership of its descriptor, so give it a duplicate.
    const int dup = ::fcntl(dir, F_DUPFD_CLOEXEC, 0);
    if (dup < 0)
        return;
    DIR* d = ::fdopendir(dup);
    if (!d) {
        ::close(dup);
        return;
    }
    ::rewinddir(d);
    while (auto* e = ::readdir(d)) {
        const std::string name = e->d_name;
        if (name == "." || name == "..")
            continue;
        bool is_dir = e->d_type == DT_DIR, is_reg = e->d_type == DT_REG;
        if (e->d_type == DT_UNKNOWN) {
            struct stat st {};
            if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
                is_dir = S_ISDIR(st.st_mode);
                is_reg = S_ISREG(st.st_mode);
            }
        }
        fn(name, is_dir, is_reg);
    }
    ::closedir(d);
}

MappedFile::MappedFile(int fd, std::size_t size) : size_(size) {
    if (size == 0) {
        ok_ = true;
        return;
    }
    addr_ = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (addr_ == MAP_FAILED) {
        addr_ = nullptr;
        size_ = 0;
        return;
    }
    ok_ = true;
}

MappedFile::~MappedFile() {
    if (addr_)
        ::munmap(addr_, size_);
}

}  // namespace zc::gallery
