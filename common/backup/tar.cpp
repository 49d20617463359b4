#include "backup/tar.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <vector>

namespace zc::backup {

namespace {

// ustar header field offsets and lengths (POSIX.1-1988, "ustar Interchange Format").
constexpr std::size_t kName = 0, kNameLen = 100;
constexpr std::size_t kMode = 100, kUid = 108, kGid = 116;
constexpr std::size_t kSize = 124, kMtime = 136, kChksum = 148, kType = 156;
constexpr std::size_t kLink = 157, kLinkLen = 100;
constexpr std::size_t kMagic = 257, kVersion = 263, kUname = 265, kGname = 297;
constexpr std::size_t kPrefix = 345, kPrefixLen = 155;

constexpr std::uint64_t kMaxOctal11 = 077777777777ull;  // 8 GiB - 1

[[noreturn]] void fail_errno(const char* what) {
    throw TarError(fmt::format("{}: {}", what, std::strerror(errno)));
}

void put_octal(char* field, std::size_t len, std::uint64_t value) {
    // len-1 octal digits, zero-padded, then NUL.
    const std::string digits = fmt::format("{:0{}o}", value, len - 1);
    std::memcpy(field, digits.data(), len - 1);
    field[len - 1] = '\0';
}

std::uint64_t parse_octal(const char* field, std::size_t len, const char* what) {
    std::size_t i = 0;
    while (i < len && field[i] == ' ')
        ++i;
    if (i < len && (static_cast<unsigned char>(field[i]) & 0x80) != 0)
        throw TarError(fmt::format("unsupported base-256 {} field in a tar header", what));
    std::uint64_t v = 0;
    bool any = false;
    for (; i < len && field[i] >= '0' && field[i] <= '7'; ++i) {
        if (v > (~std::uint64_t{0} >> 3))
            throw TarError(fmt::format("{} field out of range in a tar header", what));
        v = v * 8 + static_cast<std::uint64_t>(field[i] - '0');
        any = true;
    }
    for (; i < len; ++i)
        if (field[i] != ' ' && field[i] != '\0')
            throw TarError(fmt::format("malformed {} field in a tar header", what));
    if (!any && std::string_view(field, len).find_first_not_of(std::string_view("\0 ", 2)) !=
                    std::string_view::npos)
        throw TarError(fmt::format("malformed {} field in a tar header", what));
    return v;
}

std::string field_string(const char* field, std::size_t len) {
    return std::string(field, strnlen(field, len));
}

unsigned checksum(const char* block) {
    unsigned sum = 0;
    for (std::size_t i = 0; i < kBlock; ++i) {
        const bool in_chksum = i >= kChksum && i < kChksum + 8;
        sum += in_chksum ? static_cast<unsigned>(' ') : static_cast<unsigned char>(block[i]);
    }
    return sum;
}

// "<len> key=value\n", where <len> counts the whole record including its own digits.
std::string pax_record(std::string_view key, std::string_view value) {
    const std::size_t body = key.size() + value.size() + 3;  // ' ', '=', '\n'
    std::size_t len = body + 1;
    while (std::to_string(len).size() + body != len)
        len = std::to_string(len).size() + body;
    return fmt::format("{} {}={}\n", len, key, value);
}

// ustar stores long paths as prefix + '/' + name; the split must fall on a slash.
std::optional<std::pair<std::string, std::string>> ustar_split(const std::string& path) {
    if (path.size() <= kNameLen)
        return std::pair{std::string(), path};
    for (std::size_t slash = path.find('/'); slash != std::string::npos;
         slash = path.find('/', slash + 1)) {
        if (slash > kPrefixLen)
            break;
        const std::size_t name_len = path.size() - slash - 1;
        if (name_len > 0 && name_len <= kNameLen)
            return std::pair{path.substr(0, slash), path.substr(slash + 1)};
    }
    return std::nullopt;
}

}  // namespace

// ---- writer

TarWriter::TarWriter(int fd) : fd_(fd) {}

void TarWriter::put(const void* data, std::size_t n) {
    const char* p = static_cast<const char*>(data);
    while (n > 0) {
        const ssize_t w = ::write(fd_, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            fail_errno("writing the archive");
        }
        p += w;
        n -= static_cast<std::size_t>(w);
        offset_ += static_cast<std::uint64_t>(w);
    }
}

void TarWriter::header(const std::string& name, const std::string& prefix, char type,
                       std::uint64_t size, unsigned mode, std::int64_t mtime) {
    std::array<char, kBlock> b{};
    std::memcpy(&b[kName], name.data(), std::min(name.size(), kNameLen));
    put_octal(&b[kMode], 8, mode & 07777u);
    put_octal(&b[kUid], 8, 0);
    put_octal(&b[kGid], 8, 0);
    put_octal(&b[kSize], 12, size > kMaxOctal11 ? 0 : size);
    put_octal(&b[kMtime], 12,
              static_cast<std::uint64_t>(std::clamp<std::int64_t>(mtime, 0, kMaxOctal11)));
    b[kType] = type;
    std::memcpy(&b[kMagic], "ustar", 6);  // with its NUL
    std::memcpy(&b[kVersion], "00", 2);
    std::memcpy(&b[kUname], "zipcatcher", 10);
    std::memcpy(&b[kGname], "zipcatcher", 10);
    std::memcpy(&b[kPrefix], prefix.data(), std::min(prefix.size(), kPrefixLen));
    const std::string sum = fmt::format("{:06o}", checksum(b.data()));
    std::memcpy(&b[kChksum], sum.data(), 6);
    b[kChksum + 6] = '\0';
    b[kChksum + 7] = ' ';
    put(b.data(), b.size());
}

void TarWriter::begin_file(const std::string& path, std::uint64_t size, unsigned mode,
                           std::int64_t mtime) {
    if (in_member_)
        throw TarError("tar writer: begin_file inside a member");
    if (path.empty() || path.find('\0') != std::string::npos)
        throw TarError("tar writer: empty path or NUL in a path");
    auto split = ustar_split(path);
    if (!split || size > kMaxOctal11) {
        std::string records;
        if (!split)
            records += pax_record("path", path);
        if (size > kMaxOctal11)
            records += pax_record("size", std::to_string(size));
        // The pax header's own name is informational; readers use the records.
        header("PaxHeader/member", "", 'x', records.size(), 0644, mtime);
        put(records.data(), records.size());
        const std::size_t pad = (kBlock - records.size() % kBlock) % kBlock;
        static constexpr std::array<char, kBlock> zeros{};
        put(zeros.data(), pad);
        // A truncated fallback name for readers that ignore pax.
        if (!split)
            split = std::pair{std::string(), path.substr(path.size() - kNameLen)};
    }
    header(split->second, split->first, '0', size, mode, mtime);
    in_member_ = true;
    remaining_ = size;
    member_size_ = size;
}

void TarWriter::write(const void* data, std::size_t n) {
    if (!in_member_ || n > remaining_)
        throw TarError("tar writer: more content than the header announced");
    put(data, n);
    remaining_ -= n;
}

void TarWriter::end_file() {
    if (!in_member_ || remaining_ != 0)
        throw TarError("tar writer: less content than the header announced");
    static constexpr std::array<char, kBlock> zeros{};
    put(zeros.data(), static_cast<std::size_t>((kBlock - member_size_ % kBlock) % kBlock));
    in_member_ = false;
}

void TarWriter::add_file(const std::string& path, std::string_view data, unsigned mode,
                         std::int64_t mtime) {
    begin_file(path, data.size(), mode, mtime);
    write(data.data(), data.size());
    end_file();
}

void TarWriter::finish() {
    if (in_member_)
        throw TarError("tar writer: finish inside a member");
    static constexpr std::array<char, 2 * kBlock> zeros{};
    put(zeros.data(), zeros.size());
}

void TarWriter::rewind(std::uint64_t offset) {
    if (offset > offset_ || offset % kBlock != 0)
        throw TarError("tar writer: rewind to a position that is not a member boundary");
    if (::ftruncate(fd_, static_cast<off_t>(offset)) != 0 ||
        ::lseek(fd_, static_cast<off_t>(offset), SEEK_SET) < 0)
        fail_errno("rewinding the archive");
    offset_ = offset;
    in_member_ = false;
    remaining_ = 0;
}

// ---- reader

TarReader::TarReader(int fd) : fd_(fd) {}

void TarReader::read_exact(char* data, std::size_t n) {
    std::size_t got = 0;
    while (got < n) {
        const ssize_t r = ::read(fd_, data + got, n - got);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            fail_errno("reading the archive");
        }
        if (r == 0)
            throw TarError("the archive is truncated");
        got += static_cast<std::size_t>(r);
    }
}

bool TarReader::read_block(char* block) {
    std::size_t got = 0;
    while (got < kBlock) {
        const ssize_t r = ::read(fd_, block + got, kBlock - got);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            fail_errno("reading the archive");
        }
        if (r == 0) {
            if (got == 0)
                return false;
            throw TarError("the archive is truncated");
        }
        got += static_cast<std::size_t>(r);
    }
    return true;
}

void TarReader::skip_rest() {
    std::vector<char> buf(64 * 1024);
    std::uint64_t left = remaining_ + padding_;
    while (left > 0) {
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
        read_exact(buf.data(), n);
        left -= n;
    }
    remaining_ = padding_ = 0;
}

std::optional<TarEntry> TarReader::next() {
    skip_rest();
    std::optional<std::string> pax_path, pax_link;
    std::optional<std::uint64_t> pax_size;
    for (;;) {
        std::array<char, kBlock> b{};
        if (!read_block(b.data()))
            return std::nullopt;  // EOF without the marker: what some writers produce
        if (std::all_of(b.begin(), b.end(), [](char c) { return c == '\0'; }))
            return std::nullopt;
        const std::string_view magic(&b[kMagic], 5);
        if (magic != "ustar")
            throw TarError("not a tar archive (no ustar header)");
        const auto stored = parse_octal(&b[kChksum], 8, "checksum");
        if (stored != checksum(b.data()))
            throw TarError("tar header checksum mismatch (corrupt archive)");
        TarEntry e;
        e.type = b[kType] == '\0' ? '0' : b[kType];
        e.size = parse_octal(&b[kSize], 12, "size");
        e.mode = static_cast<unsigned>(parse_octal(&b[kMode], 8, "mode") & 07777u);
        e.mtime = static_cast<std::int64_t>(parse_octal(&b[kMtime], 12, "mtime"));
        const std::string name = field_string(&b[kName], kNameLen);
        const std::string prefix = field_string(&b[kPrefix], kPrefixLen);
        e.path = prefix.empty() ? name : prefix + "/" + name;
        e.linkname = field_string(&b[kLink], kLinkLen);
        if (e.type == 'x' || e.type == 'g') {
            if (e.size > (1u << 20))
                throw TarError("pax header larger than 1 MiB");
            std::string data(static_cast<std::size_t>(e.size), '\0');
            read_exact(data.data(), data.size());
            const std::size_t pad = (kBlock - data.size() % kBlock) % kBlock;
            std::array<char, kBlock> skip{};
            read_exact(skip.data(), pad);
            if (e.type == 'g')
                continue;  // global defaults: nothing we write or need
            parse_pax(data, [&](std::string_view k, std::string_view v) {
                if (k == "path")
                    pax_path = std::string(v);
                else if (k == "linkpath")
                    pax_link = std::string(v);
                else if (k == "size") {
                    std::uint64_t s = 0;
                    for (char c : v) {
                        if (c < '0' || c > '9' || s > (~std::uint64_t{0}) / 10 - 9)
                            throw TarError("malformed pax size record");
                        s = s * 10 + static_cast<std::uint64_t>(c - '0');
                    }
                    if (v.empty())
                        throw TarError("malformed pax size record");
                    pax_size = s;
                }
            });
            continue;
        }
        if (pax_path)
            e.path = *pax_path;
        if (pax_link)
            e.linkname = *pax_link;
        if (pax_size)
            e.size = *pax_size;
        // Links and directories carry no content, whatever their size field says.
        if (e.type == '1' || e.type == '2' || e.type == '5')
            e.size = 0;
        remaining_ = e.size;
        padding_ = (kBlock - e.size % kBlock) % kBlock;
        return e;
    }
}

void TarReader::read(const std::function<void(const char*, std::size_t)>& sink) {
    std::vector<char> buf(64 * 1024);
    while (remaining_ > 0) {
        const std::size_t n =
            static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, buf.size()));
        read_exact(buf.data(), n);
        remaining_ -= n;
        sink(buf.data(), n);
    }
}

std::string TarReader::read_all(std::size_t cap) {
    if (remaining_ > cap)
        throw TarError(fmt::format("member larger than {} bytes", cap));
    std::string out;
    out.reserve(static_cast<std::size_t>(remaining_));
    read([&](const char* d, std::size_t n) { out.append(d, n); });
    return out;
}

void parse_pax(std::string_view data,
               const std::function<void(std::string_view, std::string_view)>& fn) {
    while (!data.empty()) {
        std::size_t len = 0, i = 0;
        for (; i < data.size() && data[i] >= '0' && data[i] <= '9'; ++i) {
            len = len * 10 + static_cast<std::size_t>(data[i] - '0');
            if (len > data.size())
                throw TarError("malformed pax record length");
        }
        if (i == 0 || i >= data.size() || data[i] != ' ' || len <= i + 1 || len > data.size() ||
            data[len - 1] != '\n')
            throw TarError("malformed pax record");
        const std::string_view rec = data.substr(i + 1, len - i - 2);
        const auto eq = rec.find('=');
        if (eq == std::string_view::npos || eq == 0)
            throw TarError("malformed pax record (no key=value)");
        fn(rec.substr(0, eq), rec.substr(eq + 1));
        data.remove_prefix(len);
    }
}

}  // namespace zc::backup
