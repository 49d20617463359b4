#include "backup/members.h"

#include <fmt/format.h>

#include "backup/backup.h"

namespace zc::backup {

bool valid_component(std::string_view c) {
    if (c.empty() || c.size() > 255 || c == "." || c == ".." || c.front() == '.')
        return false;
    for (char ch : c) {
        const auto u = static_cast<unsigned char>(ch);
        if (u <= 0x20 || u >= 0x7f || ch == '/' || ch == '\\')
            return false;
    }
    return true;
}

bool is_transit_log_name(std::string_view name) {
    if (!name.starts_with(kTransitLog))
        return false;
    for (char ch : name.substr(kTransitLog.size())) {
        const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                        (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
        if (!ok)
            return false;
    }
    return true;
}

std::vector<std::string> split_path(std::string_view path) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (;;) {
        const auto slash = path.find('/', start);
        out.emplace_back(path.substr(
            start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
        if (slash == std::string_view::npos)
            return out;
        start = slash + 1;
    }
}

std::string describe_type(char type) {
    switch (type) {
        case '1':
            return "a hard link";
        case '2':
            return "a symbolic link";
        case '3':
            return "a character device";
        case '4':
            return "a block device";
        case '5':
            return "a directory";
        case '6':
            return "a FIFO";
        case 'L':
        case 'K':
            return "a GNU long-name record";
        default:
            return fmt::format("of tar type '{}'",
                               type >= 0x21 && type < 0x7f ? std::string(1, type) : "?");
    }
}

bool valid_member_path(std::string_view path) {
    if (path.size() > 4096 || path.find('\0') != std::string_view::npos)
        return false;
    const auto parts = split_path(path);
    for (const auto& p : parts)
        if (!valid_component(p))
            return false;  // also: absolute (leading empty), "..", "//", trailing '/'
    if (parts.size() == 2 && (parts[0] == "state" || parts[0] == "logs"))
        return is_transit_log_name(parts[1]);
    // state/gallery/<at most 6 levels>/file
    return parts.size() >= 3 && parts.size() <= 9 && parts[0] == "state" && parts[1] == "gallery";
}

}  // namespace zc::backup
