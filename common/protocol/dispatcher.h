#pragma once
// Routes requests to command handlers. One registration per command, with its argument schema,
// so that validation, `list-commands` and docs/control-api.md all come from the same table.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "protocol/command_spec.h"
#include "protocol/message.h"

namespace zc::protocol {

/// Handed to a handler for one request; it may be kept to reply later (asynchronously).
/// reply() may be called once; a streaming command then calls subscribe().
class Responder {
  public:
    virtual ~Responder() = default;
    virtual void reply(Response response) = 0;
    /// Streaming commands only: route events whose name is in `events` (empty = all) to the
    /// client until it disconnects.
    virtual void subscribe(std::vector<std::string> events) = 0;
};

using Handler = std::function<void(const Request&, std::shared_ptr<Responder>)>;

class Dispatcher {
  public:
    /// Throws std::logic_error when the name is taken (a programming error, found by tests).
    void add(CommandSpec spec, Handler handler);
    /// Validates and calls the handler; unknown commands get result 2 and bad arguments result 1,
    /// both with a text that names the problem. Exceptions from handlers become result 1.
    void dispatch(const Request& request, const std::shared_ptr<Responder>& responder) const;

    std::vector<CommandSpec> specs() const;  // sorted by name
    bool has(const std::string& name) const { return entries_.count(name) != 0; }

  private:
    struct Entry {
        CommandSpec spec;
        Handler handler;
    };
    std::map<std::string, Entry> entries_;
};

}  // namespace zc::protocol
