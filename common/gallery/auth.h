#pragma once
// Bearer-token check for gallery writes, in the original's order and with its texts. The token
// comparison runs in constant time over SHA-256 digests, so neither the content nor the length of
// the configured token leaks through timing.
#include <optional>
#include <string_view>

namespace zc::gallery {

enum class AuthResult { kOk, kDisabled, kMissing, kMalformed, kWrong };

/// `header`: the Authorization header value, nullopt when absent. `configured`: empty = writes
/// are disabled (read-only gallery).
AuthResult check_bearer(std::optional<std::string_view> header, std::string_view configured);

/// Constant-time equality of two secrets of any length.
bool tokens_equal(std::string_view a, std::string_view b);

/// HTTP status for a failed check (403 disabled, 401 otherwise).
int auth_status(AuthResult r);
/// The JSON "error" text, as the original worded it. Never contains the token.
const char* auth_error_text(AuthResult r);

}  // namespace zc::gallery
