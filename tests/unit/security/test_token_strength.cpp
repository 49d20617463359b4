// The gallery token estimate: the documented generators pass, human-made and degenerate tokens
// do not, and the published sample values are recognised.
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "security/token_strength.h"

using namespace zc::security;

namespace {

std::vector<unsigned char> random_bytes(std::size_t n) {
    std::vector<unsigned char> b(n);
    REQUIRE(RAND_bytes(b.data(), static_cast<int>(n)) == 1);
    return b;
}

// `openssl rand -base64 N`: standard base64 with padding.
std::string openssl_base64(std::size_t n) {
    const auto b = random_bytes(n);
    std::string out(4 * ((n + 2) / 3) + 1, '\0');
    const int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), b.data(),
                                    static_cast<int>(n));
    out.resize(static_cast<std::size_t>(len));
    return out;
}

// `openssl rand -hex N`.
std::string openssl_hex(std::size_t n) {
    static const char* kHex = "0123456789abcdef";
    std::string out;
    for (unsigned char c : random_bytes(n)) {
        out += kHex[c >> 4];
        out += kHex[c & 15];
    }
    return out;
}

// Python's secrets.token_urlsafe(N): base64url without padding.
std::string token_urlsafe(std::size_t n) {
    std::string s = openssl_base64(n);
    for (auto& c : s)
        c = c == '+' ? '-' : c == '/' ? '_' : c;
    while (!s.empty() && s.back() == '=')
        s.pop_back();
    return s;
}

}  // namespace

TEST_CASE("tokens from the documented generators estimate at least 256 bits") {
    // Many samples: the estimate must hold for every draw, not for a lucky one.
    for (int i = 0; i < 2000; ++i) {
        const auto b64 = openssl_base64(32), hex = openssl_hex(32), url = token_urlsafe(32);
        INFO(b64 << " " << hex << " " << url);
        REQUIRE(estimate_token_bits(b64) >= kStrongBits);
        REQUIRE(estimate_token_bits(hex) >= kStrongBits);
        REQUIRE(estimate_token_bits(url) >= kStrongBits);
    }
}

TEST_CASE("16 random bytes are between the weak and the strong threshold") {
    for (int i = 0; i < 200; ++i) {
        const auto hex = openssl_hex(16), b64 = openssl_base64(16);
        INFO(hex << " " << b64);
        CHECK(estimate_token_bits(hex) >= kWeakBits);
        CHECK(estimate_token_bits(hex) < kStrongBits);
        // base64 of 16 bytes lands within a few bits of the weak line depending on which
        // character classes a draw happens to use, so only the upper bound is stable.
        CHECK(estimate_token_bits(b64) < kStrongBits);
    }
}

TEST_CASE("the estimate follows the character classes") {
    // 40 digits: log2(10) each; 40 lower-case letters: log2(26) each.
    CHECK(estimate_token_bits("8203748561029384756102938475610293847561") ==
          Approx(40 * std::log2(10.0)));
    CHECK(estimate_token_bits("qwhdkeoasjfnvbrtyuiopzxcmlkjhgfdsaqwerty") ==
          Approx(40 * std::log2(26.0)));
    // Hex is 4 bits per character even though it mixes digits and letters.
    CHECK(estimate_token_bits("0123456789abcdef0f1e2d3c4b5a69788796a5b4") == Approx(40 * 4.0));
    // Base64 padding carries nothing.
    CHECK(estimate_token_bits("QUJDREVGR0hJSktMTU5PUFFSU1RVVldY==") ==
          Approx(estimate_token_bits("QUJDREVGR0hJSktMTU5PUFFSU1RVVldY")));
    CHECK(estimate_token_bits("") == 0);
    CHECK(estimate_token_bits("====") == 0);
}

TEST_CASE("repetition and tiny alphabets do not count as length") {
    const std::string a64(64, 'a');
    CHECK(estimate_token_bits(a64) < kWeakBits);
    std::string abc;
    for (int i = 0; i < 30; ++i)
        abc += "abc";
    // One block of three characters, each capped at log2(3) + 2 bits.
    CHECK(estimate_token_bits(abc) == Approx(3 * (std::log2(3.0) + 2.0)));
    std::string pattern;
    for (int i = 0; i < 8; ++i)
        pattern += "Xk9#mQ2$";
    CHECK(estimate_token_bits(pattern) < kWeakBits);
    // Mostly one character: capped by log2(distinct) + 2 per character.
    CHECK(estimate_token_bits(std::string(63, 'a') + "b") == Approx(64 * 3.0));
}

TEST_CASE("human-made tokens are weak") {
    CHECK(estimate_token_bits("mysecretpassword1") < kWeakBits);
    CHECK(estimate_token_bits("Tr0ub4dor&3") < kWeakBits);
    CHECK(estimate_token_bits("bench-token-0123456789abcdefghij") < kStrongBits);
}

TEST_CASE("published sample values are recognised in any case") {
    for (const char* s : {"your_generated_token_here", "YOUR_GENERATED_TOKEN_HERE", "changeme",
                          "ChangeMe", "change_me", "secret", "password", "token", "<token>",
                          "your-gallery-token-here", "please-changeme-now", "example", "test"})
        CHECK(is_sample_token(s));
    for (int i = 0; i < 100; ++i)
        CHECK_FALSE(is_sample_token(openssl_base64(32)));
    CHECK_FALSE(is_sample_token("correct-horse-battery-staple"));
}
