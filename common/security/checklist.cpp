#include "security/checklist.h"

#include <fmt/format.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <set>

#include "config/value_parse.h"
#include "security/address.h"
#include "security/token_strength.h"

namespace zc::security {

namespace {

using config::Config;
using config::Source;

Item pass(std::string id, std::string title, std::string detail) {
    return {std::move(id), std::move(title), Status::kPass, std::move(detail), ""};
}
Item not_pass(Status s, std::string id, std::string title, std::string detail, std::string fix) {
    return {std::move(id), std::move(title), s, std::move(detail), std::move(fix)};
}

std::string user_name(unsigned uid) {
    std::vector<char> buf(16384);
    passwd pw{};
    passwd* found = nullptr;
    if (::getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) == 0 && found && found->pw_name)
        return found->pw_name;
    return std::to_string(uid);
}

// The daemon's value when it told us, else the configuration's.
bool is_live(const Facts& f, std::string_view name) {
    return f.live.count(std::string(name)) > 0;
}
std::string value(const Config& cfg, const Facts& f, std::string_view name) {
    const auto it = f.live.find(std::string(name));
    return it != f.live.end() ? it->second : cfg.get_string(name);
}
bool flag(const Config& cfg, const Facts& f, std::string_view name) {
    const auto it = f.live.find(std::string(name));
    return it != f.live.end() ? it->second == "true" : cfg.get_bool(name);
}
std::string origin(const Config& cfg, const Facts& f, std::string_view name) {
    return is_live(f, name) ? "running daemon" : config::describe(cfg.setting(name).origin);
}
bool token_set(const Config& cfg, const Facts& f) {
    const auto it = f.live.find("gallery.auth_token");
    return it != f.live.end() ? it->second != "(unset)" && !it->second.empty()
                              : !cfg.get_string("gallery.auth_token").empty();
}

unsigned allowed_gid(const Facts& f) {
    return f.daemon_gid.value_or(static_cast<unsigned>(::getegid()));
}

Item gallery_token(const Config& cfg, const Facts& f) {
    const char* id = "gallery_token";
    const char* title = "gallery token is strong, or unset (read-only gallery)";
    const auto& token = cfg.get_string("gallery.auth_token");
    const std::string where = config::describe(cfg.setting("gallery.auth_token").origin);
    const std::string fix =
        "generate one with `openssl rand -base64 32`, set gallery.auth_token (or "
        "GALLERY_AUTH_TOKEN in .env), then `zipcatcher reload`";
    if (token.empty() && token_set(cfg, f))
        return not_pass(Status::kWarn, id, title,
                        "the running daemon has a token that is not in the files this check "
                        "read (its environment or command line?), so its strength is unknown",
                        "keep the token in the configuration file, and run doctor with the "
                        "daemon's --config");
    if (token.empty())
        return pass(id, title, "unset: gallery writes are disabled");
    if (is_sample_token(token))
        return not_pass(Status::kFail, id, title,
                        fmt::format("the token ({}) is a published sample value", where), fix);
    const double bits = estimate_token_bits(token);
    if (bits < kStrongBits)
        return not_pass(bits < kWeakBits ? Status::kFail : Status::kWarn, id, title,
                        fmt::format("about {:.0f} bits of entropy ({}); at least {:.0f} (32 "
                                    "random bytes) are expected",
                                    bits, where, kStrongBits),
                        fix);
    return pass(id, title, fmt::format("about {:.0f} bits of entropy ({})", bits, where));
}

Item http_bind(const Config& cfg, const Facts& f) {
    const char* id = "http_bind";
    const char* title = "gallery is not listening on all interfaces";
    if (!flag(cfg, f, "http.enabled"))
        return pass(id, title, "HTTP is off (http.enabled = false)");
    const std::string bind = value(cfg, f, "http.bind");
    const std::string src = origin(cfg, f, "http.bind");
    const auto hp = config::parse_host_port(bind);
    const Reach r = hp ? classify_host(hp->host) : Reach::kName;
    const std::string fix =
        "set http.bind = 127.0.0.1:8000 (this machine, or behind a TLS reverse proxy) or a LAN "
        "address, and block port 8000 from outside with a firewall (docs/security.md)";
    switch (r) {
        case Reach::kAll:
            return not_pass(Status::kWarn, id, title,
                            fmt::format("http.bind = {} ({}): every interface, so anyone who can "
                                        "reach this machine can browse the gallery",
                                        bind, src),
                            fix);
        case Reach::kPublic:
            return not_pass(Status::kWarn, id, title,
                            fmt::format("http.bind = {} ({}) is a public address", bind, src), fix);
        default:
            return pass(id, title, fmt::format("http.bind = {} ({}): {}", bind, src, describe(r)));
    }
}

Item http_tls(const Config& cfg, const Facts& f) {
    const char* id = "http_tls";
    const char* title = "the gallery token never crosses the network in clear text";
    if (!flag(cfg, f, "http.enabled"))
        return pass(id, title, "HTTP is off");
    if (!value(cfg, f, "http.tls_cert").empty() && !value(cfg, f, "http.tls_key").empty())
        return pass(id, title, "HTTPS (http.tls_cert, http.tls_key)");
    if (!token_set(cfg, f))
        return pass(id, title, "plain HTTP, but read-only: there is no token to send");
    const std::string bind = value(cfg, f, "http.bind");
    const auto hp = config::parse_host_port(bind);
    if (hp && classify_host(hp->host) == Reach::kLoopback)
        return pass(id, title, "plain HTTP on loopback only (put a TLS reverse proxy in front)");
    return not_pass(Status::kWarn, id, title,
                    fmt::format("plain HTTP on {} with a write token: the Authorization header "
                                "can be read by anyone on the network path",
                                bind),
                    "set http.tls_cert and http.tls_key, or bind 127.0.0.1:8000 behind a TLS "
                    "reverse proxy (docs/security.md)");
}

// Secrets whose winning value comes from a file: that file must be private.
Item secrets_files(const Config& cfg, const Facts& f) {
    const char* id = "secrets_files";
    const char* title = "files holding secrets are readable by the owner and the daemon only";
    std::map<std::string, std::vector<std::string>> by_file;
    for (const auto& s : cfg.settings()) {
        if (!s.secret || s.origin.source == Source::Default)
            continue;
        if (s.origin.source != Source::File && s.origin.source != Source::DotEnv)
            continue;
        if (const auto* v = std::get_if<std::string>(&s.value); v && !v->empty())
            by_file[s.origin.file].push_back(s.name);
    }
    if (by_file.empty())
        return pass(id, title, "no secret is read from a file");
    std::vector<std::string> bad, good;
    for (const auto& [file, names] : by_file) {
        struct stat st {};
        if (::stat(file.c_str(), &st) != 0) {
            bad.push_back(fmt::format("{} (cannot stat: {})", file, std::strerror(errno)));
            continue;
        }
        const unsigned mode = static_cast<unsigned>(st.st_mode) & 07777u;
        const unsigned bits = exposure_bits(mode, st.st_gid, allowed_gid(f));
        if (bits != 0)
            bad.push_back(
                fmt::format("{} holds {} but has mode {:04o}", file, fmt::join(names, ", "), mode));
        else
            good.push_back(fmt::format("{} {:04o}", file, mode));
    }
    if (!bad.empty())
        return not_pass(Status::kFail, id, title, fmt::format("{}", fmt::join(bad, "; ")),
                        "chmod 600 FILE (or chown root:zipcatcher FILE && chmod 640 FILE)");
    return pass(id, title, fmt::format("{}", fmt::join(good, ", ")));
}

Item secrets_command_line(const Config& cfg) {
    const char* id = "secrets_command_line";
    const char* title = "no secret on the command line (visible to every local user in ps)";
    std::vector<std::string> names;
    for (const auto& s : cfg.settings())
        if (s.secret && s.origin.source == Source::CommandLine)
            names.push_back(s.origin.key);
    if (names.empty())
        return pass(id, title, "none");
    return not_pass(Status::kWarn, id, title, fmt::format("{}", fmt::join(names, ", ")),
                    "put secrets in a private configuration file or the environment");
}

Item tls_key(const Config& cfg, const Facts& f) {
    const char* id = "tls_key";
    const char* title = "the TLS private key is readable by the owner and the daemon only";
    const std::string key = value(cfg, f, "http.tls_key");
    if (key.empty())
        return pass(id, title, "no http.tls_key configured");
    struct stat st {};
    if (::stat(key.c_str(), &st) != 0)
        return not_pass(Status::kFail, id, title,
                        fmt::format("http.tls_key = {}: {}", key, std::strerror(errno)),
                        "point http.tls_key at the PEM private key");
    const unsigned mode = static_cast<unsigned>(st.st_mode) & 07777u;
    if (exposure_bits(mode, st.st_gid, allowed_gid(f)) != 0)
        return not_pass(Status::kFail, id, title,
                        fmt::format("http.tls_key = {} has mode {:04o}", key, mode),
                        fmt::format("chmod 600 {} (or 640 with the daemon's group)", key));
    return pass(id, title, fmt::format("{} mode {:04o}", key, mode));
}

Item control_socket(const Config& cfg, const Facts& f) {
    const char* id = "control_socket";
    const char* title = "the control socket is closed to other users";
    std::optional<unsigned> mode = f.socket_mode;
    const bool live = mode.has_value();
    if (!mode)
        mode = config::parse_file_mode(value(cfg, f, "control.socket_mode"));
    if (!mode)
        return not_pass(Status::kFail, id, title, "control.socket_mode is not a mode",
                        "set control.socket_mode = 0660");
    const std::string what = fmt::format("{} {:04o}{}", value(cfg, f, "control.socket"), *mode,
                                         live ? " (live)" : " (control.socket_mode)");
    if ((*mode & 07u) != 0)
        return not_pass(Status::kFail, id, title,
                        what + ": every local user can control the daemon and the telescope",
                        "set control.socket_mode = 0660 and add trusted users to the daemon's "
                        "group");
    return pass(id, title, what);
}

Item root(const Facts& f) {
    const char* id = "root";
    const char* title = "the daemon does not run as root";
    if (f.daemon_uid) {
        if (*f.daemon_uid == 0)
            return not_pass(Status::kFail, id, title, "zipcatcherd runs as root (--allow-root)",
                            "run it as the zipcatcher user: systemctl start zipcatcher (the unit "
                            "has User=zipcatcher)");
        return pass(id, title,
                    fmt::format("runs as {} (uid {})", user_name(*f.daemon_uid), *f.daemon_uid));
    }
    if (f.allow_root)
        return not_pass(Status::kWarn, id, title, "--allow-root lets zipcatcherd run as root",
                        "drop --allow-root and run it as the zipcatcher user");
    return pass(id, title, "zipcatcherd refuses to start as root without --allow-root");
}

Item debug_endpoints(const Config& cfg, const Facts& f) {
    const char* id = "debug_endpoints";
    const char* title = "no debug, console or admin endpoints";
    if (!f.probe_error.empty())
        return not_pass(Status::kWarn, id, title, "could not probe the gallery: " + f.probe_error,
                        "check that zipcatcherd serves http.bind");
    if (f.probes.empty())
        return pass(id, title,
                    flag(cfg, f, "http.enabled")
                        ? "the gallery has none (routes: /gallery*, /static/gallery/*)"
                        : "HTTP is off");
    std::vector<std::string> open;
    for (const auto& p : f.probes)
        if (p.status != 404)
            open.push_back(fmt::format("{} -> {}", p.path, p.status));
    if (!open.empty())
        return not_pass(Status::kFail, id, title,
                        fmt::format("answered: {}", fmt::join(open, ", ")),
                        "something other than zipcatcherd answers on http.bind; find it");
    return pass(id, title,
                fmt::format("{} typical debug paths answer 404 (live)", f.probes.size()));
}

Item debug_logging(const Config& cfg, const Facts& f) {
    const char* id = "debug_logging";
    const char* title = "debug logging is off";
    const std::string level = value(cfg, f, "log.level");
    if (level == "debug" || level == "trace")
        return not_pass(Status::kWarn, id, title,
                        fmt::format("log.level = {} ({})", level, origin(cfg, f, "log.level")),
                        "set log.level = info once the problem is found");
    return pass(id, title, "log.level = " + level);
}

Item state_dir(const Config& cfg, const Facts& f) {
    const char* id = "state_dir";
    const char* title = "the gallery and transit logs cannot be changed by other users";
    const std::filesystem::path dir = value(cfg, f, "paths.state_dir");
    std::vector<std::string> bad, seen;
    for (const auto& p : {dir, dir / "gallery"}) {
        struct stat st {};
        if (::stat(p.c_str(), &st) != 0)  // a symlink (to a bigger disk) is judged by its target
            continue;
        const unsigned mode = static_cast<unsigned>(st.st_mode) & 07777u;
        if ((mode & 002u) != 0)
            bad.push_back(
                fmt::format("{} has mode {:04o} (writable by everyone)", p.string(), mode));
        else
            seen.push_back(fmt::format("{} {:04o}", p.string(), mode));
    }
    if (!bad.empty())
        return not_pass(Status::kFail, id, title, fmt::format("{}", fmt::join(bad, "; ")),
                        "chmod 750 the directory (the unit's StateDirectoryMode=0750)");
    if (seen.empty())
        return pass(id, title, dir.string() + " does not exist yet");
    return pass(id, title, fmt::format("{}", fmt::join(seen, ", ")));
}

Item seestar_network(const Config& cfg, const Facts& f) {
    const char* id = "seestar_network";
    const char* title = "the telescope is on the local network";
    if (!flag(cfg, f, "seestar.enabled"))
        return pass(id, title, "telescope control is off (seestar.enabled = false)");
    const std::string host = value(cfg, f, "seestar.host");
    if (host.empty())
        return pass(id, title, "seestar.host is empty");
    const Reach r = classify_host(host);
    if (r == Reach::kPublic)
        return not_pass(Status::kWarn, id, title,
                        fmt::format("seestar.host = {} is a public address; the Seestar protocol "
                                    "has no authentication",
                                    host),
                        "keep the telescope on a trusted LAN segment (or a VPN)");
    return pass(id, title, fmt::format("seestar.host = {}: {}", host, describe(r)));
}

}  // namespace

std::string_view to_string(Status s) {
    switch (s) {
        case Status::kPass:
            return "pass";
        case Status::kWarn:
            return "warn";
        case Status::kFail:
            return "fail";
    }
    return "?";
}

unsigned exposure_bits(unsigned mode, unsigned gid, unsigned allowed) {
    unsigned bits = mode & 077u;
    if (gid == allowed)
        bits &= ~040u;
    return bits;
}

std::vector<Item> run_checklist(const Config& cfg, const Facts& facts) {
    return {
        gallery_token(cfg, facts),   http_bind(cfg, facts),
        http_tls(cfg, facts),        secrets_files(cfg, facts),
        secrets_command_line(cfg),   tls_key(cfg, facts),
        control_socket(cfg, facts),  root(facts),
        debug_endpoints(cfg, facts), debug_logging(cfg, facts),
        state_dir(cfg, facts),       seestar_network(cfg, facts),
    };
}

const std::vector<std::string>& debug_probe_paths() {
    static const std::vector<std::string> paths = {
        "/debug",
        "/debug/",
        "/debug/pprof/",
        "/debug/vars",
        "/console",
        "/admin",
        "/admin/",
        "/.env",
        "/.git/config",
        "/config",
        "/config.json",
        "/api/telescope",
        "/telescope/debug/cmd",  // the original's raw JSON-RPC route
        "/telescope/shutdown",   // the original's unauthenticated shutdown
        "/telescope/files",
        "/server-status",
        "/actuator",
        "/phpinfo.php",
        "/_profiler",
        "/__debug__",
        "/static/../.env",
        "/gallery/../.env",
    };
    return paths;
}

Status worst(const std::vector<Item>& items) {
    Status w = Status::kPass;
    for (const auto& i : items)
        if (static_cast<int>(i.status) > static_cast<int>(w))
            w = i.status;
    return w;
}

nlohmann::json to_json(const std::vector<Item>& items) {
    auto out = nlohmann::json::array();
    for (const auto& i : items)
        out.push_back({{"id", i.id},
                       {"title", i.title},
                       {"status", std::string(to_string(i.status))},
                       {"detail", i.detail},
                       {"fix", i.fix}});
    return out;
}

}  // namespace zc::security
