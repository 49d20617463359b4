#pragma once
// Request bodies of the gallery: multipart/form-data (upload, update), urlencoded and JSON
// (update). The multipart parser works on a view of the whole body (the upload body is spooled to
// a file and mapped, so 16 MiB never sits in the heap) and returns views into it.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zc::gallery {

struct Part {
    std::string name;
    std::optional<std::string> filename;  // present for file parts, may be ""
    std::string content_type;
    std::string_view data;
};

/// The boundary parameter of a multipart/form-data Content-Type, nullopt when it is not one.
std::optional<std::string> multipart_boundary(std::string_view content_type);

/// nullopt and `error` set for a malformed body. At most `max_parts` parts.
std::optional<std::vector<Part>> parse_multipart(std::string_view body, std::string_view boundary,
                                                 std::string* error = nullptr,
                                                 std::size_t max_parts = 64);

/// a=b&c=d with '+' and %XX; nullopt for a bad escape.
std::optional<std::map<std::string, std::string>> parse_urlencoded(std::string_view body);

/// Text fields of a body of any of the three kinds; nullopt when it cannot be parsed. JSON
/// values must be strings or numbers (numbers are kept as their JSON text).
std::optional<std::map<std::string, std::string>> parse_form_fields(std::string_view content_type,
                                                                    std::string_view body);

}  // namespace zc::gallery
