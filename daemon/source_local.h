#pragma once
// A local receiver's aircraft.json (readsb, dump1090-fa, tar1090; `now` in seconds), over
// HTTP(S) (e.g. http://raspberrypi/tar1090/data/aircraft.json) or read from a file readsb keeps
// current (/run/readsb/aircraft.json, or file:///run/readsb/aircraft.json). The receiver
// rewrites it about once a second, so that is the poll limit; being on the LAN or the same
// machine, a failure backs off for only 5 s at first (doubling to 5 min). Everything the
// receiver hears is returned, so the fixes are kept only inside the query circle.
#include <cstddef>

#include "source_http.h"

namespace zc::daemon {

struct LocalOptions {
    std::string url;                   // http(s)://..., file://..., or an absolute path
    std::size_t max_bytes = 8u << 20;  // sources.max_response_bytes, for files
    std::chrono::milliseconds timeout{10000};
};

class LocalSource final : public HttpPullSource {
  public:
    LocalSource(SourceContext& ctx, LocalOptions options);

    std::variant<net::HttpRequest, std::string> build_request(const QueryArea& area) override;
    bool reads_file() const { return !file_.empty(); }
    /// Fixes dropped by the last poll for lying outside the query circle.
    std::size_t outside_area() const { return outside_; }

  protected:
    flights::ParseResult parse(std::string_view body) const override;
    void send(net::HttpRequest request, std::function<void(Sent)> done) override;
    void filter(std::vector<flights::Fix>& fixes, const QueryArea& area) override;
    void add_status(nlohmann::json& j, UtcTime now) const override;

  private:
    LocalOptions opt_;
    std::string file_;  // the path when reading a file
    std::size_t outside_ = 0;
};

}  // namespace zc::daemon
