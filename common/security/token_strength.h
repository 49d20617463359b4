#pragma once
// How strong is a gallery token? A conservative estimate from the text alone (the token itself
// never leaves this function): what an attacker who knows how such tokens are usually made
// would have to search. See docs/security.md, "Gallery token".
#include <string_view>

namespace zc::security {

/// Estimated entropy in bits:
///   effective length × bits per character
/// - trailing '=' (base64 padding) carries nothing and is dropped;
/// - a token made of a repeated block ("abcabcabc") counts one block only;
/// - bits per character = log2 of the alphabet the character classes present imply: digits 10,
///   lower case 26, upper case 26, the base64 symbols (+ / - _) 2, any other ASCII punctuation or
///   space 33, any non-ASCII byte 128; a token of hex digits only is 16, not 36; a token with
///   both upper and lower case counts the digits too (a generator's alphabet, whichever
///   characters one draw happens to contain);
/// - but never more than log2(distinct characters) + 2, so that "aaaa...ab" is not "long".
/// `openssl rand -base64 32`, `openssl rand -hex 32` and Python's `secrets.token_urlsafe(32)` all
/// give >= 256 bits.
double estimate_token_bits(std::string_view token);

/// A value published as an example: the seed's "your_generated_token_here", "changeme",
/// "secret", any "your_..._here" placeholder... (case-insensitive).
bool is_sample_token(std::string_view token);

/// The thresholds the checklist uses: >= kStrongBits passes, >= kWeakBits warns, below fails.
inline constexpr double kStrongBits = 256;  // 32 bytes
inline constexpr double kWeakBits = 128;

}  // namespace zc::security
