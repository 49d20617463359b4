#pragma once
// Idle keep-alive connections, per origin (scheme://host:port). Newest first out: the most
// recently used connection is the one least likely to have been closed by the server.
#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <string>

#include "net/connection.h"

namespace zc::net::detail {

class ConnectionPool {
  public:
    ConnectionPool(std::size_t max_per_origin, std::chrono::milliseconds max_idle)
        : max_per_origin_(max_per_origin), max_idle_(max_idle) {}

    /// A live idle connection to `origin`, or null. Expired or dead ones are closed on the way.
    std::shared_ptr<Connection> take(const std::string& origin);
    /// Keeps `conn` for reuse (the oldest is closed when the origin has too many).
    void put(const std::string& origin, std::shared_ptr<Connection> conn);
    /// Closes every idle connection.
    void clear();
    std::size_t idle_count() const;

  private:
    void prune(std::deque<std::shared_ptr<Connection>>& list,
               std::chrono::steady_clock::time_point now);

    std::size_t max_per_origin_;
    std::chrono::milliseconds max_idle_;
    std::map<std::string, std::deque<std::shared_ptr<Connection>>> idle_;
};

}  // namespace zc::net::detail
