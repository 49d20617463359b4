#include "net/connection_pool.h"

namespace zc::net::detail {

void ConnectionPool::prune(std::deque<std::shared_ptr<Connection>>& list,
                           std::chrono::steady_clock::time_point now) {
    while (!list.empty() && now - list.front()->idle_since >= max_idle_) {
        list.front()->close();
        list.pop_front();
    }
}

std::shared_ptr<Connection> ConnectionPool::take(const std::string& origin) {
    auto it = idle_.find(origin);
    if (it == idle_.end())
        return nullptr;
    auto& list = it->second;
    prune(list, std::chrono::steady_clock::now());
    std::shared_ptr<Connection> found;
    while (!list.empty() && !found) {
        auto conn = std::move(list.back());
        list.pop_back();
        if (conn->still_usable())
            found = std::move(conn);
        else
            conn->close();
    }
    if (list.empty())
        idle_.erase(it);
    return found;
}

void ConnectionPool::put(const std::string& origin, std::shared_ptr<Connection> conn) {
    if (max_per_origin_ == 0) {
        conn->close();
        return;
    }
    const auto now = std::chrono::steady_clock::now();
    conn->idle_since = now;
    auto& list = idle_[origin];
    prune(list, now);
    list.push_back(std::move(conn));
    while (list.size() > max_per_origin_) {
        list.front()->close();
        list.pop_front();
    }
}

void ConnectionPool::clear() {
    for (auto& [origin, list] : idle_)
        for (auto& conn : list)
            conn->close();
    idle_.clear();
}

std::size_t ConnectionPool::idle_count() const {
    std::size_t n = 0;
    for (const auto& [origin, list] : idle_)
        n += list.size();
    return n;
}

}  // namespace zc::net::detail
