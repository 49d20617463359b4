#pragma once
// The firmware >= 7.18 challenge-response: sign the challenge from `get_verify_str` with the
// operator's RSA private key (PKCS#1 v1.5 over SHA-1), base64-encoded, for `verify_client`.
// The key is read from the file each time and never logged or kept.
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace zc::seestar {

/// what() says what is wrong and what to do; it never contains key material.
struct AuthError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Throws AuthError when the path is empty, unreadable, or not an RSA private key in PEM.
std::string sign_challenge(const std::filesystem::path& key_file, std::string_view challenge);

/// Checks a signature against a PEM public key (used by the simulator).
bool verify_signature(const std::string& public_key_pem, std::string_view data,
                      std::string_view signature_base64);

std::string base64_encode(std::string_view bytes);
/// Empty on invalid input.
std::string base64_decode(std::string_view text);

}  // namespace zc::seestar
