#pragma once
// Helpers for the config tests: a private temporary directory and a load() that never looks at
// the real /etc, the real home or the real environment.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "config/config.h"

namespace zc::config::test {

class TempDir {
  public:
    TempDir() {
        std::random_device rd;
        path_ = std::filesystem::temp_directory_path() /
                ("zc-config-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }

    /// Writes a file (mode 0600 unless told otherwise) and returns its path.
    std::filesystem::path write(const std::string& name, const std::string& text,
                                unsigned mode = 0600) const {
        const auto p = path_ / name;
        std::filesystem::create_directories(p.parent_path());
        {
            std::ofstream out(p, std::ios::binary | std::ios::trunc);
            out << text;
        }
        ::chmod(p.c_str(), static_cast<mode_t>(mode));
        return p;
    }

  private:
    std::filesystem::path path_;
};

/// Options that read only what the test gives: HOME points into the temp dir.
inline LoadOptions isolated(const TempDir& dir) {
    LoadOptions o;
    o.environment = {{"HOME", (dir.path() / "home").string()}};
    o.read_default_files = false;
    return o;
}

inline bool mentions(const LoadResult& r, const std::string& text) {
    for (const auto& d : r.diagnostics) {
        if (d.message.find(text) != std::string::npos) {
            return true;
        }
    }
    return false;
}

}  // namespace zc::config::test
