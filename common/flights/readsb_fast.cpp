#include "flights/readsb_fast.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "flights/readsb_entry.h"
#include "flights/units.h"

namespace zc::flights {

namespace {

/// Thrown when the scan meets something it does not vouch for; the DOM parser decides.
struct Bail {};

constexpr int kMaxDepth = 64;

struct Number {
    std::string_view text;
    bool integer = false;
};

/// A strict JSON scanner over the text: every byte is checked against the grammar, so a
/// document it accepts is one the DOM parser accepts too.
class Scanner {
  public:
    explicit Scanner(std::string_view s) : p_(s.data()), end_(s.data() + s.size()) {}

    char peek() {
        skip_ws();
        if (p_ == end_)
            throw Bail{};
        return *p_;
    }
    bool consume(char c) {
        if (peek() != c)
            return false;
        ++p_;
        return true;
    }
    void expect(char c) {
        if (!consume(c))
            throw Bail{};
    }
    bool at_end() {
        skip_ws();
        return p_ == end_;
    }

    /// Plain ASCII without escapes or control characters; anything else is the DOM's to decode
    /// (and to validate as UTF-8).
    std::string_view string() {
        expect('"');
        const char* start = p_;
        for (;; ++p_) {
            if (p_ == end_)
                throw Bail{};
            const auto c = static_cast<unsigned char>(*p_);
            if (c == '"')
                break;
            if (c < 0x20 || c == '\\' || c >= 0x80)
                throw Bail{};
        }
        const std::string_view out(start, static_cast<std::size_t>(p_ - start));
        ++p_;
        return out;
    }

    /// The JSON number grammar. Exponents of three digits and very long mantissas are left to
    /// the DOM: they may overflow a double, which it reports as an error.
    Number number() {
        skip_ws();
        const char* start = p_;
        bool integer = true;
        if (p_ != end_ && *p_ == '-')
            ++p_;
        if (p_ != end_ && *p_ == '0')
            ++p_;
        else if (digits() == 0)
            throw Bail{};
        if (p_ != end_ && *p_ == '.') {
            ++p_;
            integer = false;
            if (digits() == 0)
                throw Bail{};
        }
        if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
            ++p_;
            integer = false;
            if (p_ != end_ && (*p_ == '+' || *p_ == '-'))
                ++p_;
            if (const auto n = digits(); n == 0 || n > 2)
                throw Bail{};
        }
        if (p_ - start > 100)
            throw Bail{};
        return {std::string_view(start, static_cast<std::size_t>(p_ - start)), integer};
    }

    void literal(std::string_view word) {
        skip_ws();
        if (static_cast<std::size_t>(end_ - p_) < word.size() ||
            std::string_view(p_, word.size()) != word)
            throw Bail{};
        p_ += word.size();
    }

    void skip_value(int depth) {
        if (depth > kMaxDepth)
            throw Bail{};
        switch (peek()) {
            case '"':
                string();
                return;
            case '{':
                ++p_;
                if (consume('}'))
                    return;
                do {
                    string();
                    expect(':');
                    skip_value(depth + 1);
                } while (consume(','));
                expect('}');
                return;
            case '[':
                ++p_;
                if (consume(']'))
                    return;
                do
                    skip_value(depth + 1);
                while (consume(','));
                expect(']');
                return;
            case 't':
                literal("true");
                return;
            case 'f':
                literal("false");
                return;
            case 'n':
                literal("null");
                return;
            default:
                number();
                return;
        }
    }

  private:
    void skip_ws() {
        while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t'))
            ++p_;
    }
    std::size_t digits() {
        const char* start = p_;
        while (p_ != end_ && *p_ >= '0' && *p_ <= '9')
            ++p_;
        return static_cast<std::size_t>(p_ - start);
    }

    const char* p_;
    const char* end_;
};

/// Clinger's fast path: up to 15 significant digits times a power of ten up to 22 are both
/// exact in a double, so one multiplication or division rounds correctly, to the value strtod
/// (the DOM) gives. Feeds write short decimals ("51.4775", "35000"), which nearly all take it.
bool small_decimal(std::string_view t, double& out) {
    static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                        1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                        1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    std::size_t i = 0;
    const bool negative = t[0] == '-';
    i += negative;
    std::uint64_t m = 0;
    int significant = 0, exp10 = 0;
    bool fraction = false;
    for (; i < t.size(); ++i) {
        const char c = t[i];
        if (c == '.') {
            fraction = true;
            continue;
        }
        if (c < '0' || c > '9')
            break;
        exp10 -= fraction;
        if (m == 0 && c == '0')
            continue;  // a leading zero
        if (++significant > 15)
            return false;
        m = m * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (i < t.size()) {  // the exponent: at most two digits (Scanner::number)
        ++i;
        const bool minus = t[i] == '-';
        i += (t[i] == '-' || t[i] == '+');
        int e = 0;
        for (; i < t.size(); ++i)
            e = e * 10 + (t[i] - '0');
        exp10 += minus ? -e : e;
    }
    double d = static_cast<double>(m);
    if (m != 0) {
        if (exp10 < -22 || exp10 > 22)
            return false;
        d = exp10 >= 0 ? d * kPow10[exp10] : d / kPow10[-exp10];
    }
    out = negative ? -d : d;
    return true;
}

/// As the DOM converts: integers through a 64-bit integer, others correctly rounded.
double to_double(const Number& n) {
    const char* first = n.text.data();
    const char* last = first + n.text.size();
    if (n.integer) {
        std::int64_t i = 0;
        const auto [ptr, ec] = std::from_chars(first, last, i);
        if (ec != std::errc{} || ptr != last)
            throw Bail{};
        return static_cast<double>(i);
    }
    double d = 0;
    if (small_decimal(n.text, d))
        return d;
    const auto [ptr, ec] = std::from_chars(first, last, d);
    if (ec != std::errc{} || ptr != last || !std::isfinite(d))
        throw Bail{};
    return d;
}

// The entry fields parse_entry_fields reads; every other key is skipped unread.
enum Key : std::uint8_t {
    kHex,
    kLat,
    kLon,
    kAltBaro,
    kAltGeom,
    kGs,
    kTrack,
    kCalcTrack,
    kGeomRate,
    kBaroRate,
    kTrackRate,
    kNavMcp,
    kNavFms,
    kNacP,
    kNacV,
    kFlight,
    kRegistration,
    kTypeDesignator,
    kType,
    kMlat,
    kTisb,
    kSeenPos,
    kSeen,
    kKeys,
};

constexpr Key key_of(std::string_view k) {
    switch (k.size()) {
        case 1:
            return k == "r" ? kRegistration : k == "t" ? kTypeDesignator : kKeys;
        case 2:
            return k == "gs" ? kGs : kKeys;
        case 3:
            return k == "hex" ? kHex : k == "lat" ? kLat : k == "lon" ? kLon : kKeys;
        case 4:
            return k == "type"   ? kType
                   : k == "mlat" ? kMlat
                   : k == "tisb" ? kTisb
                   : k == "seen" ? kSeen
                                 : kKeys;
        case 5:
            return k == "track" ? kTrack : k == "nac_p" ? kNacP : k == "nac_v" ? kNacV : kKeys;
        case 6:
            return k == "flight" ? kFlight : kKeys;
        case 8:
            return k == "alt_baro"   ? kAltBaro
                   : k == "alt_geom" ? kAltGeom
                   : k == "seen_pos" ? kSeenPos
                                     : kKeys;
        case 9:
            return k == "geom_rate" ? kGeomRate : k == "baro_rate" ? kBaroRate : kKeys;
        case 10:
            return k == "calc_track" ? kCalcTrack : k == "track_rate" ? kTrackRate : kKeys;
        case 16:
            return k == "nav_altitude_mcp" ? kNavMcp : k == "nav_altitude_fms" ? kNavFms : kKeys;
        default:
            return kKeys;
    }
}

enum class Kind : std::uint8_t { kAbsent, kNull, kNumber, kString, kBool, kArray, kObject };

struct Slot {
    std::string_view text;  // a string's characters or a number's token
    Kind kind = Kind::kAbsent;
    bool integer = false;         // a number token without fraction or exponent
    bool lists_position = false;  // an array holding "lat" or "lon" (mlat, tisb)
};

/// The reader parse_entry_fields sees: the same answers and problem texts as FieldReader.
class EntryReader {
  public:
    EntryReader(std::string_view array_name, std::size_t index)
        : array_name_(array_name), index_(index) {}

    std::array<Slot, kKeys> slots{};

    // Inlined with a literal key, key_of folds to a constant.
    const Slot& slot(std::string_view key) const { return slots[key_of(key)]; }
    static bool absent(const Slot& s) {
        return s.kind == Kind::kAbsent || s.kind == Kind::kNull ||
               (s.kind == Kind::kString && s.text == "None");
    }

    std::optional<double> number(std::string_view key) {
        const Slot& s = slot(key);
        if (absent(s))
            return std::nullopt;
        if (s.kind == Kind::kNumber)
            return to_double({s.text, s.integer});
        fail(key, "expected number");
        return std::nullopt;
    }
    std::optional<int> integer(std::string_view key) {
        const Slot& s = slot(key);
        if (absent(s))
            return std::nullopt;
        if (s.kind == Kind::kNumber && s.integer) {
            std::int64_t i = 0;
            const auto [ptr, ec] = std::from_chars(s.text.data(), s.text.data() + s.text.size(), i);
            if (ec != std::errc{})
                throw Bail{};
            return static_cast<int>(i);  // as nlohmann's get<int>() narrows
        }
        if (s.kind == Kind::kNumber) {
            const double d = to_double({s.text, false});
            if (d == std::floor(d) && std::abs(d) < 1e9)
                return static_cast<int>(d);
        }
        fail(key, "expected integer");
        return std::nullopt;
    }
    std::optional<std::string> string(std::string_view key) {
        const Slot& s = slot(key);
        if (absent(s))
            return std::nullopt;
        if (s.kind == Kind::kString)
            return std::string(s.text);
        fail(key, "expected string");
        return std::nullopt;
    }

    void fail(std::string_view key, std::string message) {
        if (!problem_)
            problem_ = Problem{path() + "." + std::string(key), std::move(message)};
    }
    bool bad() const { return problem_.has_value(); }
    std::optional<Problem> take_problem() { return std::move(problem_); }

  private:
    std::string path() const {
        return std::string(array_name_) + "[" + std::to_string(index_) + "]";
    }

    std::string_view array_name_;
    std::size_t index_;
    std::optional<Problem> problem_;
};

detail::AltBaro alt_baro_of(EntryReader& r, double& feet) {
    const Slot& s = r.slots[kAltBaro];
    if (EntryReader::absent(s))
        return detail::AltBaro::kAbsent;
    if (s.kind == Kind::kString && s.text == "ground")
        return detail::AltBaro::kGround;
    if (s.kind != Kind::kNumber)
        return detail::AltBaro::kOther;
    feet = to_double({s.text, s.integer});
    return detail::AltBaro::kFeet;
}

bool lists_position_of(EntryReader& r, std::string_view key) {
    const Slot& s = r.slot(key);
    return s.kind == Kind::kArray && s.lists_position;
}

/// An array value; for mlat/tisb, whether it lists "lat" or "lon".
bool scan_list(Scanner& sc, bool look) {
    if (!look) {
        sc.skip_value(1);
        return false;
    }
    sc.expect('[');
    if (sc.consume(']'))
        return false;
    bool found = false;
    do {
        if (sc.peek() == '"') {
            const auto v = sc.string();
            found = found || v == "lat" || v == "lon";
        } else {
            sc.skip_value(2);
        }
    } while (sc.consume(','));
    sc.expect(']');
    return found;
}

/// One aircraft object into the reader's slots (a repeated key: the last one counts, as in the
/// DOM).
void scan_entry(Scanner& sc, EntryReader& r) {
    sc.expect('{');
    if (sc.consume('}'))
        return;
    do {
        const auto name = sc.string();
        sc.expect(':');
        const Key k = key_of(name);
        if (k == kKeys) {
            sc.skip_value(1);
            continue;
        }
        Slot& s = r.slots[k];
        s = Slot{};
        switch (sc.peek()) {
            case '"':
                s.kind = Kind::kString;
                s.text = sc.string();
                break;
            case 'n':
                sc.literal("null");
                s.kind = Kind::kNull;
                break;
            case 't':
                sc.literal("true");
                s.kind = Kind::kBool;
                break;
            case 'f':
                sc.literal("false");
                s.kind = Kind::kBool;
                break;
            case '{':
                sc.skip_value(1);
                s.kind = Kind::kObject;
                break;
            case '[':
                s.kind = Kind::kArray;
                s.lists_position = scan_list(sc, k == kMlat || k == kTisb);
                break;
            default: {
                const Number n = sc.number();
                s.kind = Kind::kNumber;
                s.text = n.text;
                s.integer = n.integer;
            }
        }
    } while (sc.consume(','));
    sc.expect('}');
}

/// The aircraft array: fixes (their fix times wait for `now`), problems and counts, in the
/// order the DOM parser produces them.
void scan_aircraft(Scanner& sc, std::string_view name, ParseResult& out,
                   std::vector<double>& ages) {
    sc.expect('[');
    if (sc.consume(']'))
        return;
    std::size_t i = 0;
    do {
        ++out.entries;
        if (sc.peek() != '{') {
            sc.skip_value(1);
            out.problems.push_back(
                {std::string(name) + "[" + std::to_string(i) + "]", "expected object"});
        } else {
            EntryReader r(name, i);
            scan_entry(sc, r);
            bool has_position = false;
            double age = 0;
            auto fix = detail::parse_entry_fields(r, Feed::ReadsbLocal, has_position, age);
            if (auto p = r.take_problem()) {
                out.problems.push_back(std::move(*p));
            } else if (fix) {
                out.fixes.push_back(std::move(*fix));
                ages.push_back(age);
            } else if (!has_position) {
                ++out.without_position;
            }
        }
        ++i;
    } while (sc.consume(','));
    sc.expect(']');
}

bool starts_number(char c) {
    return c == '-' || (c >= '0' && c <= '9');
}

ParseResult scan_document(std::string_view text, FastMode mode) {
    Scanner sc(text);
    ParseResult out;
    std::vector<double> ages;
    // Real entries with a position take 250-550 bytes: one allocation for a typical document,
    // and a hostile 8 MiB body cannot make it reserve more than a few MB.
    out.fixes.reserve(text.size() / 400);
    ages.reserve(text.size() / 400);
    std::optional<Number> now;
    bool now_seen = false, has_ac = false, has_aircraft = false, has_result_count = false,
         has_states = false, has_time = false, has_flights = false;
    sc.expect('{');
    if (!sc.consume('}')) {
        do {
            const auto name = sc.string();
            sc.expect(':');
            if (name == "now") {
                if (now_seen)
                    throw Bail{};  // which one counts is the DOM's business
                now_seen = true;
                if (starts_number(sc.peek()))
                    now = sc.number();
                else
                    sc.skip_value(1);
            } else if (name == "ac" || name == "aircraft") {
                if (has_ac || has_aircraft)
                    throw Bail{};  // both, or one twice
                (name == "ac" ? has_ac : has_aircraft) = true;
                if (sc.peek() == 'n')
                    sc.literal("null");  // an empty sky
                else
                    scan_aircraft(sc, name, out, ages);
            } else {
                has_result_count = has_result_count || name == "resultCount";
                has_states = has_states || name == "states";
                has_time = has_time || name == "time";
                has_flights = has_flights || name == "flights";
                if (mode == FastMode::kDetect && (has_flights || (has_states && has_time)))
                    throw Bail{};  // OpenSky or FlightAware
                sc.skip_value(1);
            }
        } while (sc.consume(','));
        sc.expect('}');
    }
    if (!sc.at_end())
        throw Bail{};
    if (mode == FastMode::kDetect && !has_ac && !has_aircraft)
        throw Bail{};
    if (!now)
        throw Bail{};  // missing or not a number: the DOM words the error
    double now_s = to_double(*now);
    if (now_s > units::kMillisecondThreshold)
        now_s /= 1000.0;
    out.document_time = detail::unix_time(now_s);
    if (!out.document_time)
        throw Bail{};

    out.format = has_ac             ? Format::ReadsbApi
                 : has_result_count ? Format::AdsbFiV2
                                    : Format::ReadsbAircraftJson;
    const Feed feed = out.format == Format::ReadsbApi  ? Feed::ReadsbApi
                      : out.format == Format::AdsbFiV2 ? Feed::AdsbFi
                                                       : Feed::ReadsbLocal;
    for (std::size_t i = 0; i < out.fixes.size(); ++i) {
        const auto t = detail::unix_time(now_s - ages[i]);
        if (!t)
            throw Bail{};  // the DOM reports it as that entry's problem
        out.fixes[i].fix_time = *t;
        out.fixes[i].feed = feed;
    }
    return out;
}

}  // namespace

std::optional<ParseResult> parse_readsb_fast(std::string_view text, FastMode mode) {
    try {
        return scan_document(text, mode);
    } catch (const Bail&) {
        return std::nullopt;
    }
}

}  // namespace zc::flights
