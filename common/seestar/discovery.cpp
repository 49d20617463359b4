#include "seestar/discovery.h"

namespace zc::seestar {

using nlohmann::json;

namespace {
std::string string_field(const json& o, const char* key) {
    auto it = o.find(key);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}
}  // namespace

json ScanReply::to_json() const {
    json j = {{"sn", sn}, {"model", model}, {"product_model", product_model}, {"ssid", ssid}};
    if (!bssid.empty())
        j["bssid"] = bssid;
    if (is_verified)
        j["is_verified"] = *is_verified;
    if (tcp_client_num)
        j["tcp_client_num"] = *tcp_client_num;
    return j;
}

std::string encode_scan_request(std::int64_t id) {
    return json({{"id", id}, {"method", "scan_iscope"}, {"params", ""}}).dump() + "\r\n";
}

std::optional<ScanReply> parse_scan_reply(std::string_view datagram, std::string* why) {
    auto fail = [why](const std::string& text) -> std::optional<ScanReply> {
        if (why)
            *why = text;
        return std::nullopt;
    };
    std::string_view text = datagram;
    if (text.substr(0, 3) == "\xEF\xBB\xBF")
        text.remove_prefix(3);
    while (!text.empty() && (text.back() == '\r' || text.back() == '\n' || text.back() == '\0'))
        text.remove_suffix(1);
    const json j = json::parse(text, nullptr, false);
    if (j.is_discarded())
        return fail("not JSON");
    if (!j.is_object())
        return fail("not a JSON object");
    if (auto m = j.find("method"); m != j.end() && (!m->is_string() || *m != "scan_iscope"))
        return fail("field \"method\" is " + m->dump() + ", not \"scan_iscope\"");
    if (auto c = j.find("code"); c != j.end() && !c->is_null() && *c != 0)
        return fail("field \"code\" is " + c->dump());
    auto res = j.find("result");
    if (res == j.end() || !res->is_object())
        return fail("field \"result\" is missing or not an object");
    const json& r = *res;
    ScanReply out;
    out.sn = string_field(r, "sn");
    out.product_model = string_field(r, "product_model");
    out.model = string_field(r, "model");
    if (out.model.empty())
        out.model = out.product_model;
    out.ssid = string_field(r, "ssid");
    out.bssid = string_field(r, "bssid");
    if (auto it = r.find("is_verified"); it != r.end() && it->is_boolean())
        out.is_verified = it->get<bool>();
    if (auto it = r.find("tcp_client_num"); it != r.end() && it->is_number_integer())
        out.tcp_client_num = it->get<int>();
    return out;
}

}  // namespace zc::seestar
