#pragma once
// What a file reader hands to the loader: key/value text with the line it came from. Readers
// know syntax only; the loader knows options.
#include <map>
#include <string>
#include <vector>

namespace zc::config {

struct RawEntry {
    std::string key;    // config file: "section.key"; .env: the variable name
    std::string value;  // unquoted, unescaped
    int line = 0;       // 1-based line of the key
};

struct RawError {
    int line = 0;
    std::string problem;  // never quotes the line: it might hold a secret
};

struct RawFile {
    std::vector<RawEntry> entries;
    std::vector<RawError> errors;
};

}  // namespace zc::config
