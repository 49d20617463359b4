#pragma once
// TEST-ONLY: a throwaway RSA key pair made at test time for the simulator's challenge-response.
// Nothing here is, or may be used as, a real Seestar key.
#include <filesystem>
#include <string>

namespace zc::sim {

struct TestKeyPair {
    std::filesystem::path private_key;  // PEM, mode 0600
    std::string public_pem;
    std::filesystem::path public_key;
};

/// Generates a fresh 2048-bit pair and writes both halves into `dir`.
TestKeyPair make_test_key_pair(const std::filesystem::path& dir);

}  // namespace zc::sim
