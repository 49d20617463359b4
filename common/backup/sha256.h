#pragma once
// Incremental SHA-256 (OpenSSL EVP) for the backup manifest.
#include <memory>
#include <string>
#include <string_view>

namespace zc::backup {

class Sha256 {
  public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;

    void update(const void* data, std::size_t n);
    void update(std::string_view s) { update(s.data(), s.size()); }
    /// Lower-case hex of the digest; the object starts over afterwards.
    std::string hex();
    void reset();

  private:
    struct Ctx;
    std::unique_ptr<Ctx> ctx_;
};

std::string sha256_hex(std::string_view data);

}  // namespace zc::backup
