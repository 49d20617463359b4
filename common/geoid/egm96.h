#pragma once
// EGM96 geoid undulation N (metres; height above the WGS84 ellipsoid of mean sea level) from the
// 15' grid Debian's proj-data installs (/usr/share/proj/egm96_15.gtx, path from ZC_EGM96_GRID).
// h_ellipsoid = h_msl + N. Nothing here throws: a missing or corrupt grid is reported as an
// error string the caller logs as a warning.
#include <optional>
#include <string>
#include <vector>

namespace zc::geoid {

/// A GTX grid: big-endian header of 4 doubles (lat0, lon0, dlat, dlon) and 2 int32 (rows, cols),
/// then rows * cols big-endian float32, rows from south to north, columns from west to east.
class Grid {
  public:
    /// Reads and validates the file; nullopt with `error` set on any problem.
    static std::optional<Grid> load(const std::string& path, std::string& error);

    /// Bilinear interpolation, longitude wrapped to the grid; latitude clamped to its rows.
    double undulation_m(double lat_deg, double lon_deg) const;

    int rows() const { return rows_; }
    int cols() const { return cols_; }

  private:
    Grid() = default;
    double value(int row, int col) const;
    double lat0_ = 0, lon0_ = 0, dlat_ = 0, dlon_ = 0;
    int rows_ = 0, cols_ = 0;
    bool global_ = false;  // columns span 360 deg: wrap instead of clamping
    std::vector<float> data_;
};

/// The grid at `path`, loaded once per path and kept for the process (thread-safe).
/// nullptr when unavailable; `error` (if given) then says why (the failure is cached too).
const Grid* cached_grid(const std::string& path, std::string* error = nullptr);
/// cached_grid(ZC_EGM96_GRID): Debian's /usr/share/proj/egm96_15.gtx unless configured otherwise.
const Grid* egm96(std::string* error = nullptr);

}  // namespace zc::geoid
