#pragma once
// The simulator's per-connection state, shared by its source files.
#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <deque>
#include <optional>
#include <random>
#include <string>

#include "protocol/line_framer.h"
#include "seestar_sim.h"

namespace zc::sim {

struct SeestarSim::Conn {
    Conn(boost::asio::ip::tcp::socket s, int n)
        : socket(std::move(s)), id(n), framer(1 << 20), rng(static_cast<unsigned>(n) * 7919u) {}
    struct Chunk {
        std::string bytes;
        double delay = 0;  // seconds before this write (fragments arrive apart)
        int close = 0;     // after it: 1 close, 2 reset
    };
    boost::asio::ip::tcp::socket socket;
    int id;
    protocol::LineFramer framer;
    std::array<char, 8192> buf{};
    std::deque<Chunk> out;
    bool writing = false;
    bool open = true;
    bool authenticated = false;
    bool silenced = false;
    std::string challenge;
    std::chrono::steady_clock::time_point stalled_until{};
    int drop_after = 0;     // > 0: close after that many more messages
    int fragment_left = 0;  // messages still to split
    int coalesce_left = 0;  // messages still to gather into one write
    std::string coalesced;
    std::optional<std::string> held;  // a reply held back (reorder)
    std::minstd_rand rng;
};

struct SeestarSim::HttpConn {
    explicit HttpConn(boost::asio::ip::tcp::socket s) : socket(std::move(s)) {}
    boost::asio::ip::tcp::socket socket;
    boost::beast::flat_buffer buffer;
    boost::beast::http::request<boost::beast::http::string_body> request;
    boost::beast::http::response<boost::beast::http::string_body> response;
};

}  // namespace zc::sim
