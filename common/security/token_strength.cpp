#include "security/token_strength.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <string>
#include <vector>

namespace zc::security {

namespace {

// Smallest p such that the text is its first p characters repeated (possibly cut short at the
// end): "abcabca" -> 3, "aaaa" -> 1, random text -> its length.
std::size_t period(std::string_view s) {
    // Knuth-Morris-Pratt failure function: the longest proper border gives the period.
    std::vector<std::size_t> fail(s.size() + 1, 0);
    std::size_t k = 0;
    for (std::size_t i = 1; i < s.size(); ++i) {
        while (k > 0 && s[i] != s[k])
            k = fail[k];
        if (s[i] == s[k])
            ++k;
        fail[i + 1] = k;
    }
    const std::size_t p = s.size() - fail[s.size()];
    // Only a block repeated at least twice is a repetition; "abcab" is not "abc" repeated.
    return p * 2 <= s.size() ? p : s.size();
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

double estimate_token_bits(std::string_view token) {
    while (!token.empty() && token.back() == '=')
        token.remove_suffix(1);
    if (token.empty())
        return 0;
    bool digit = false, low = false, up = false, b64sym = false, punct = false, high = false;
    bool hex_low = true, hex_up = true;
    std::array<bool, 256> seen{};
    std::size_t distinct = 0;
    for (char ch : token) {
        const auto c = static_cast<unsigned char>(ch);
        if (!seen[c]) {
            seen[c] = true;
            ++distinct;
        }
        const bool is_digit = c >= '0' && c <= '9';
        const bool is_low = c >= 'a' && c <= 'z';
        const bool is_up = c >= 'A' && c <= 'Z';
        digit |= is_digit;
        low |= is_low;
        up |= is_up;
        if (c >= 0x80)
            high = true;
        else if (c == '+' || c == '/' || c == '-' || c == '_')
            b64sym = true;
        else if (!is_digit && !is_low && !is_up)
            punct = true;
        hex_low &= is_digit || (c >= 'a' && c <= 'f');
        hex_up &= is_digit || (c >= 'A' && c <= 'F');
    }
    double pool = (digit ? 10 : 0) + (low ? 26 : 0) + (up ? 26 : 0) + (b64sym ? 2 : 0) +
                  (punct ? 33 : 0) + (high ? 128 : 0);
    // Both cases of letters: a generator's alphabet (base64, alphanumerics), which has digits
    // too even when a draw happens to contain none (one 32-byte base64 token in 1,400).
    if (low && up && !digit)
        pool += 10;
    if ((hex_low || hex_up) && (low || up))
        pool = 16;
    const double per_char =
        std::min(std::log2(pool), std::log2(static_cast<double>(distinct)) + 2.0);
    return static_cast<double>(period(token)) * per_char;
}

bool is_sample_token(std::string_view token) {
    const std::string t = lower(token);
    static const std::array<std::string_view, 24> exact = {
        "your_generated_token_here",  // the seed's SECURITY.md and the original's .env.mock
        "your_token_here",
        "your-token-here",
        "<token>",
        "<your token>",
        "token",
        "secret",
        "password",
        "passw0rd",
        "changeme",
        "change-me",
        "change_me",
        "changethis",
        "test",
        "testing",
        "example",
        "sample",
        "default",
        "admin",
        "gallery",
        "zipcatcher",
        "flymoon",
        "123456",
        "xxxxxxxx",
    };
    if (std::find(exact.begin(), exact.end(), t) != exact.end())
        return true;
    // Placeholders in the shapes documentation uses: your_..._here, <...>, "changeme" inside.
    if (t.size() > 8 && t.starts_with("your") && t.ends_with("here"))
        return true;
    if (t.size() > 2 && t.front() == '<' && t.back() == '>')
        return true;
    for (std::string_view word : {"changeme", "change_me", "change-me", "placeholder",
                                  "example_token", "example-token", "replace_me", "replace-me"})
        if (t.find(word) != std::string::npos)
            return true;
    return false;
}

}  // namespace zc::security
