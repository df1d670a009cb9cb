#include "fuzz/fuzz_bot.hpp"

#include <boost/json.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <set>

#include <unistd.h>

#include "app/admin_state.hpp"
#include "app/bot_modules.hpp"
#include "app/held_messages.hpp"
#include "app/job_runner.hpp"
#include "app/module_services.hpp"
#include "app/sessions.hpp"
#include "app/user_tracker.hpp"
#include "app/users_directory.hpp"
#include "content/module_declarations.hpp"
#include "content/reader/reader.hpp"
#include "content/snapshot.hpp"
#include "core/log.hpp"
#include "core/manual_executor.hpp"
#include "dispatch/dispatcher.hpp"
#include "fuzz/fuzz_sender.hpp"
#include "telegram/webhook_receiver.hpp"

#ifndef COREBOT_FUZZ_CONTENT
#error "COREBOT_FUZZ_CONTENT must name the fuzz bot's content folder (fuzz/bot)"
#endif

namespace corebot::fuzz {
namespace json = boost::json;

namespace {

constexpr std::int64_t kOwner = 1009;
constexpr std::int64_t kSupportGroup = -1001000000777;
constexpr const char* kSecret = "fuzz_secret_token";

// Store results, posted by the store's worker thread, run on the fuzzer's thread by settle().
class StoreResults {
 public:
  void post(std::function<void()> fn) {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(fn));
    ready_.notify_one();
  }
  // Runs results as they arrive until `done` holds. Returns how many ran.
  std::size_t run_until(const bool& done) {
    std::size_t ran = 0;
    while (!done) {
      std::unique_lock lock(mutex_);
      if (!ready_.wait_for(lock, std::chrono::seconds(30), [&] { return !queue_.empty(); })) {
        finding("the store never answered (a worker stuck for 30 s)");
      }
      auto fn = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      fn();
      ++ran;
    }
    return ran;
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;
};

// The temporary SQLite file, removed with its WAL when the bot goes.
struct TempDb {
  TempDb() {
    static std::atomic<int> counter{0};
    const std::filesystem::path dir =
        std::filesystem::exists("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
    path = (dir / ("corebot-fuzz-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) +
                   ".db"))
               .string();
  }
  ~TempDb() {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::filesystem::remove(path + suffix, ignored);
    }
  }
  std::string path;
};

app::EngineConfig fuzz_config() {
  app::EngineConfig config;
  config.content_source = COREBOT_FUZZ_CONTENT;
  config.admin_owners = {kOwner};
  config.modules_enabled = {"shop", "support"};
  config.module_config["support"] = json::object{{"group_id", kSupportGroup}};
  return config;
}

// The content, compiled once (it is immutable and shared, as the engine shares a snapshot).
std::shared_ptr<const Content> fuzz_content(const ModuleRegistry& registry) {
  static const std::shared_ptr<const Content> content = [&]() -> std::shared_ptr<const Content> {
    auto read = content::read_workbook(COREBOT_FUZZ_CONTENT);
    if (!read.ok()) finding("fuzz/bot does not read: " + read.error);
    auto compiled = content::compile_snapshot(std::move(*read.workbook),
                                              content::compile_options(registry.infos()));
    if (!compiled.snapshot) finding("fuzz/bot does not compile: " + compiled.report.to_string());
    return compiled.snapshot;
  }();
  return content;
}

}  // namespace

struct FuzzBot::World {
  // Teardown runs in reverse: the modules stop, then the engine's parts go, the store last but
  // one (its worker joins and posts its last results to `results`, which goes after it).
  TempDb db;
  StoreResults results;
  core::ManualClock clock{core::TimePoint{} + std::chrono::hours(24 * 20454)};  // 2026-01-01
  core::ManualExecutor executor{clock};
  FuzzSender sender;
  std::unique_ptr<AsyncStore> store;
  app::EngineConfig config = fuzz_config();
  ModuleRegistry registry;
  std::shared_ptr<const Content> content;
  std::unique_ptr<app::UserTracker> users;
  std::unique_ptr<app::UsersDirectory> users_directory;
  std::unique_ptr<app::AdminState> admin_state;
  std::unique_ptr<app::HeldMessages> held_messages;
  std::unique_ptr<app::JobRunner> jobs;
  std::unique_ptr<app::Sessions> sessions;
  std::unique_ptr<dispatch::Dispatcher> dispatcher;
  std::vector<std::unique_ptr<app::EngineServices>> services;
  std::set<const Context*> unsaved_sessions;
  std::unique_ptr<telegram::WebhookReceiver> webhook;
  std::size_t modules_started = 0;

  World() {
    store = std::make_unique<AsyncStore>(
        std::shared_ptr<DocumentStore>(open_store("sqlite://" + db.path)),
        [this](std::function<void()> fn) { results.post(std::move(fn)); }, 1);
    app::register_modules(config, {}, registry);
    content = fuzz_content(registry);
    users = std::make_unique<app::UserTracker>(*store, executor, clock);
    users_directory = std::make_unique<app::UsersDirectory>(*store, clock);
    admin_state = std::make_unique<app::AdminState>(*store, clock, config.admin_owners);
    for (const ModuleInfo& info : registry.infos()) {
      for (const auto& e : info.exports) admin_state->exportable.insert({info.name, e.collection});
    }
    held_messages = std::make_unique<app::HeldMessages>(*store, sender);
    users_directory->set_held_messages(held_messages.get());
    jobs = std::make_unique<app::JobRunner>(*store, executor, clock,
                                            [](const std::string&, const std::string&) {});
    sessions = std::make_unique<app::Sessions>(*store);
    sender.on_blocked = [this](std::int64_t chat) { users->set_blocked(chat, true); };
    make_dispatcher();
    make_services();
    start();
    webhook = std::make_unique<telegram::WebhookReceiver>(
        executor, [](const telegram::ApiRequest&, std::function<void(telegram::ApiResult)>) {},
        telegram::WebhookOptions{.secret = kSecret},
        [this](telegram::SharedUpdate update, std::function<void()> handled) {
          dispatcher->dispatch(std::move(update), std::move(handled));
        },
        [](const std::string& message) { finding("webhook fatal error: " + message); });
  }

  ~World() {
    jobs->stop();
    const auto& modules = registry.modules();
    for (std::size_t i = modules_started; i-- > 0;) {
      modules[i]->stop();
      services[i]->cancel_timers();
    }
    settle();
  }

  // The engine's middleware and hooks (src/app/engine.cpp), in its order.
  void make_dispatcher() {
    dispatcher = std::make_unique<dispatch::Dispatcher>(
        registry, sender, [this](std::function<void()> fn) { executor.post(std::move(fn)); });
    dispatcher->add_middleware(dispatch::Phase::kBefore, [this](Context& ctx) {
      users->observe(ctx);
      return Handled::kContinue;
    });
    dispatcher->add_middleware(dispatch::Phase::kBefore, [this](Context& ctx) {
      if (ctx.user_id()) held_messages->user_seen(*ctx.user_id(), ctx.username());
      return Handled::kContinue;
    });
    dispatcher->add_middleware(dispatch::Phase::kBefore, [this](Context& ctx) {
      return ctx.user_id() && users_directory->banned(*ctx.user_id()) ? Handled::kStop
                                                                      : Handled::kContinue;
    });
    dispatcher->add_middleware(dispatch::Phase::kBefore, [this](Context& ctx) {
      if (!admin_state->maintenance() || ctx.role() >= Role::kOperator) return Handled::kContinue;
      if (ctx.chat_id()) ctx.reply(ctx.text("admin_maintenance_text", "Under maintenance."));
      return Handled::kStop;
    });
    dispatch::ContextHooks hooks;
    hooks.prepare = [this](Context& ctx, std::function<void()> ready) {
      ctx.attach(content, store.get(), users_directory.get());
      admin_state->when_loaded([this, &ctx, ready = std::move(ready)]() mutable {
        if (ctx.user_id()) {
          ctx.set_role(admin_state->resolve(ctx.content(), *ctx.user_id(), ctx.username()));
        }
        if (!ctx.chat_id() || !ctx.user_id()) return ready();
        sessions->load(*ctx.chat_id(), *ctx.user_id(),
                       [this, &ctx, ready = std::move(ready)](std::optional<json::object> s) {
                         if (!s) unsaved_sessions.insert(&ctx);
                         ctx.load_session(s ? std::move(*s) : json::object{});
                         ready();
                       });
      });
    };
    hooks.release = [this](Context& ctx) {
      if (unsaved_sessions.erase(&ctx) > 0) return;
      if (ctx.chat_id() && ctx.user_id() && ctx.session_changed()) {
        sessions->save(*ctx.chat_id(), *ctx.user_id(), ctx.session());
      }
    };
    dispatcher->set_hooks(std::move(hooks));
  }

  void make_services() {
    app::SharedServices shared;
    shared.sender = &sender;
    shared.clock = &clock;
    shared.executor = &executor;
    shared.users = users_directory.get();
    shared.store = store.get();
    shared.jobs = [this](const std::string& module) -> Jobs& { return jobs->for_module(module); };
    shared.content = [this] { return content; };
    shared.reload = [this](std::function<void(const ReloadReport&)> done) {
      executor.post([done = std::move(done)] { done(ReloadReport{true, "Content reloaded."}); });
    };
    shared.modules = &registry.infos();
    shared.admin_api = [](const std::string&, std::string, AdminApiHandler) {};
    shared.module_error = [](const std::string&, const std::string&) {};
    shared.admin = admin_state.get();
    for (const ModuleInfo& info : registry.infos()) {
      auto table = config.module_config.find(info.name);
      services.push_back(std::make_unique<app::EngineServices>(
          info, table == config.module_config.end() ? json::object{} : table->second, shared));
    }
  }

  void start() {
    const auto& modules = registry.modules();
    for (std::size_t i = 0; i < modules.size(); ++i) {
      modules[i]->start(*services[i]);
      ++modules_started;
    }
    users_directory->load([](const std::string&) {});
    admin_state->load();
    held_messages->load();
    jobs->start();
    settle();
  }

  // Runs posted work, the Bot API's answers and the store's results until none is left. The
  // store is asked for a no-op and its answer awaited: with one worker, every result of work
  // asked before it has arrived by then, so the order of a run depends on the input alone.
  void settle() {
    for (int round = 0; round < 100000; ++round) {
      std::size_t ran = executor.run_ready();
      ran += sender.answer_all();
      bool arrived = false;
      store->run([](DocumentStore&) {},
                 [&arrived](const StoreResult<std::monostate>&) { arrived = true; });
      ran += results.run_until(arrived) - 1;
      if (ran == 0) return;
    }
    finding("the bot never settles (work keeps making work)");
  }
};

// The log would drown the fuzzer's own output: errors only (what a finding needs to explain).
namespace {
struct QuietLog {
  QuietLog() {
    core::init_logging("error");
    if (std::getenv("COREBOT_FUZZ_LOG") != nullptr)
      core::set_log_level(std::getenv("COREBOT_FUZZ_LOG"));
  }
};

}  // namespace

FuzzBot::FuzzBot() {
  static QuietLog quiet;
  world_ = std::make_unique<World>();
}

FuzzBot::~FuzzBot() = default;

void FuzzBot::post(const std::string& body) {
  net::HttpRequest request;
  request.method = "POST";
  request.target = request.path = "/telegram";
  request.headers = {{"X-Telegram-Bot-Api-Secret-Token", kSecret},
                     {"Content-Type", "application/json"}};
  request.body = body;
  request.remote_address = "127.0.0.1";
  int answers = 0;
  int status = 0;
  world_->webhook->handle(std::move(request), [&](net::HttpResponse response) {
    ++answers;
    status = response.status;
  });
  world_->settle();
  if (answers != 1) {
    finding("the webhook answered a body " + std::to_string(answers) +
            " times once the bot settled (an update never handled, or answered twice)");
  }
  if (status != 200) finding("the webhook answered " + std::to_string(status) + ", not 200");
  if (world_->dispatcher->pending() != 0) {
    finding(std::to_string(world_->dispatcher->pending()) + " update(s) still pending");
  }
}

void FuzzBot::advance(core::Duration d) {
  world_->executor.advance(d);
  world_->settle();
}

void FuzzBot::set_api_mode(ApiMode mode) { world_->sender.mode = mode; }

const std::vector<SentCall>& FuzzBot::sent() const { return world_->sender.sent; }

const char* FuzzBot::content_dir() { return COREBOT_FUZZ_CONTENT; }

int webhook_one(const std::uint8_t* data, std::size_t size) {
  FuzzBot bot;
  bot.post(std::string(data, data + size));
  bot.advance(std::chrono::seconds(1));  // the user tracker's coalesced write
  return 0;
}

}  // namespace corebot::fuzz
