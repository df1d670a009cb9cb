// Heap bytes per item of the engine's per-call, per-chat and per-user state (issue 16), measured
// deterministically: glibc's mallinfo2() (bytes in use, all arenas, mmapped blocks included)
// before and after N items are held, divided by N. No RSS: RSS counts pages, lags frees and
// depends on the allocator's trimming; heap bytes in use are exact and repeatable.
//
//   build/src/app/memory_bench > bench/results/memory.json
//
// Items (every one built the way the engine builds it, no I/O, manual clock):
// - outbox_call_own_chat: a typical mailing sendMessage (kBulk) queued in the Outbox to a chat of
//   its own (a transport that never answers, the clock stopped: they stay queued), i.e. one
//   queued call plus its chat's limiter state — what a mailing window or a reply storm costs;
// - outbox_call_shared_chat: the same calls, 200 per chat (the per-chat cap): the call alone;
// - outbox_chat: the difference, the limiter state of one chat;
// - dispatcher_waiting_update: a /start update waiting behind its chat's update in progress
//   (its Context is built on arrival: the parsed update is held);
// - dispatcher_chat_in_progress: one chat with an update in progress (its Context, the chat's
//   queue entry);
// - user_tracker_pending: a user seen since the last users write (its coalesced change);
// - user_tracker_retained: what stays per user after the write (the "active today" map);
// - sessions_pending_save: a saved session whose store write is still queued.
// docs/benchmarks.md, "Memory per item and the 100,000-recipient mailing", keeps the table.
#include <malloc.h>

#include <boost/json.hpp>

#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "app/sessions.hpp"
#include "app/user_tracker.hpp"
#include "bench/common/start_update.hpp"
#include "core/clock.hpp"
#include "core/manual_executor.hpp"
#include "corebot/module.hpp"
#include "corebot/registry.hpp"
#include "corebot/store.hpp"
#include "dispatch/dispatcher.hpp"
#include "outbox/outbox.hpp"

namespace {

namespace json = boost::json;
using namespace corebot;

std::size_t heap_in_use() {
  const struct mallinfo2 m = ::mallinfo2();
  return m.uordblks + m.hblkhd;
}

using bench::start_update;  // a /start as Telegram sends it (~400 bytes of JSON)

struct Result {
  std::string name;
  std::size_t items = 0;
  double bytes_per_item = 0;
  std::string what;
};

// The outbox as the engine configures it for a paid mailing, a transport that never answers.
struct OutboxRig {
  core::ManualClock clock;
  core::ManualExecutor executor{clock};
  std::vector<std::function<void(telegram::ApiResult)>> held;  // answers never given
  std::unique_ptr<outbox::Outbox> box;
  OutboxRig() {
    outbox::OutboxOptions options;
    options.paid_broadcast_rate = 1000;
    options.max_queued = 10'000'000;  // the bench holds more than the default bound
    box = std::make_unique<outbox::Outbox>(
        executor, clock,
        [this](telegram::ApiRequest, std::function<void(telegram::ApiResult)> done) {
          held.push_back(std::move(done));
        },
        options);
    held.reserve(4096);
  }
};

// N mailing calls over `chats` chats queued in a started outbox; bytes per call.
double outbox_bytes_per_call(std::size_t n, std::size_t chats) {
  OutboxRig rig;
  rig.executor.run_ready();
  // The mailing's Run, which every call's callback points to (weakly).
  auto owner = std::make_shared<int>(0);
  const std::size_t before = heap_in_use();
  Sender& sender = *rig.box;
  for (std::size_t i = 0; i < n; ++i) {
    const auto chat = static_cast<std::int64_t>(1'000'000 + i % chats);
    // The mailing's call (modules/mailing/mailing_run.cpp): text, chat, paid flag, a callback
    // holding a weak pointer and three integers.
    std::weak_ptr<int> weak = owner;
    sender.call({"sendMessage",
                 {{"chat_id", chat},
                  {"text", "Our spring sale starts tomorrow: 20% off everything until Sunday."},
                  {"allow_paid_broadcast", true}},
                 {}},
                Priority::kBulk,
                [weak, index = static_cast<std::int64_t>(i), chat](const CallResult& r) {
                  if (auto s = weak.lock()) *s += static_cast<int>(index + chat) + r.ok;
                });
  }
  rig.executor.run_ready();
  const std::size_t after = heap_in_use();
  return static_cast<double>(after - before) / static_cast<double>(n);
}

// Updates held in the dispatcher: `chats` chats, `per_chat` updates each. The prepare hook keeps
// every chat's first update in progress (as a session load waiting on the store does), so the
// others wait behind it. Everything the dispatcher holds counts: the parsed update moved into its
// Context, the Context, the queue entry, the continuation.
double dispatcher_bytes(std::size_t chats, std::size_t per_chat) {
  ModuleRegistry registry;
  struct NullSender final : Sender {
    using Sender::call;
    void call(ApiCall, Priority, CallDone) override {}
  } sender;
  std::deque<std::function<void()>> posted;
  std::vector<std::function<void()>> held;
  held.reserve(chats);
  dispatch::Dispatcher dispatcher(
      registry, sender, [&](std::function<void()> fn) { posted.push_back(std::move(fn)); });
  dispatch::ContextHooks hooks;
  hooks.prepare = [&](Context&, std::function<void()> ready) { held.push_back(std::move(ready)); };
  dispatcher.set_hooks(std::move(hooks));
  const std::size_t n = chats * per_chat;
  const std::size_t before = heap_in_use();
  for (std::size_t i = 0; i < n; ++i) {
    // Parsed as the long poller parses a batch, then handed over.
    dispatcher.dispatch(json::value(start_update(static_cast<std::int64_t>(i),
                                                 static_cast<std::int64_t>(1'000'000 + i % chats))),
                        [] {});
  }
  while (!posted.empty()) {
    auto fn = std::move(posted.front());
    posted.pop_front();
    fn();
  }
  const std::size_t after = heap_in_use();
  return (static_cast<double>(after) - static_cast<double>(before)) / static_cast<double>(n);
}

// The JSON of one parsed /start (part of each dispatcher figure).
double parsed_update_bytes(std::size_t n) {
  std::vector<json::value> updates;
  updates.reserve(n);
  const std::size_t before = heap_in_use();
  for (std::size_t i = 0; i < n; ++i) {
    updates.emplace_back(start_update(static_cast<std::int64_t>(i), 1'000'000));
  }
  const std::size_t after = heap_in_use();
  return static_cast<double>(after - before) / static_cast<double>(n);
}

struct StoreRig {
  std::filesystem::path dir;
  std::shared_ptr<DocumentStore> store;
  std::mutex mutex;
  std::deque<std::function<void()>> inbox;
  std::unique_ptr<AsyncStore> async;
  StoreRig() {
    dir = std::filesystem::temp_directory_path() /
          ("corebot_memory_bench_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    store = std::shared_ptr<DocumentStore>(
        open_store("sqlite://" + (dir / "bot.db").string() + "?synchronous=normal"));
    async = std::make_unique<AsyncStore>(store, [this](std::function<void()> fn) {
      std::lock_guard lock(mutex);
      inbox.push_back(std::move(fn));
    });
  }
  ~StoreRig() {
    async.reset();
    store.reset();
    std::filesystem::remove_all(dir);
  }
  // Runs posted results until `done` is true.
  void run_until(const bool& done) {
    while (!done) {
      std::deque<std::function<void()>> ready;
      {
        std::lock_guard lock(mutex);
        ready.swap(inbox);
      }
      for (auto& fn : ready) fn();
      if (!done) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
};

// A store that accepts every write and keeps nothing: what the engine itself holds per user,
// without the backend's caches (SQLite's page cache grows with what it wrote, up to its bound).
class NullCollection final : public Collection {
 public:
  const std::string& name() const override { return name_; }
  json::value insert_one(json::object) override { return {}; }
  std::vector<json::value> insert_many(std::vector<json::object> docs) override {
    return std::vector<json::value>(docs.size());
  }
  std::vector<json::object> find(const json::object&, const FindOptions&) override { return {}; }
  std::optional<json::object> find_one(const json::object&, const FindOptions&) override {
    return std::nullopt;
  }
  std::unique_ptr<Cursor> find_cursor(const json::object&, const FindOptions&) override {
    throw StoreError(StoreErrorKind::kInvalidArgument, name_, "", "not in this bench");
  }
  std::int64_t count(const json::object&) override { return 0; }
  UpdateResult update_one(const json::object&, const json::object&, const UpdateOptions&) override {
    return {};
  }
  UpdateResult update_many(const json::object&, const json::object&,
                           const UpdateOptions&) override {
    return {};
  }
  std::vector<UpdateResult> update_each(const std::vector<UpdateSpec>& specs) override {
    return std::vector<UpdateResult>(specs.size());
  }
  UpdateResult replace_one(const json::object&, json::object, const UpdateOptions&) override {
    return {};
  }
  std::int64_t delete_one(const json::object&) override { return 0; }
  std::int64_t delete_many(const json::object&) override { return 0; }
  void create_index(const IndexSpec&) override {}

 private:
  std::string name_ = "any";
};

class NullStore final : public DocumentStore {
 public:
  Collection& collection(std::string_view) override { return collection_; }
  std::vector<std::string> list_collections() override { return {}; }
  void drop_collection(std::string_view) override {}

 private:
  NullCollection collection_;
};

// `n` users observed (pending), then written (what stays).
void user_tracker_bytes(std::size_t n, std::vector<Result>& out) {
  std::mutex mutex;
  std::deque<std::function<void()>> inbox;
  AsyncStore async(std::make_shared<NullStore>(), [&](std::function<void()> fn) {
    std::lock_guard lock(mutex);
    inbox.push_back(std::move(fn));
  });
  auto run_until = [&](const bool& done) {
    while (!done) {
      std::deque<std::function<void()>> ready;
      {
        std::lock_guard lock(mutex);
        ready.swap(inbox);
      }
      for (auto& fn : ready) fn();
      if (!done) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  };
  core::ManualClock clock;
  core::ManualExecutor executor{clock};
  app::UserTrackerOptions options;
  options.max_batch = n + 1;                       // nothing written until flush()
  options.flush_interval = std::chrono::hours(1);  // the clock does not move anyway
  struct NullSender final : Sender {
    using Sender::call;
    void call(ApiCall, Priority, CallDone) override {}
  } sender;
  std::vector<std::unique_ptr<Context>> contexts;
  contexts.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    contexts.push_back(std::make_unique<Context>(
        start_update(static_cast<std::int64_t>(i), static_cast<std::int64_t>(5'000'000 + i)),
        sender));
  }
  app::UserTracker tracker(async, executor, clock, options);
  {  // a warm-up write: the workers' first allocations happen before the baseline
    Context warm(start_update(0, 4'000'000), sender);
    tracker.observe(warm);
    bool done = false;
    tracker.flush([&] { done = true; });
    run_until(done);
  }
  const std::size_t before = heap_in_use();
  for (auto& ctx : contexts) tracker.observe(*ctx);
  const std::size_t pending = heap_in_use();
  bool done = false;
  tracker.flush([&] { done = true; });
  run_until(done);
  // The worker lets go of the batch's closure just after posting the result: give it time.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  bool settled = false;
  async.run([](DocumentStore&) { return 0; }, [&](StoreResult<int>) { settled = true; });
  run_until(settled);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  executor.run_ready();
  const std::size_t retained = heap_in_use();
  out.push_back({"user_tracker_pending", n,
                 static_cast<double>(pending - before) / static_cast<double>(n),
                 "a user seen since the last write of the users collection (its coalesced "
                 "change); bounded by max_batch (500) and the 0.5 s flush"});
  out.push_back(
      {"user_tracker_retained", n,
       (static_cast<double>(retained) - static_cast<double>(before)) / static_cast<double>(n),
       "what stays per user after the write (a store that keeps nothing, so no "
       "backend cache counts): the day each user was last counted active, kept for "
       "the process's life, one entry per user who wrote"});
}

double sessions_bytes(std::size_t n) {
  // Both store workers are held busy, so every save stays in the cache as while its write is
  // queued behind a slow disk (and no store work allocates during the measurement).
  StoreRig rig;
  std::mutex gate_mutex;
  std::condition_variable gate;
  bool open = false;
  int blocked = 0;
  for (int i = 0; i < 2; ++i) {
    rig.async->run(
        [&](DocumentStore&) {
          std::unique_lock lock(gate_mutex);
          ++blocked;
          gate.notify_all();
          gate.wait(lock, [&] { return open; });
          return 0;
        },
        [](StoreResult<int>) {});
  }
  {
    std::unique_lock lock(gate_mutex);
    gate.wait(lock, [&] { return blocked == 2; });
  }
  app::Sessions sessions(*rig.async);
  const std::size_t before = heap_in_use();
  for (std::size_t i = 0; i < n; ++i) {
    const auto id = static_cast<std::int64_t>(1'000'000 + i);
    sessions.save(id, id, json::object{{"form", "order"}, {"step", 2}, {"name", "Ann Lee"}});
  }
  const std::size_t after = heap_in_use();
  {
    std::lock_guard lock(gate_mutex);
    open = true;
  }
  gate.notify_all();
  rig.async.reset();  // finishes the queued writes before the rig goes
  return static_cast<double>(after - before) / static_cast<double>(n);
}

}  // namespace

int main() {
  constexpr std::size_t kCalls = 50'000;
  constexpr std::size_t kChatCap = 200;  // OutboxOptions::max_queued_per_chat
  std::vector<Result> results;

  const double own = outbox_bytes_per_call(kCalls, kCalls);
  const double shared = outbox_bytes_per_call(kCalls, kCalls / kChatCap);
  results.push_back({"outbox_call_own_chat", kCalls, own,
                     "a queued mailing sendMessage (kBulk, paid) to a chat of its own: the call "
                     "and its chat's limiter state"});
  results.push_back({"outbox_call_shared_chat", kCalls, shared,
                     "the same calls, 200 per chat: the queued call alone"});
  results.push_back({"outbox_chat", kCalls, own - shared,
                     "the limiter state and lanes of one chat with calls queued (the "
                     "difference); dropped 1 s after the chat's last call"});

  const double update_json = parsed_update_bytes(20'000);
  results.push_back({"parsed_update", 20'000, update_json,
                     "one /start update parsed into boost::json (held by its Context)"});
  results.push_back({"dispatcher_waiting_update", 20'000, dispatcher_bytes(100, 200),
                     "an update waiting behind its chat's update in progress (its Context with "
                     "the parsed update, the queue entry); at most 200 per chat"});
  results.push_back({"dispatcher_chat_in_progress", 20'000, dispatcher_bytes(20'000, 1),
                     "a chat with one update in progress (its Context with the parsed update, "
                     "the chat's queue, the held continuation)"});
  user_tracker_bytes(20'000, results);
  results.push_back({"sessions_pending_save", 20'000, sessions_bytes(20'000),
                     "a session saved while its store write is still queued (a small form "
                     "state); freed when the write is done"});

  json::array items;
  for (const auto& r : results) {
    items.push_back(json::object{{"name", r.name},
                                 {"items", r.items},
                                 {"bytes_per_item", std::lround(r.bytes_per_item)},
                                 {"what", r.what}});
  }
  json::object out{{"what",
                    "heap bytes per item (glibc mallinfo2: uordblks + hblkhd, all arenas), "
                    "before/after N items held"},
                   {"items", std::move(items)}};
  std::puts(json::serialize(out).c_str());
  return 0;
}
