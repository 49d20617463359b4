#pragma once
// A fresh directory under /tmp for one test, removed with everything in it afterwards.
// Short paths on purpose: Unix socket paths are limited to 107 bytes.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace zc::test {

class TempDir {
  public:
    TempDir() {
        std::string tmpl = "/tmp/zct-XXXXXX";
        if (!::mkdtemp(tmpl.data()))
            throw std::runtime_error("mkdtemp failed");
        path_ = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

  private:
    std::filesystem::path path_;
};

}  // namespace zc::test
