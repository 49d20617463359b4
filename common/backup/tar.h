#pragma once
// A small POSIX tar (ustar, pax.1) writer and reader: enough for zipcatcher's backups, readable
// by GNU tar and bsdtar (`tar tvf` lists a backup). Regular files only are written; paths that
// do not fit ustar's 100+155 bytes, and sizes of 8 GiB and more, get a pax 'x' record. The reader
// takes any member type and reports it (the caller decides what to refuse); it checks header
// checksums and refuses truncated or malformed archives with TarError.
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace zc::backup {

struct TarError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

inline constexpr std::size_t kBlock = 512;

struct TarEntry {
    std::string path;  // pax path when present, else prefix/name
    char type = '0';   // '0' regular ('\0' is reported as '0'), '5' directory, '2' symlink...
    std::uint64_t size = 0;
    unsigned mode = 0;  // permission bits
    std::int64_t mtime = 0;
    std::string linkname;  // symlinks and hard links
};

/// Writes to a descriptor it does not own, from the current offset, sequentially. Every I/O
/// failure throws TarError with the errno text.
class TarWriter {
  public:
    explicit TarWriter(int fd);

    /// Header of a regular file of exactly `size` bytes; then write() them, then end_file().
    void begin_file(const std::string& path, std::uint64_t size, unsigned mode, std::int64_t mtime);
    void write(const void* data, std::size_t n);
    void end_file();  // throws if fewer or more bytes than announced were written
    /// begin_file + write + end_file.
    void add_file(const std::string& path, std::string_view data, unsigned mode,
                  std::int64_t mtime);
    /// The end-of-archive marker (two zero blocks).
    void finish();

    /// Bytes written so far (always a multiple of 512 between members).
    std::uint64_t offset() const { return offset_; }
    /// Drops everything written after `offset` (a member boundary): a copy that turned out to
    /// be torn is written again. The descriptor must be a regular file.
    void rewind(std::uint64_t offset);

  private:
    void put(const void* data, std::size_t n);
    void header(const std::string& name, const std::string& prefix, char type, std::uint64_t size,
                unsigned mode, std::int64_t mtime);

    int fd_;
    std::uint64_t offset_ = 0;
    std::uint64_t remaining_ = 0;  // of the current member
    std::uint64_t member_size_ = 0;
    bool in_member_ = false;
};

/// Reads sequentially from a descriptor it does not own.
class TarReader {
  public:
    explicit TarReader(int fd);

    /// The next member's header; nullopt at the end-of-archive marker (or a clean EOF on a block
    /// boundary). Skips the unread content of the previous member.
    std::optional<TarEntry> next();
    /// Streams the current member's content to `sink` in chunks.
    void read(const std::function<void(const char* data, std::size_t n)>& sink);
    /// The current member's content as a string; TarError when it is larger than `cap`.
    std::string read_all(std::size_t cap);

  private:
    bool read_block(char* block);  // false at EOF before any byte; TarError when cut short
    void read_exact(char* data, std::size_t n);
    void skip_rest();

    int fd_;
    std::uint64_t remaining_ = 0;  // unread content of the current member
    std::uint64_t padding_ = 0;
};

/// Parses the records of a pax extended header ("<len> key=value\n"...), calling fn(key, value);
/// TarError when malformed.
void parse_pax(std::string_view data,
               const std::function<void(std::string_view key, std::string_view value)>& fn);

}  // namespace zc::backup
