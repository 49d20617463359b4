// zipcatcher gallery list|add|update|delete: file and manage gallery images from scripts and
// cron. Goes through the control socket (its permission is the authorisation), not HTTP, so no
// token is needed here.
#include <cstdio>
#include <filesystem>

#include "cli_util.h"

namespace zc::cli {
namespace {

using nlohmann::json;

const char* kGalleryUsage =
    "zipcatcher gallery list [--json]\n"
    "zipcatcher gallery add FILE [--caption TEXT] [--flight ID] [--target sun|moon]\n"
    "                            [--aircraft TYPE] [--equipment TEXT] [--lat DEG] [--lon DEG]\n"
    "zipcatcher gallery update PATH [same options]\n"
    "zipcatcher gallery delete PATH";

void print_list(const json& a) {
    std::vector<std::vector<std::string>> rows{{"PATH", "TARGET", "FLIGHT", "TIME", "CAPTION"}};
    for (const auto& e : a["images"]) {
        const auto& m = e["metadata"];
        rows.push_back({json_scalar(e["path"]), m.value("target", ""), m.value("flight_id", ""),
                        m.value("timestamp", ""), m.value("caption", "")});
    }
    if (rows.size() == 1) {
        std::printf("no images\n");
        return;
    }
    print_table(rows);
}

int run_gallery(const GlobalOptions& global, const std::vector<std::string>& args) {
    po::options_description desc("gallery options");
    desc.add_options()("action", po::value<std::string>(), "list, add, update or delete")(
        "target-file", po::value<std::string>(), "FILE (add) or PATH (update, delete)")(
        "caption", po::value<std::string>(), "caption")("flight", po::value<std::string>(),
                                                        "flight id")(
        "target", po::value<std::string>(), "sun or moon")("aircraft", po::value<std::string>(),
                                                           "aircraft type")(
        "equipment", po::value<std::string>(), "equipment")(
        "lat", po::value<std::string>(), "observer latitude")("lon", po::value<std::string>(),
                                                              "observer longitude");
    po::positional_options_description pos;
    pos.add("action", 1).add("target-file", 1);
    auto p = parse_args(global, args, desc, pos, kGalleryUsage);
    if (p.exit_now)
        return *p.exit_now;
    const auto& vm = p.vm;
    const std::string action = vm.count("action") ? vm["action"].as<std::string>() : "list";
    json a = json::object();
    const std::pair<const char*, const char*> fields[] = {
        {"caption", "caption"},        {"flight", "flight_id"},    {"target", "target"},
        {"aircraft", "aircraft_type"}, {"equipment", "equipment"}, {"lat", "observer_lat"},
        {"lon", "observer_lon"}};
    for (const auto& [opt, field] : fields)
        if (vm.count(opt))
            a[field] = vm[opt].as<std::string>();
    const auto need_arg = [&](const char* what) -> std::optional<std::string> {
        if (!vm.count("target-file")) {
            std::fprintf(stderr, "zipcatcher gallery %s: %s is missing\nusage:\n%s\n",
                         action.c_str(), what, kGalleryUsage);
            return std::nullopt;
        }
        return vm["target-file"].as<std::string>();
    };
    const auto say = [](const json& r) {
        if (r.contains("path"))
            std::printf("%s\n", json_scalar(r["path"]).c_str());
    };
    if (action == "list") {
        return simple_call(p.global, "gallery-list", json::object(), print_list);
    }
    if (action == "add") {
        auto file = need_arg("FILE");
        if (!file)
            return kUsage;
        // The daemon opens the file itself: give it an absolute path.
        a["file"] = std::filesystem::absolute(*file).lexically_normal().string();
        return simple_call(p.global, "gallery-add", a, say);
    }
    if (action == "update" || action == "delete") {
        auto path = need_arg("PATH");
        if (!path)
            return kUsage;
        a["path"] = *path;
        if (action == "delete") {
            if (a.size() > 1) {
                std::fprintf(stderr, "zipcatcher gallery delete takes only PATH\n");
                return kUsage;
            }
            return simple_call(p.global, "gallery-delete", a,
                               [&](const json&) { std::printf("deleted %s\n", path->c_str()); });
        }
        return simple_call(p.global, "gallery-update", a, [](const json& r) {
            if (r.contains("metadata"))
                std::printf("%s\n", r["metadata"].dump(2).c_str());
        });
    }
    std::fprintf(stderr, "zipcatcher gallery: unknown action \"%s\"\nusage:\n%s\n", action.c_str(),
                 kGalleryUsage);
    return kUsage;
}

const CommandRegistrar reg{{"gallery", "list, add, update or delete gallery images", &run_gallery}};

}  // namespace
}  // namespace zc::cli
