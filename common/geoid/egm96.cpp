#include "geoid/egm96.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>

namespace zc::geoid {

namespace {

template <typename T>
T read_be(const unsigned char* p) {
    static_assert(sizeof(T) == 4 || sizeof(T) == 8);
    using U = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
    U u = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i)
        u = (u << 8) | p[i];
    return std::bit_cast<T>(u);
}

}  // namespace

std::optional<Grid> Grid::load(const std::string& path, std::string& error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = "cannot open geoid grid " + path;
        return std::nullopt;
    }
    unsigned char header[40];
    if (!in.read(reinterpret_cast<char*>(header), sizeof header)) {
        error = "geoid grid " + path + ": truncated header";
        return std::nullopt;
    }
    Grid g;
    g.lat0_ = read_be<double>(header);
    g.lon0_ = read_be<double>(header + 8);
    g.dlat_ = read_be<double>(header + 16);
    g.dlon_ = read_be<double>(header + 24);
    g.rows_ = read_be<std::int32_t>(header + 32);
    g.cols_ = read_be<std::int32_t>(header + 36);
    const bool sane = std::isfinite(g.lat0_) && std::isfinite(g.lon0_) && g.dlat_ > 0 &&
                      g.dlon_ > 0 && g.rows_ >= 2 && g.cols_ >= 2 && g.rows_ <= 100'000 &&
                      g.cols_ <= 100'000 && g.lat0_ >= -90.0 &&
                      g.lat0_ + g.dlat_ * (g.rows_ - 1) <= 90.0 + 1e-9;
    if (!sane) {
        error = "geoid grid " + path + ": implausible header";
        return std::nullopt;
    }
    const auto count = static_cast<std::size_t>(g.rows_) * static_cast<std::size_t>(g.cols_);
    std::vector<unsigned char> raw(count * 4);
    if (!in.read(reinterpret_cast<char*>(raw.data()), static_cast<std::streamsize>(raw.size()))) {
        error = "geoid grid " + path + ": truncated data";
        return std::nullopt;
    }
    g.data_.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
        const float v = read_be<float>(raw.data() + 4 * i);
        // Undulations stay within -107 .. +86 m; anything else is corruption (or a no-data cell).
        if (!std::isfinite(v) || std::abs(v) > 200.0f) {
            error = "geoid grid " + path + ": value out of range";
            return std::nullopt;
        }
        g.data_[i] = v;
    }
    g.global_ = std::abs(g.dlon_ * g.cols_ - 360.0) < 1e-6;
    return g;
}

double Grid::value(int row, int col) const {
    return static_cast<double>(
        data_[static_cast<std::size_t>(row) * static_cast<std::size_t>(cols_) +
              static_cast<std::size_t>(col)]);
}

double Grid::undulation_m(double lat_deg, double lon_deg) const {
    const double y = std::clamp((lat_deg - lat0_) / dlat_, 0.0, static_cast<double>(rows_ - 1));
    double x = (lon_deg - lon0_) / dlon_;
    if (global_) {
        x = std::fmod(x, static_cast<double>(cols_));
        if (x < 0)
            x += cols_;
    } else {
        x = std::clamp(x, 0.0, static_cast<double>(cols_ - 1));
    }
    const int r0 = std::min(static_cast<int>(y), rows_ - 2);
    const int c0 = std::min(static_cast<int>(x), cols_ - 1);
    const int c1 = global_ ? (c0 + 1) % cols_ : std::min(c0 + 1, cols_ - 1);
    const double fy = y - r0;
    const double fx = x - c0;
    const double south = value(r0, c0) * (1 - fx) + value(r0, c1) * fx;
    const double north = value(r0 + 1, c0) * (1 - fx) + value(r0 + 1, c1) * fx;
    return south * (1 - fy) + north * fy;
}

namespace {

struct Loaded {
    std::optional<Grid> grid;
    std::string error;
};

}  // namespace

const Grid* cached_grid(const std::string& path, std::string* error) {
    static std::mutex mutex;
    // std::map never moves its nodes, so the pointers handed out stay valid.
    static std::map<std::string, Loaded> cache;
    const std::lock_guard lock(mutex);
    auto it = cache.find(path);
    if (it == cache.end()) {
        Loaded l;
        l.grid = Grid::load(path, l.error);
        it = cache.emplace(path, std::move(l)).first;
    }
    if (!it->second.grid && error != nullptr)
        *error = it->second.error;
    return it->second.grid ? &*it->second.grid : nullptr;
}

const Grid* egm96(std::string* error) {
    return cached_grid(ZC_EGM96_GRID, error);
}

}  // namespace zc::geoid
