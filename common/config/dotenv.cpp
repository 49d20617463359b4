#include "config/dotenv.h"

#include <cctype>

#include "config/value_parse.h"

namespace zc::config {

namespace {

class Cursor {
  public:
    explicit Cursor(std::string_view t) : text_(t) {}
    bool done() const { return pos_ >= text_.size(); }
    char peek() const { return done() ? '\0' : text_[pos_]; }
    char take() {
        const char c = text_[pos_++];
        if (c == '\n') {
            ++line_;
        }
        return c;
    }
    int line() const { return line_; }
    void skip_blanks() {
        while (!done() && (peek() == ' ' || peek() == '\t')) {
            take();
        }
    }
    void skip_line() {
        while (!done() && take() != '\n') {
        }
    }
    std::string_view rest_of_line() const {
        const auto nl = text_.find('\n', pos_);
        return text_.substr(pos_,
                            nl == std::string_view::npos ? std::string_view::npos : nl - pos_);
    }
    bool starts_with(std::string_view s) const { return text_.substr(pos_).starts_with(s); }
    void advance(std::size_t n) {
        for (std::size_t i = 0; i < n && !done(); ++i) {
            take();
        }
    }

  private:
    std::string_view text_;
    std::size_t pos_ = 0;
    int line_ = 1;
};

bool key_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
}

// ${NAME} and ${NAME:-default}; anything else is left as written.
std::string expand(std::string_view v, const std::map<std::string, std::string>& env,
                   const std::map<std::string, std::string>& earlier) {
    std::string out;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i] == '$' && i + 1 < v.size() && v[i + 1] == '{') {
            const auto close = v.find('}', i + 2);
            if (close != std::string_view::npos) {
                std::string_view inner = v.substr(i + 2, close - i - 2);
                std::string_view fallback;
                if (const auto d = inner.find(":-"); d != std::string_view::npos) {
                    fallback = inner.substr(d + 2);
                    inner = inner.substr(0, d);
                }
                const std::string name(inner);
                if (auto it = env.find(name); it != env.end()) {
                    out += it->second;
                } else if (auto jt = earlier.find(name); jt != earlier.end()) {
                    out += jt->second;
                } else {
                    out += fallback;
                }
                i = close;
                continue;
            }
        }
        out += v[i];
    }
    return out;
}

}  // namespace

RawFile parse_dotenv(std::string_view text, const std::map<std::string, std::string>& environment) {
    RawFile out;
    std::map<std::string, std::string> earlier;
    Cursor c(text);
    while (!c.done()) {
        c.skip_blanks();
        if (c.peek() == '\n' || c.peek() == '\r' || c.peek() == '#' || c.done()) {
            c.skip_line();
            continue;
        }
        const int line = c.line();
        if (c.starts_with("export ") || c.starts_with("export\t")) {
            c.advance(7);
            c.skip_blanks();
        }
        std::string key;
        while (!c.done() && key_char(c.peek())) {
            key += c.take();
        }
        c.skip_blanks();
        if (key.empty() || (c.peek() != '=' && !trim(c.rest_of_line()).empty())) {
            // python-dotenv logs "could not parse statement" and goes on; so do we (a warning).
            out.errors.push_back({line, "could not parse this line (expected KEY=value)"});
            c.skip_line();
            continue;
        }
        if (c.peek() != '=') {
            c.skip_line();  // "KEY" alone: python-dotenv sets nothing
            continue;
        }
        c.take();
        c.skip_blanks();
        std::string value;
        bool ok = true;
        if (c.peek() == '\'' || c.peek() == '"') {
            const char quote = c.take();
            bool closed = false;
            while (!c.done()) {
                const char ch = c.take();
                if (ch == '\\' && !c.done()) {
                    const char n = c.peek();
                    if (quote == '\'' && (n == '\'' || n == '\\')) {
                        value += c.take();
                        continue;
                    }
                    if (quote == '"') {
                        const char e = n == 'n'                               ? '\n'
                                       : n == 't'                             ? '\t'
                                       : n == 'r'                             ? '\r'
                                       : (n == '"' || n == '\\' || n == '\'') ? n
                                                                              : '\0';
                        if (e != '\0') {
                            c.take();
                            value += e;
                            continue;
                        }
                    }
                    value += ch;
                    continue;
                }
                if (ch == quote) {
                    closed = true;
                    break;
                }
                value += ch;
            }
            if (!closed) {
                out.errors.push_back({line, "unterminated quoted value"});
                break;  // the rest of the file is inside the quotes
            }
            const auto after = trim(c.rest_of_line());
            if (!after.empty() && after.front() != '#') {
                out.errors.push_back({line, "unexpected text after the quoted value"});
                ok = false;
            }
            c.skip_line();
            if (quote == '"') {
                value = expand(value, environment, earlier);
            }
        } else {
            std::string_view raw = c.rest_of_line();
            c.skip_line();
            // An inline comment needs whitespace before '#': "abc#def" is a value.
            for (std::size_t i = 1; i < raw.size(); ++i) {
                if (raw[i] == '#' && (raw[i - 1] == ' ' || raw[i - 1] == '\t')) {
                    raw = raw.substr(0, i);
                    break;
                }
            }
            if (!raw.empty() && raw.front() == '#') {
                raw = {};
            }
            value = expand(trim(raw), environment, earlier);
        }
        if (ok) {
            earlier[key] = value;
            out.entries.push_back({key, std::move(value), line});
        }
    }
    return out;
}

}  // namespace zc::config
