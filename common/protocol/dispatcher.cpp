#include "protocol/dispatcher.h"

#include <stdexcept>

namespace zc::protocol {

void Dispatcher::add(CommandSpec spec, Handler handler) {
    auto name = spec.name;
    if (!entries_.emplace(name, Entry{std::move(spec), std::move(handler)}).second)
        throw std::logic_error("control command registered twice: " + name);
}

void Dispatcher::dispatch(const Request& request,
                          const std::shared_ptr<Responder>& responder) const {
    auto it = entries_.find(request.command);
    if (it == entries_.end()) {
        responder->reply(Response{
            request.id, Result::kUnsupported,
            "unknown command \"" + request.command + "\" (list-commands shows the supported ones)",
            nullptr});
        return;
    }
    if (auto problem = validate_arguments(it->second.spec, request.arguments)) {
        responder->reply(Response{request.id, Result::kError, *problem, nullptr});
        return;
    }
    try {
        it->second.handler(request, responder);
    } catch (const std::exception& e) {
        responder->reply(Response{request.id, Result::kError,
                                  "command \"" + request.command + "\" failed: " + e.what(),
                                  nullptr});
    }
}

std::vector<CommandSpec> Dispatcher::specs() const {
    std::vector<CommandSpec> out;
    out.reserve(entries_.size());
    for (const auto& [name, entry] : entries_)
        out.push_back(entry.spec);
    return out;
}

}  // namespace zc::protocol
