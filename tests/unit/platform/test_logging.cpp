// Pure parts of the logging setup: level names, journald prefixes, JOURNAL_STREAM matching.
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <cctype>
#include <cstdio>
#include <map>
#include <string>

#include "logging.h"

using namespace zc::daemon;
namespace lvl = spdlog::level;

namespace {

// Runs setup_logging with stderr redirected to a temp file and returns what one info and one
// debug record wrote. journal: whether JOURNAL_STREAM names that file, as systemd would set it.
std::string capture_stderr(bool journal) {
    std::FILE* file = std::tmpfile();
    REQUIRE(file != nullptr);
    struct stat st {};
    REQUIRE(::fstat(::fileno(file), &st) == 0);
    std::map<std::string, std::string> env;
    if (journal) {
        env["JOURNAL_STREAM"] = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
    }
    std::fflush(stderr);
    const int saved = ::dup(STDERR_FILENO);
    REQUIRE(saved >= 0);
    REQUIRE(::dup2(::fileno(file), STDERR_FILENO) == STDERR_FILENO);
    setup_logging(env, lvl::info);
    spdlog::info("hello {}", 42);
    spdlog::debug("filtered out");
    spdlog::default_logger()->flush();
    std::fflush(stderr);
    ::dup2(saved, STDERR_FILENO);
    ::close(saved);
    std::rewind(file);
    std::string out;
    char buf[512];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, file)) > 0;) {
        out.append(buf, n);
    }
    std::fclose(file);
    return out;
}

}  // namespace

TEST_CASE("logging parses level names case-insensitively", "[logging]") {
    CHECK(parse_log_level("trace") == lvl::trace);
    CHECK(parse_log_level("debug") == lvl::debug);
    CHECK(parse_log_level("INFO") == lvl::info);
    CHECK(parse_log_level("warn") == lvl::warn);
    CHECK(parse_log_level("Warning") == lvl::warn);
    CHECK(parse_log_level("error") == lvl::err);
    CHECK(parse_log_level("err") == lvl::err);
    CHECK(parse_log_level("critical") == lvl::critical);
    CHECK(parse_log_level("crit") == lvl::critical);
    CHECK(parse_log_level("off") == lvl::off);
    for (const char* bad : {"", "verbose", "info ", "6", "inf"}) {
        CHECK(parse_log_level(bad) == std::nullopt);
    }
}

TEST_CASE("logging maps levels to syslog priorities", "[logging]") {
    CHECK(syslog_priority(lvl::trace) == 7);
    CHECK(syslog_priority(lvl::debug) == 7);
    CHECK(syslog_priority(lvl::info) == 6);
    CHECK(syslog_priority(lvl::warn) == 4);
    CHECK(syslog_priority(lvl::err) == 3);
    CHECK(syslog_priority(lvl::critical) == 2);
}

TEST_CASE("logging formats journald lines with a prefix on every line", "[logging]") {
    CHECK(journal_format(lvl::info, "daemon ready") == "<6>daemon ready\n");
    CHECK(journal_format(lvl::warn, "slow source\n") == "<4>slow source\n");
    CHECK(journal_format(lvl::err, "bad config\n  line 3\n  line 4") ==
          "<3>bad config\n<3>  line 3\n<3>  line 4\n");
    CHECK(journal_format(lvl::critical, "") == "<2>\n");
    CHECK(journal_format(lvl::debug, "a\n\nb") == "<7>a\n<7>\n<7>b\n");
}

TEST_CASE("logging matches JOURNAL_STREAM against a file's device and inode", "[logging]") {
    std::FILE* file = std::tmpfile();
    REQUIRE(file != nullptr);
    struct stat st {};
    REQUIRE(::fstat(::fileno(file), &st) == 0);
    const std::string dev = std::to_string(st.st_dev);
    const std::string ino = std::to_string(st.st_ino);

    CHECK(journal_stream_matches(dev + ":" + ino, st.st_dev, st.st_ino));
    CHECK_FALSE(journal_stream_matches(dev + ":" + ino + "1", st.st_dev, st.st_ino));
    CHECK_FALSE(journal_stream_matches(dev, st.st_dev, st.st_ino));
    CHECK_FALSE(journal_stream_matches(":" + ino, st.st_dev, st.st_ino));
    CHECK_FALSE(journal_stream_matches(dev + ":" + ino + ":", st.st_dev, st.st_ino));
    CHECK_FALSE(journal_stream_matches("", st.st_dev, st.st_ino));
    std::fclose(file);
}

TEST_CASE("logging setup installs a default logger and level changes apply", "[logging]") {
    setup_logging({}, lvl::warn);
    REQUIRE(spdlog::default_logger() != nullptr);
    CHECK(spdlog::default_logger()->name() == "zipcatcherd");
    CHECK(spdlog::default_logger()->level() == lvl::warn);
    set_log_level(lvl::debug);
    CHECK(spdlog::default_logger()->level() == lvl::debug);
    // A JOURNAL_STREAM that is not our stderr must not switch formats (nor crash).
    setup_logging({{"JOURNAL_STREAM", "1:1"}}, lvl::info);
    CHECK(spdlog::default_logger()->level() == lvl::info);
}

TEST_CASE("logging writes syslog prefixes when stderr is the journal stream", "[logging]") {
    CHECK(capture_stderr(true) == "<6>hello 42\n");
}

TEST_CASE("logging writes UTC timestamps when stderr is not the journal", "[logging]") {
    const std::string out = capture_stderr(false);
    // 2024-07-10T12:00:00.123Z [info] hello 42
    const std::string shape = "dddd-dd-ddTdd:dd:dd.dddZ [info] hello 42\n";
    REQUIRE(out.size() == shape.size());
    for (std::size_t i = 0; i < shape.size(); ++i) {
        INFO("position " << i << " of " << out);
        if (shape[i] == 'd') {
            CHECK(std::isdigit(static_cast<unsigned char>(out[i])));
        } else {
            CHECK(out[i] == shape[i]);
        }
    }
}
