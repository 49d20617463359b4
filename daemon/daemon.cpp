#include "daemon.h"

#include <grp.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <boost/version.hpp>
#include <csignal>
#include <utility>

#include "logging.h"
#include "socket_options.h"

namespace zc::daemon {

namespace asio = boost::asio;
using nlohmann::json;
using protocol::ArgSpec;
using protocol::ArgType;
using protocol::CommandSpec;
using protocol::Response;

namespace {

constexpr int kProtocolVersion = 1;
constexpr auto kStopGrace = std::chrono::milliseconds(2000);
constexpr auto kServiceStopGrace = std::chrono::milliseconds(5000);

std::string join_diagnostics(const std::vector<config::Diagnostic>& diags) {
    std::string out;
    for (const auto& d : diags) {
        if (d.severity != config::Severity::Error)
            continue;
        if (!out.empty())
            out += "; ";
        out += d.message;
    }
    return out;
}

void log_diagnostics(const std::vector<config::Diagnostic>& diags) {
    for (const auto& d : diags) {
        if (d.severity == config::Severity::Warning)
            spdlog::warn("config: {}", d.message);
        else
            spdlog::error("config: {}", d.message);
    }
}

bool same_value(const config::Value& a, const config::Value& b) {
    // Unset numbers are NaN, and NaN != NaN: unset on both sides is no change.
    if (const auto* x = std::get_if<double>(&a))
        if (const auto* y = std::get_if<double>(&b))
            return *x == *y || (*x != *x && *y != *y);
    return a == b;
}

// Names of settings whose effective value differs; secrets compare by value but are reported by
// name only.
std::vector<std::string> changed_settings(const config::Config& a, const config::Config& b) {
    std::vector<std::string> out;
    for (const auto& s : b.settings()) {
        const auto& old = a.setting(s.name);
        if (!same_value(old.value, s.value))
            out.push_back(s.name);
    }
    return out;
}

}  // namespace

static std::unique_ptr<Clock> make_demo_clock(const config::Config& cfg, const Clock& base) {
    // Validated by the config layer; a demo clock runs at real speed from that instant.
    const auto& start = cfg.get_string("clock.start");
    if (start.empty())
        return nullptr;
    auto t = parse_iso8601(start);
    if (!t)
        return nullptr;
    return std::make_unique<OffsetClock>(*t, base);
}

Daemon::Daemon(DaemonOptions options, config::Config initial,
               std::map<std::string, std::string> env)
    : options_(std::move(options)),
      env_(std::move(env)),
      config_(std::make_shared<const config::Config>(std::move(initial))),
      demo_clock_(make_demo_clock(*config_, system_clock_)),
      clock_(demo_clock_ ? demo_clock_.get() : &system_clock_),
      bus_(*clock_),
      signals_(io_),
      watchdog_timer_(io_),
      stop_timer_(io_),
      notifier_(env_),
      context_{io_, *clock_, bus_, dispatcher_, predictions_, [this] { return config_; }},
      started_(clock_->now()),
      started_steady_(std::chrono::steady_clock::now()) {
    register_commands();
    for (const auto& make : service_factories())
        services_.push_back(make(context_));
}

Daemon::~Daemon() = default;

int Daemon::run() {
    // Before the socket exists: a client that sees the socket may signal us at once, and an
    // unregistered SIGTERM would kill the process instead of stopping it cleanly.
    wait_signals();
    const std::filesystem::path socket_path = config_->get_string("control.socket");
    guard_ = std::make_unique<InstanceGuard>(socket_path);
    if (guard_->removed_stale())
        spdlog::warn("control: removed a stale socket left by an earlier run: {}",
                     socket_path.string());
    const SocketOptions sock = socket_options(*config_);
    control_ = std::make_unique<ControlServer>(io_, dispatcher_, bus_, control_limits(*config_));
    control_->listen(socket_path, sock.mode, sock.group);
    spdlog::info("zipcatcherd {} listening on {} (mode {:04o})", ZC_VERSION, socket_path.string(),
                 static_cast<unsigned>(sock.mode));
    if (demo_clock_)
        spdlog::info("clock: demo time starts at {}", config_->get_string("clock.start"));

    for (auto& service : services_) {
        service->start();
        spdlog::info("{}: started", service->name());
    }
    arm_watchdog();
    notifier_.ready();
    notifier_.status(status_line());
    bus_.publish("daemon", {{"state", "ready"}});
    if (options_.on_ready)
        options_.on_ready();
    io_.run();
    spdlog::info("zipcatcherd stopped");
    return exit_code_;
}

void Daemon::wait_signals() {
    signals_.clear();
    signals_.add(SIGTERM);
    signals_.add(SIGINT);
    signals_.add(SIGHUP);
    signals_.async_wait([this](const boost::system::error_code& ec, int signo) {
        if (ec)
            return;
        if (signo == SIGHUP) {
            auto r = reload();
            if (r.result == protocol::Result::kSuccess)
                spdlog::info("SIGHUP: {}", r.text);
            else
                spdlog::error("SIGHUP: {}", r.text);
            wait_signals();
            return;
        }
        request_stop(signo == SIGTERM ? "SIGTERM" : "SIGINT");
    });
}

void Daemon::arm_watchdog() {
    const auto interval = notifier_.watchdog_interval();
    if (!interval)
        return;
    // Ping at half the interval, as sd_watchdog_enabled(3) recommends. Running on the io_context,
    // a ping proves the event loop itself is not stuck.
    watchdog_timer_.expires_after(*interval / 2);
    watchdog_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec || stopping_)
            return;
        notifier_.watchdog();
        arm_watchdog();
    });
}

void Daemon::request_stop(const std::string& reason) {
    if (stopping_)
        return;
    stopping_ = true;
    spdlog::info("stopping ({})", reason);
    notifier_.stopping();
    bus_.publish("daemon", {{"state", "stopping"}, {"reason", reason}});
    signals_.cancel();
    watchdog_timer_.cancel();
    if (!control_) {
        io_.stop();
        return;
    }
    // Services first (they may still publish or reply), then the control socket. A service
    // that does not finish within kServiceStopGrace is abandoned: stopping must always end.
    auto finish = std::make_shared<std::function<void()>>([this] {
        control_->stop(kStopGrace, [this] {
            guard_.reset();
            io_.stop();
        });
    });
    auto once = [finish] {
        if (auto f = std::exchange(*finish, nullptr))
            f();
    };
    stop_timer_.expires_after(kServiceStopGrace);
    stop_timer_.async_wait([once](const boost::system::error_code& ec) {
        if (!ec) {
            spdlog::warn(
                "services did not stop within {} s; stopping anyway",
                std::chrono::duration_cast<std::chrono::seconds>(kServiceStopGrace).count());
            once();
        }
    });
    stop_services(0, [this, once] {
        stop_timer_.cancel();
        once();
    });
}

void Daemon::stop_services(std::size_t index, std::function<void()> done) {
    if (index >= services_.size()) {
        done();
        return;
    }
    // In reverse start order.
    auto& service = services_[services_.size() - 1 - index];
    service->stop([this, index, done = std::move(done)]() mutable {
        asio::post(io_, [this, index, done = std::move(done)]() mutable {
            stop_services(index + 1, std::move(done));
        });
    });
}

Response Daemon::reload() {
    notifier_.reloading();
    auto result = config::load(options_.load);
    log_diagnostics(result.diagnostics);
    if (!result.ok()) {
        ++reload_failures_;
        last_reload_error_ = join_diagnostics(result.diagnostics);
        notifier_.ready();
        bus_.publish("config", {{"state", "reload-failed"}, {"error", last_reload_error_}});
        return Response::error("configuration rejected, the running one stays: " +
                               last_reload_error_);
    }
    auto next = std::make_shared<const config::Config>(std::move(*result.config));
    auto changed = changed_settings(*config_, *next);
    std::vector<std::string> restart_needed;
    for (const auto& name : changed)
        if (name == "control.socket" || name.rfind("paths.", 0) == 0 || name == "clock.start")
            restart_needed.push_back(name);
    config_ = std::move(next);
    ++reloads_;
    last_reload_error_.clear();
    if (!options_.log_level_override)
        if (auto level = parse_log_level(config_->get_string("log.level")))
            spdlog::set_level(*level);
    if (control_)
        control_->set_limits(control_limits(*config_));
    for (auto& service : services_)
        service->reconfigure(*config_);
    notifier_.ready();
    notifier_.status(status_line());
    json args = {{"changed", changed}, {"restart_needed", restart_needed}};
    bus_.publish("config", {{"state", "reloaded"}, {"changed", changed}});
    std::string text = "configuration reloaded, " + std::to_string(changed.size()) +
                       (changed.size() == 1 ? " setting" : " settings") + " changed";
    if (!restart_needed.empty()) {
        text += "; restart to apply:";
        for (const auto& n : restart_needed)
            text += " " + n;
        for (const auto& n : restart_needed)
            spdlog::warn("config: {} changed; it takes effect on restart", n);
    }
    return Response::success(std::move(text), std::move(args));
}

std::string Daemon::status_line() const {
    const auto& stats = control_ ? control_->stats() : ControlStats{};
    return fmt::format("ready; {} control client(s)", stats.clients);
}

json Daemon::status_json() const {
    const auto now = clock_->now();
    const auto uptime =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_steady_).count();
    const ControlStats stats = control_ ? control_->stats() : ControlStats{};
    json components = json::array();
    components.push_back(
        {{"name", "control"},
         {"state", stopping_ ? "stopping" : "running"},
         {"detail", fmt::format("{} client(s), {} watching", stats.clients, bus_.subscribers())}});
    components.push_back(
        {{"name", "config"},
         {"state", last_reload_error_.empty() ? "loaded" : "reload-failed"},
         {"detail", last_reload_error_.empty() ? fmt::format("{} reload(s)", reloads_)
                                               : last_reload_error_}});
    for (const auto& service : services_) {
        auto st = service->status();
        components.push_back({{"name", service->name()},
                              {"state", st.state},
                              {"detail", st.detail},
                              {"data", st.data}});
    }
    json files = json::array();
    for (const auto& f : config_->files_read())
        files.push_back(f.string());
    return {
        {"version", ZC_VERSION},
        {"pid", static_cast<long>(::getpid())},
        {"now", format_iso8601(now)},
        {"started", format_iso8601(started_)},
        {"uptime_s", uptime},
        {"demo_clock", demo_clock_ != nullptr},
        {"components", std::move(components)},
        {"control",
         {{"socket", config_->get_string("control.socket")},
          {"clients", stats.clients},
          {"connections", stats.connections},
          {"rejected", stats.rejected},
          {"requests", stats.requests},
          {"watchers", bus_.subscribers()},
          {"events_dropped", stats.events_dropped}}},
        {"config",
         {{"files", std::move(files)},
          {"observer",
           {{"latitude", config_->get_double("observer.latitude")},
            {"longitude", config_->get_double("observer.longitude")},
            {"elevation_m", config_->get_double("observer.elevation")}}},
          {"target", config_->get_string("transit.target")},
          {"seestar_enabled", config_->get_bool("seestar.enabled")},
          {"http_bind", config_->get_string("http.bind")},
          {"reloads", reloads_},
          {"reload_failures", reload_failures_}}},
    };
}

void Daemon::register_commands() {
    dispatcher_.add(CommandSpec{"version", "daemon and protocol version", {}},
                    [](const protocol::Request&, std::shared_ptr<protocol::Responder> r) {
                        r->reply(Response::success(std::string("zipcatcherd ") + ZC_VERSION,
                                                   {{"version", ZC_VERSION},
                                                    {"protocol", kProtocolVersion},
                                                    {"boost", BOOST_LIB_VERSION},
                                                    {"compiler", __VERSION__}}));
                    });
    dispatcher_.add(CommandSpec{"status", "uptime, components and their state, config summary", {}},
                    [this](const protocol::Request&, std::shared_ptr<protocol::Responder> r) {
                        r->reply(Response::success("zipcatcherd is running", status_json()));
                    });
    dispatcher_.add(
        CommandSpec{"config-get",
                    "the effective configuration, secrets redacted",
                    {ArgSpec{"name", ArgType::kString, false, "only this option", {}},
                     ArgSpec{"origins",
                             ArgType::kBoolean,
                             false,
                             "include where each value came from (default true)",
                             {}}}},
        [this](const protocol::Request& req, std::shared_ptr<protocol::Responder> r) {
            const bool origins = req.arguments.value("origins", true);
            json all = config_->to_json(origins);
            if (auto it = req.arguments.find("name"); it != req.arguments.end()) {
                const auto name = it->get<std::string>();
                if (!all.contains(name)) {
                    r->reply(Response::error("unknown option \"" + name + "\""));
                    return;
                }
                r->reply(Response::success(name, {{name, all[name]}}));
                return;
            }
            r->reply(Response::success(std::to_string(all.size()) + " options", std::move(all)));
        });
    dispatcher_.add(CommandSpec{"reload", "re-read the configuration (like SIGHUP)", {}},
                    [this](const protocol::Request&, std::shared_ptr<protocol::Responder> r) {
                        r->reply(reload());
                    });
    dispatcher_.add(CommandSpec{"shutdown",
                                "stop the daemon gracefully",
                                {ArgSpec{"reason", ArgType::kString, false, "logged", {}}}},
                    [this](const protocol::Request& req, std::shared_ptr<protocol::Responder> r) {
                        const std::string reason =
                            "shutdown command" +
                            (req.arguments.contains("reason")
                                 ? ": " + req.arguments["reason"].get<std::string>()
                                 : std::string());
                        r->reply(Response::success("shutting down"));
                        // Posted so that the reply is queued before the sessions are finished.
                        asio::post(io_, [this, reason] { request_stop(reason); });
                    });
    dispatcher_.add(CommandSpec{"list-commands", "every command with its arguments", {}},
                    [this](const protocol::Request&, std::shared_ptr<protocol::Responder> r) {
                        json list = json::array();
                        for (const auto& spec : dispatcher_.specs())
                            list.push_back(protocol::to_json(spec));
                        r->reply(Response::success(std::to_string(list.size()) + " commands",
                                                   {{"commands", std::move(list)}}));
                    });
    dispatcher_.add(CommandSpec{"watch",
                                "stream events as JSON lines until the client disconnects",
                                {ArgSpec{"events",
                                         ArgType::kStringList,
                                         false,
                                         "event names to receive (default: all)",
                                         {}}},
                                true},
                    [](const protocol::Request& req, std::shared_ptr<protocol::Responder> r) {
                        std::vector<std::string> events;
                        if (auto it = req.arguments.find("events"); it != req.arguments.end())
                            events = it->get<std::vector<std::string>>();
                        r->reply(Response::success("watching", {{"events", events}}));
                        r->subscribe(std::move(events));
                    });
}

}  // namespace zc::daemon
