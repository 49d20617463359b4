#include "gallery/auth.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <array>

namespace zc::gallery {

namespace {

std::array<unsigned char, SHA256_DIGEST_LENGTH> digest(std::string_view s) {
    std::array<unsigned char, SHA256_DIGEST_LENGTH> d{};
    SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), d.data());
    return d;
}

}  // namespace

bool tokens_equal(std::string_view a, std::string_view b) {
    // Hashing first gives equal-length inputs to CRYPTO_memcmp whatever the lengths.
    const auto da = digest(a);
    const auto db = digest(b);
    return CRYPTO_memcmp(da.data(), db.data(), da.size()) == 0;
}

AuthResult check_bearer(std::optional<std::string_view> header, std::string_view configured) {
    if (configured.empty())
        return AuthResult::kDisabled;
    if (!header)
        return AuthResult::kMissing;
    if (!header->starts_with("Bearer "))
        return AuthResult::kMalformed;
    return tokens_equal(header->substr(7), configured) ? AuthResult::kOk : AuthResult::kWrong;
}

int auth_status(AuthResult r) {
    switch (r) {
        case AuthResult::kOk:
            return 200;
        case AuthResult::kDisabled:
            return 403;
        default:
            return 401;
    }
}

const char* auth_error_text(AuthResult r) {
    switch (r) {
        case AuthResult::kOk:
            return "";
        case AuthResult::kDisabled:
            return "Gallery write operations disabled. Set gallery.auth_token (GALLERY_AUTH_TOKEN) "
                   "to enable.";
        case AuthResult::kMissing:
            return "Authorization required";
        case AuthResult::kMalformed:
            return "Invalid authorization format. Use: Bearer <token>";
        case AuthResult::kWrong:
            return "Invalid authorization token";
    }
    return "";
}

}  // namespace zc::gallery
