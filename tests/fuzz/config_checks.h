#pragma once
// Shared by the config fuzz targets: the entries a reader found go through what the loader does
// with each (option lookup, then parse_value: conversion, range, allowed values), and the
// problems are checked for leaked secrets. A secret's value found in a problem text is only a
// leak when it disappears once that value is replaced: the fixed wording of a message may
// contain the same letters ("expected" in a value "expect").
// (config::load itself is not run per input: it reads files and the geoid grid, which made the
// targets a hundred times slower; its file handling is covered by tests/unit/config.)
#include <algorithm>
#include <string>

#include "config/raw_entry.h"
#include "config/schema.h"
#include "config/value_parse.h"
#include "fuzz_check.h"

namespace zc::fuzz {

/// Entries and errors carry lines of the file: 1-based, never past its end.
inline void check_lines(const config::RawFile& raw, std::string_view text) {
    const auto lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
    for (const auto& e : raw.entries)
        FUZZ_CHECK(e.line >= 1 && e.line <= lines);
    for (const auto& e : raw.errors) {
        FUZZ_CHECK(e.line >= 1 && e.line <= lines);
        FUZZ_CHECK(!e.problem.empty());
    }
}

/// The value of one entry for its option: an error names a problem, and never quotes a secret.
inline void check_value(const config::OptionSpec& spec, const std::string& value) {
    const auto outcome = config::parse_value(spec, value);
    if (outcome.kind != config::ParseOutcome::Kind::Error)
        return;
    FUZZ_CHECK(!outcome.problem.empty());
    if (!spec.secret || value.size() < 4 || outcome.problem.find(value) == std::string::npos)
        return;
    const char filler = value.find('Q') == std::string::npos ? 'Q' : 'W';
    const auto again = config::parse_value(spec, std::string(value.size(), filler));
    if (again.problem.find(value) == std::string::npos) {
        std::fprintf(stderr, "secret value of %s leaked into the problem: %s\n", spec.name.c_str(),
                     outcome.problem.c_str());
        std::abort();
    }
}

/// Raw reader errors never quote the line (it might hold a secret): a secret's value (written
/// once in the text) found in an error text must still be there when the value is replaced in
/// the text, i.e. be the message's own wording. `reparse` reads a text again.
template <typename Reparse>
void check_errors_quote_no_secret(const config::RawFile& raw, std::string_view text,
                                  const std::string& value, Reparse&& reparse) {
    if (value.size() < 6)
        return;
    const auto quoted = [&](const config::RawFile& r) {
        return std::any_of(r.errors.begin(), r.errors.end(), [&](const config::RawError& e) {
            return e.problem.find(value) != std::string::npos;
        });
    };
    if (!quoted(raw))
        return;
    const auto at = text.find(value);
    if (at == std::string_view::npos || text.find(value, at + 1) != std::string_view::npos)
        return;  // escaped in the file, or written more than once: cannot be told apart
    std::string other(text);
    other.replace(at, value.size(), std::string(value.size(), value[0] == 'Q' ? 'W' : 'Q'));
    FUZZ_CHECK(quoted(reparse(other)));
}

}  // namespace zc::fuzz
