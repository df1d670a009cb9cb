// Per-stage cost of one reply inside the engine (issue 16), so a regression shows where it
// happened: parse an update, route it to a module that replies (Context, dispatcher, the reply's
// parameters), schedule the call through the outbox, serialize the request body, parse Telegram's
// answer; and all of them in a row. In process, no sockets: the network's share is what
// bench/broadcast/run.py --throughput measures on top of this.
//
//   build/src/app/pipeline_bench --benchmark_format=json > bench/results/pipeline.json
//
// docs/benchmarks.md keeps the table.
#include <benchmark/benchmark.h>

#include <boost/json.hpp>

#include <unistd.h>
#include <deque>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <string>

#include "app/user_tracker.hpp"
#include "bench/common/start_update.hpp"
#include "core/clock.hpp"
#include "core/manual_executor.hpp"
#include "corebot/module.hpp"
#include "corebot/registry.hpp"
#include "dispatch/dispatcher.hpp"
#include "outbox/outbox.hpp"
#include "telegram/bot_api_client.hpp"

namespace {

namespace json = boost::json;
using namespace corebot;

// What Telegram sends for a user's /start, as text.
std::string start_update(std::int64_t id, std::int64_t user) {
  return json::serialize(bench::start_update(id, user));
}

// Telegram's answer to a sendMessage.
const std::string kSentAnswer =
    R"({"ok":true,"result":{"message_id":7,"from":{"id":1,"is_bot":true,"first_name":"Bot",)"
    R"("username":"bench_bot"},"chat":{"id":1001,"first_name":"Ann","type":"private"},)"
    R"("date":1790000000,"text":"Welcome!"}})";

class Replier final : public Module {
 public:
  ModuleInfo info() const override {
    ModuleInfo info;
    info.name = "replier";
    info.commands = {{"start", "start"}};
    return info;
  }
  Handled on_update(Context& ctx) override {
    ctx.reply("Welcome! Choose what you need:");
    return Handled::kStop;
  }
};

// A Sender that drops what it is given (the dispatch stage alone).
class NullSender final : public Sender {
 public:
  using Sender::call;
  void call(ApiCall call, Priority, CallDone) override { benchmark::DoNotOptimize(call); }
};

// The outbox with its limits off (as in --throughput) and a transport that answers at once.
struct OutboxRig {
  core::ManualClock clock;
  core::ManualExecutor executor{clock};
  std::unique_ptr<outbox::Outbox> box;
  explicit OutboxRig(telegram::ApiTransport transport) {
    outbox::OutboxOptions options;
    options.global_rate = 1e9;
    options.private_chat_rate = 1e9;
    options.private_chat_burst = 1e9;
    box = std::make_unique<outbox::Outbox>(executor, clock, std::move(transport), options);
  }
};

void BM_ParseUpdate(benchmark::State& state) {
  const std::string text = start_update(1, 1001);
  for (auto _ : state) benchmark::DoNotOptimize(json::parse(text));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParseUpdate);

void BM_DispatchAndReply(benchmark::State& state) {
  ModuleRegistry registry;
  registry.add(std::make_unique<Replier>());
  NullSender sender;
  std::deque<std::function<void()>> posted;
  dispatch::Dispatcher dispatcher(
      registry, sender, [&](std::function<void()> fn) { posted.push_back(std::move(fn)); });
  const json::value update = json::parse(start_update(1, 1001));
  for (auto _ : state) {
    dispatcher.dispatch(update);
    while (!posted.empty()) {
      auto fn = std::move(posted.front());
      posted.pop_front();
      fn();
    }
  }
}
BENCHMARK(BM_DispatchAndReply);

void BM_OutboxScheduleAndReport(benchmark::State& state) {
  OutboxRig rig([](const telegram::ApiRequest&, std::function<void(telegram::ApiResult)> done) {
    telegram::ApiResult ok;
    ok.ok = true;
    done(std::move(ok));
  });
  std::int64_t chat = 0;
  for (auto _ : state) {
    Sender& sender = *rig.box;
    sender.call({"sendMessage", {{"chat_id", ++chat}, {"text", "Welcome!"}}, {}},
                Priority::kInteractive, [](const CallResult& r) { benchmark::DoNotOptimize(r); });
    rig.executor.run_ready();
  }
}
BENCHMARK(BM_OutboxScheduleAndReport);

void BM_SerializeRequest(benchmark::State& state) {
  const json::object params{
      {"chat_id", 1001},
      {"text", "Welcome! Choose what you need:"},
      {"reply_markup",
       {{"inline_keyboard",
         json::array{json::array{{{"text", "About us"}, {"callback_data", "menu:about"}}}}}}}};
  for (auto _ : state) benchmark::DoNotOptimize(json::serialize(params));
}
BENCHMARK(BM_SerializeRequest);

void BM_ParseAnswer(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(telegram::BotApiClient::parse_response(200, kSentAnswer, ""));
  }
}
BENCHMARK(BM_ParseAnswer);

// Telegram's answer to a getUpdates that brought 100 users' /start: the poller's share per batch.
void BM_ParseUpdatesBatch(benchmark::State& state) {
  std::string body = R"({"ok":true,"result":[)";
  for (int i = 0; i < 100; ++i) body += (i ? "," : "") + start_update(i, 1000 + i);
  body += "]}";
  for (auto _ : state) {
    benchmark::DoNotOptimize(telegram::BotApiClient::parse_response(200, body, ""));
  }
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(BM_ParseUpdatesBatch);

// Every stage in a row, as one reply goes through the engine minus the sockets.
void BM_ReplyInProcess(benchmark::State& state) {
  OutboxRig rig(
      [](const telegram::ApiRequest& request, std::function<void(telegram::ApiResult)> done) {
        benchmark::DoNotOptimize(json::serialize(request.params));
        done(telegram::BotApiClient::parse_response(200, kSentAnswer, "", request.wants_result));
      });
  ModuleRegistry registry;
  registry.add(std::make_unique<Replier>());
  std::deque<std::function<void()>> posted;
  dispatch::Dispatcher dispatcher(
      registry, *rig.box, [&](std::function<void()> fn) { posted.push_back(std::move(fn)); });
  std::int64_t id = 0;
  std::vector<std::string> bodies;
  for (int i = 0; i < 1000; ++i) bodies.push_back(start_update(i, 1000 + i));
  for (auto _ : state) {
    ++id;
    dispatcher.dispatch(json::parse(bodies[static_cast<std::size_t>(id % 1000)]));
    while (!posted.empty()) {
      auto fn = std::move(posted.front());
      posted.pop_front();
      fn();
    }
    rig.executor.run_ready();
  }
}
BENCHMARK(BM_ReplyInProcess);

// The user tracker's store write (SQLite, one full batch a flush, as under load): what tracking
// costs per user beside the reply. New users insert a user and an activity document each; known
// users seen again the same day rewrite their user document only.
void track_users(benchmark::State& state, bool known) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("corebot_track_bench_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    std::shared_ptr<DocumentStore> store(open_store("sqlite://" + (dir / "bot.db").string()));
    // Completions run on the store's worker; the benchmark thread waits for them.
    AsyncStore async(store, [](std::function<void()> fn) { fn(); });
    core::ManualClock clock;
    core::ManualExecutor executor{clock};
    NullSender sender;
    app::UserTracker tracker(async, executor, clock);
    const auto batch = static_cast<std::int64_t>(app::UserTrackerOptions{}.max_batch);
    std::int64_t next_user = 1000;
    auto track_batch = [&](std::int64_t first) {
      for (std::int64_t user = first; user < first + batch; ++user) {
        tracker.observe(Context(bench::start_update(user, user), sender));
      }
      std::promise<void> written;
      tracker.flush([&] { written.set_value(); });
      written.get_future().wait();
    };
    if (known) track_batch(next_user);
    for (auto _ : state) {
      track_batch(next_user);
      if (!known) next_user += batch;
    }
    state.SetItemsProcessed(state.iterations() * batch);
  }
  std::filesystem::remove_all(dir);
}
void BM_TrackNewUsers(benchmark::State& state) { track_users(state, false); }
BENCHMARK(BM_TrackNewUsers)->MeasureProcessCPUTime()->UseRealTime();
void BM_TrackKnownUsers(benchmark::State& state) { track_users(state, true); }
BENCHMARK(BM_TrackKnownUsers)->MeasureProcessCPUTime()->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
