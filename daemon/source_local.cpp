#include "source_local.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <cmath>
#include <cstring>

namespace zc::daemon {

namespace {

PullLimits local_limits(const LocalOptions& o) {
    PullLimits l;
    l.calls_per_window = 1;
    l.window = std::chrono::seconds(1);
    l.backoff.initial = std::chrono::seconds(5);
    l.backoff.max = std::chrono::seconds(300);
    l.backoff.rate_limited = std::chrono::seconds(5);
    l.timeout = o.timeout;
    return l;
}

/// Reads a whole (small, usually tmpfs) file; empty string and `error` on failure.
std::string read_capped(const std::string& path, std::size_t max, std::string& error) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        error = fmt::format("cannot read {}: {}", path, std::strerror(errno));
        return {};
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        error = fmt::format("cannot read {}: not a regular file", path);
        return {};
    }
    std::string out;
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            error = fmt::format("cannot read {}: {}", path, std::strerror(errno));
            out.clear();
            break;
        }
        if (n == 0)
            break;
        if (out.size() + static_cast<std::size_t>(n) > max) {
            error =
                fmt::format("{} is larger than sources.max_response_bytes ({} bytes)", path, max);
            out.clear();
            break;
        }
        out.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return out;
}

double distance_nm(double lat1, double lon1, double lat2, double lon2) {
    constexpr double kR = 6371.0088 / 1.852;
    const double p1 = lat1 * M_PI / 180, p2 = lat2 * M_PI / 180;
    const double dp = p2 - p1, dl = (lon2 - lon1) * M_PI / 180;
    const double a = std::sin(dp / 2) * std::sin(dp / 2) +
                     std::cos(p1) * std::cos(p2) * std::sin(dl / 2) * std::sin(dl / 2);
    return 2 * kR * std::asin(std::min(1.0, std::sqrt(a)));
}

}  // namespace

LocalSource::LocalSource(SourceContext& ctx, LocalOptions options)
    : HttpPullSource(ctx, "local", local_limits(options)), opt_(std::move(options)) {
    if (opt_.url.starts_with("file://"))
        file_ = opt_.url.substr(7);
    else if (opt_.url.starts_with('/'))
        file_ = opt_.url;
    set_display_url(opt_.url);
}

std::variant<net::HttpRequest, std::string> LocalSource::build_request(const QueryArea&) {
    net::HttpRequest r;
    r.url = opt_.url;
    r.headers = {{"Accept", "application/json"}};
    return r;
}

void LocalSource::send(net::HttpRequest request, std::function<void(Sent)> done) {
    if (file_.empty())
        return HttpPullSource::send(std::move(request), std::move(done));
    // A local file: read it now, answer from the loop like a network reply would.
    Sent s;
    std::string error;
    s.result.response.body = read_capped(file_, opt_.max_bytes, error);
    s.result.response.status = 200;
    if (!error.empty()) {
        s.error = "local: " + error;
        s.kind = "file";
    }
    boost::asio::post(ctx_.io, [done = std::move(done), s = std::move(s), a = alive()]() mutable {
        if (!a.expired())
            done(std::move(s));
    });
}

flights::ParseResult LocalSource::parse(std::string_view body) const {
    return flights::parse_readsb(body);
}

void LocalSource::filter(std::vector<flights::Fix>& fixes, const QueryArea& area) {
    outside_ = 0;
    const auto c = single_circle(area, 0);
    if (!c)
        return;  // no area: everything
    const double limit = std::max(area.radius_nm, static_cast<double>(c->radius_nm));
    const auto before = fixes.size();
    std::erase_if(fixes, [&](const flights::Fix& f) {
        return distance_nm(c->lat, c->lon, f.lat_deg, f.lon_deg) > limit;
    });
    outside_ = before - fixes.size();
}

void LocalSource::add_status(nlohmann::json& j, UtcTime) const {
    j["mode"] = file_.empty() ? "http" : "file";
    j["outside_area_last"] = outside_;
}

}  // namespace zc::daemon
