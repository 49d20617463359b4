// The gallery path resolver: what a client sends as a delete/update target or an image URL goes
// through parse_client_path, and an accepted path is opened by Store::open_image in a real
// gallery laid out with traps: a symlinked image, a symlinked month directory and a file outside
// the root. Properties: an accepted path has the exact shape the gallery creates (and reads back
// identically); open_image only ever opens one of the regular files below the root.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "fuzz_check.h"
#include "gallery/client_path.h"
#include "gallery/store.h"

using namespace zc::gallery;
namespace fs = std::filesystem;

namespace {

struct Sandbox {
    fs::path dir;
    std::unique_ptr<Store> store;
    std::set<ino_t> inside;  // inodes of the regular images below the root

    Sandbox() {
        std::string tmpl = "/tmp/zc-fuzz-gallery-XXXXXX";
        FUZZ_CHECK(::mkdtemp(tmpl.data()) != nullptr);
        dir = tmpl;
        const auto root = dir / "root";
        fs::create_directories(root / "2026" / "02");
        fs::create_directories(root / "2025" / "12");
        fs::create_directories(dir / "outside");
        for (const auto& p :
             {root / "2026/02/20260201_110549_BAW1.png",
              root / "2025/12/20251224_080000_UNKNOWN.jpg", dir / "outside/secret.png"})
            std::ofstream(p) << "image";
        fs::create_symlink(dir / "outside/secret.png", root / "2026/02/link.png");
        fs::create_symlink(dir / "outside", root / "2026/03");
        fs::create_symlink(dir / "outside", root / "1999");
        for (const auto& p : {root / "2026/02/20260201_110549_BAW1.png",
                              root / "2025/12/20251224_080000_UNKNOWN.jpg"}) {
            struct stat st {};
            FUZZ_CHECK(::stat(p.c_str(), &st) == 0);
            inside.insert(st.st_ino);
        }
        store = std::make_unique<Store>(root);
    }
    ~Sandbox() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
};

bool shape_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-' || c == '/';
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Sandbox sandbox;
    const auto raw = zc::fuzz::as_text(data, size);
    const auto path = parse_client_path(raw);
    if (!path)
        return 0;

    const auto rel = path->relative();
    FUZZ_CHECK(rel == raw || "static/" + rel == raw);
    for (char c : rel)
        FUZZ_CHECK(shape_char(c));
    FUZZ_CHECK(path->year.size() == 4 && path->month.size() == 2);
    FUZZ_CHECK(path->name.find('/') == std::string::npos);
    FUZZ_CHECK(path->name.front() != '.');
    FUZZ_CHECK(valid_image_name(path->name));
    const auto again = parse_client_path(rel);
    FUZZ_CHECK(again && again->relative() == rel);
    FUZZ_CHECK(parse_client_path(path->full()) &&
               parse_client_path(path->full())->relative() == rel);

    struct stat st {};
    const auto fd = sandbox.store->open_image(*path, &st);
    if (fd) {
        FUZZ_CHECK(S_ISREG(st.st_mode));
        FUZZ_CHECK(sandbox.inside.count(st.st_ino) == 1);
    }
    return 0;
}
