// Routes updates to modules. Updates of one chat are handled one at a time, in arrival order;
// updates of different chats run interleaved on the loop thread (a module that waits on I/O holds
// its Context and the chat's next update waits, while other chats go on).
//
// Life of an update: parse check, the Context built (once) -> the chat's queue -> prepare hook
// (content, session) -> before-middleware -> command / callback prefix / update kind routing to
// modules (until one returns kStop) -> after-middleware -> unanswered callback queries are
// answered -> the Context is released -> release hook (saves the session) -> `handled` runs ->
// the chat's next update starts.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "corebot/module.hpp"
#include "corebot/registry.hpp"

namespace corebot::dispatch {

enum class Phase { kBefore, kAfter };
// A middleware sees every update; in kBefore, kStop ends the update's routing.
using Middleware = std::function<Handled(Context&)>;
// Runs a function later on the loop thread (the engine passes EventLoop::post).
using Post = std::function<void(std::function<void()>)>;

// How the engine fills a Context before the modules see it and cleans up after. Both optional.
struct ContextHooks {
  // Runs first for every update: attaches the content snapshot, loads the session... and calls
  // `ready` (possibly later, on the loop thread) to let the update go on. Never calling it
  // leaves the chat stuck, so implementations must call it on failure paths too.
  std::function<void(Context&, std::function<void()> ready)> prepare;
  // Runs once every holder released the Context, before the chat's next update is started
  // (e.g. to save the session so that update sees it).
  std::function<void(Context&)> release;
};

struct DispatchStats {
  std::uint64_t received = 0;
  std::uint64_t handled = 0;
  std::uint64_t malformed = 0;      // not an object, no update_id
  std::uint64_t module_errors = 0;  // exceptions thrown by modules or middleware
  std::uint64_t unrouted = 0;       // no module took the update
  std::uint64_t flood_dropped = 0;  // refused: their chat already had kMaxWaitingPerChat waiting
};

// Updates one chat may have waiting behind the one in progress. An update ends only when its
// replies left the outbox (Context::sender()), and a chat gets about one message a second, so a
// flood from one chat would otherwise queue here without bound; the outbox's own per-chat cap is
// the same 200, so nothing the chat could still be answered is refused sooner.
inline constexpr std::size_t kMaxWaitingPerChat = 200;

class Dispatcher {
 public:
  Dispatcher(const ModuleRegistry& registry, Sender& sender, Post post);
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  void add_middleware(Phase phase, Middleware middleware);
  // Replaces the hooks; call before the first dispatch().
  void set_hooks(ContextHooks hooks) { hooks_ = std::move(hooks); }

  // Takes one update as received from Telegram. `handled` runs once on the loop thread when the
  // update was handled (or rejected as malformed). Thread: loop thread.
  void dispatch(boost::json::value update, std::function<void()> handled = {});
  // The same for an update the receiver shares (telegram/update_source.hpp).
  void dispatch(std::shared_ptr<const boost::json::value> update,
                std::function<void()> handled = {});

  // Updates accepted and not yet handled (queued or in progress).
  [[nodiscard]] std::size_t pending() const { return pending_; }
  [[nodiscard]] const DispatchStats& stats() const { return stats_; }

 private:
  // An update waiting for its chat: its Context is built on arrival, so the update is read once.
  struct Item {
    std::unique_ptr<Context> context;
    std::function<void()> handled;
  };
  struct ChatQueue {
    bool busy = false;
    std::deque<Item> waiting;
  };

  void start(Item item);
  void run(Context& ctx);
  void finished(std::optional<std::int64_t> chat, std::function<void()> handled);
  bool call_module(Module& module, Context& ctx);

  const ModuleRegistry& registry_;
  Sender& sender_;
  Post post_;
  std::vector<Middleware> before_;
  std::vector<Middleware> after_;
  ContextHooks hooks_;
  std::map<std::int64_t, ChatQueue> chats_;
  std::size_t pending_ = 0;
  DispatchStats stats_;
  // Contexts may outlive the dispatcher in callbacks; they check this before calling back.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace corebot::dispatch
