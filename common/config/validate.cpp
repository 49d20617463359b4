#include "config/validate.h"

#include <fmt/format.h>

#include <array>

namespace zc::config {

namespace {

class Checker {
  public:
    explicit Checker(const Config& c) : c_(c) {}

    // "name = value (origin)", the way every cross-field message names its inputs.
    std::string at(std::string_view name) const {
        return fmt::format("{} = {} ({})", name, c_.display_value(name),
                           describe(c_.setting(name).origin));
    }
    bool explicit_(std::string_view name) const {
        return c_.setting(name).origin.source != Source::Default;
    }
    bool empty(std::string_view name) const { return c_.get_string(name).empty(); }
    void error(std::string m) { out_.push_back({Severity::Error, std::move(m)}); }
    void warn(std::string m) { out_.push_back({Severity::Warning, std::move(m)}); }

    void area() {
        constexpr std::array<std::string_view, 4> names = {
            "area.lat_lower_left", "area.lon_lower_left", "area.lat_upper_right",
            "area.lon_upper_right"};
        int set = 0;
        for (auto n : names) {
            set += c_.get_optional_double(n) ? 1 : 0;
        }
        if (set == 0) {
            return;
        }
        if (set != 4) {
            std::string given;
            for (auto n : names) {
                if (c_.get_optional_double(n)) {
                    given += (given.empty() ? "" : ", ") + at(n);
                }
            }
            error(
                fmt::format("the query box needs all four area.* corners or none; only {}", given));
            return;
        }
        less("area.lat_lower_left", "area.lat_upper_right", "");
        less("area.lon_lower_left", "area.lon_upper_right",
             " (boxes across the antimeridian are not supported)");
    }

    void less(std::string_view lo, std::string_view hi, std::string_view note) {
        if (c_.get_double(lo) >= c_.get_double(hi)) {
            error(fmt::format("{} must be less than {}{}", at(lo), at(hi), note));
        }
    }

    void pairs() {
        if (empty("http.tls_cert") != empty("http.tls_key")) {
            error(fmt::format("HTTPS needs both http.tls_cert and http.tls_key; only {} is set",
                              empty("http.tls_cert") ? at("http.tls_key") : at("http.tls_cert")));
        }
        if (c_.get_bool("seestar.enabled") && empty("seestar.host")) {
            warn(fmt::format("{} but seestar.host is empty: the telescope stays disconnected",
                             at("seestar.enabled")));
        }
        if (!empty("telegram.bot_token") && empty("telegram.chat_id")) {
            warn(fmt::format("{} but telegram.chat_id is empty: no alerts can be sent",
                             at("telegram.bot_token")));
        }
        if (empty("sources.opensky.client_id") != empty("sources.opensky.client_secret")) {
            warn(
                "OpenSky OAuth2 needs both sources.opensky.client_id and "
                "sources.opensky.client_secret; using anonymous or basic access");
        }
        if (empty("sources.opensky.username") != empty("sources.opensky.password")) {
            warn(
                "OpenSky basic auth needs both sources.opensky.username and "
                "sources.opensky.password; using anonymous access");
        }
        for (auto [enabled, key] : {std::pair{"sources.aeroapi.enabled", "sources.aeroapi.api_key"},
                                    std::pair{"sources.adsbx.enabled", "sources.adsbx.api_key"}}) {
            if (c_.get_bool(enabled) && explicit_(enabled) && empty(key)) {
                warn(fmt::format("{} but {} is empty: the source stays off", at(enabled), key));
            }
        }
    }

    void orders() {
        if (c_.get_double("transit.high_radii") > c_.get_double("transit.medium_radii")) {
            error(fmt::format("{} must not exceed {}", at("transit.high_radii"),
                              at("transit.medium_radii")));
        }
        if (c_.get_double("sources.poll_min_interval") >
            c_.get_double("sources.poll_idle_interval")) {
            error(fmt::format("{} must not exceed {}", at("sources.poll_min_interval"),
                              at("sources.poll_idle_interval")));
        }
        if (c_.get_double("seestar.retry_initial_delay") >
            c_.get_double("seestar.retry_max_delay")) {
            error(fmt::format("{} must not exceed {}", at("seestar.retry_initial_delay"),
                              at("seestar.retry_max_delay")));
        }
    }

    void plausibility() {
        if (c_.get_double("observer.latitude") == 0 && c_.get_double("observer.longitude") == 0) {
            warn(
                "observer.latitude and observer.longitude are both 0 (not configured?): "
                "predictions are for a point in the Gulf of Guinea");
        }
        const auto& token = c_.get_string("gallery.auth_token");
        if (!token.empty() && token.size() < 16) {
            // Length only: the token itself never appears in a message.
            warn(
                "gallery.auth_token is shorter than 16 characters; use a long random token "
                "(e.g. openssl rand -hex 32)");
        }
    }

    std::vector<Diagnostic> take() { return std::move(out_); }

  private:
    const Config& c_;
    std::vector<Diagnostic> out_;
};

}  // namespace

std::vector<Diagnostic> validate(const Config& config) {
    Checker c(config);
    c.area();
    c.pairs();
    c.orders();
    c.plausibility();
    return c.take();
}

}  // namespace zc::config
