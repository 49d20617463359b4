// The gallery's request bodies (common/gallery/form.h). Input: a Content-Type header line, then
// the body. The body goes through parse_multipart (with the header's boundary, and with a fixed
// one so that the body alone is explored), parse_form_fields and parse_urlencoded.
// Properties: never throws; a failure says why; parts are views into the body, at most
// max_parts of them; urlencoded fields re-encoded read back identically.
#include <string>

#include "fuzz_check.h"
#include "gallery/form.h"

using namespace zc::gallery;

namespace {

constexpr std::size_t kMaxParts = 8;

void check_multipart(std::string_view body, std::string_view boundary) {
    std::string error;
    const auto parts = parse_multipart(body, boundary, &error, kMaxParts);
    if (!parts) {
        FUZZ_CHECK(!error.empty());
        return;
    }
    FUZZ_CHECK(parts->size() <= kMaxParts);
    for (const auto& p : *parts) {
        // A view into the body, never a copy, never past its end.
        FUZZ_CHECK(p.data.empty() || (p.data.data() >= body.data() &&
                                      p.data.data() + p.data.size() <= body.data() + body.size()));
        // The part ends at a delimiter: its data cannot contain one.
        FUZZ_CHECK(p.data.find("\r\n--" + std::string(boundary)) == std::string_view::npos);
    }
}

std::string encode(std::string_view s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        out += '%';
        out += hex[c >> 4];
        out += hex[c & 15];
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    zc::fuzz::Reader in(zc::fuzz::as_text(data, size));
    const auto content_type = in.until('\n');
    const auto body = in.rest();

    if (const auto boundary = multipart_boundary(content_type)) {
        FUZZ_CHECK(!boundary->empty() && boundary->size() <= 70);
        check_multipart(body, *boundary);
    }
    check_multipart(body, "XyZzy");

    (void)parse_form_fields(content_type, body);  // the update route's reader: must not throw

    if (const auto fields = parse_urlencoded(body)) {
        std::string again;
        for (const auto& [k, v] : *fields) {
            if (!again.empty())
                again += '&';
            again += encode(k) + "=" + encode(v);
        }
        const auto back = parse_urlencoded(again);
        FUZZ_CHECK(back && *back == *fields);
    }
    return 0;
}
