#pragma once
// Reading configuration files and checking who else can read them.
#include <filesystem>
#include <optional>
#include <string>

namespace zc::config {

struct FileText {
    enum class Status { Ok, Missing, Failed };
    Status status = Status::Ok;
    std::string text;
    std::string error;  // for Failed/Missing: "No such file or directory", "is a directory"...
};

/// Whole file; refuses directories and anything over 4 MiB (a config file is never that big,
/// and /dev/zero must not hang the daemon).
FileText read_text_file(const std::filesystem::path& path);

/// st_mode & 077 of the file (0 = private), nullopt when stat fails.
/// Permission bits through which someone other than the owner and the daemon can reach the file:
/// group and other bits, except group-read when the file's group is our effective group.
std::optional<unsigned> group_other_mode_bits(const std::filesystem::path& path);
/// Full permission bits (st_mode & 07777), for messages.
std::optional<unsigned> mode_bits(const std::filesystem::path& path);

}  // namespace zc::config
