#pragma once
// The readsb family (aircraft.json, the readsb APIs, adsb.fi v2) parsed by a single scan of the
// text, without building a JSON document: a local receiver's aircraft.json of 5,000 aircraft
// is parsed every second, and the DOM costs ~25 times more (docs/performance.md).
//
// It vouches only for what it fully understands: strict JSON whose strings are plain ASCII
// without escapes, numbers a double holds, and the readsb shape. For anything else
// (malformed text, escapes, a document-level error, another format) it returns nullopt and
// the caller uses the DOM parser, which alone writes the error texts. Where it answers, the
// result equals the DOM parser's field for field (tests/unit/flights/test_readsb_fast.cpp).
#include <optional>
#include <string_view>

#include "flights/parse_result.h"

namespace zc::flights {

enum class FastMode {
    kReadsb,  // as parse_readsb: the document is taken to be the readsb family
    kDetect,  // as parse_flights: only when detect_format would choose the readsb family
};

std::optional<ParseResult> parse_readsb_fast(std::string_view text, FastMode mode);

}  // namespace zc::flights
