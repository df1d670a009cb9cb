#include "app/engine.hpp"

#include <boost/json.hpp>

#include <filesystem>
#include <optional>
#include <sstream>

#include "app/bot_content.hpp"
#include "app/broadcasts.hpp"
#include "app/sessions.hpp"
#include "app/user_tracker.hpp"
#include "core/backoff.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"
#include "dispatch/dispatcher.hpp"
#include "net/http_client.hpp"
#include "outbox/outbox.hpp"
#include "telegram/bot_api_client.hpp"
#include "telegram/long_poller.hpp"
#include "telegram/webhook_receiver.hpp"
#include "web/admin_server.hpp"

namespace corebot::app {
namespace json = boost::json;

namespace {

outbox::Priority to_outbox(Priority p) {
  switch (p) {
    case Priority::kInteractive:
      return outbox::Priority::kInteractive;
    case Priority::kAdmin:
      return outbox::Priority::kAdmin;
    case Priority::kNotification:
      return outbox::Priority::kNotification;
    case Priority::kBulk:
      return outbox::Priority::kBulk;
  }
  return outbox::Priority::kInteractive;
}

// Modules' calls enter the outbox here.
class OutboxSender final : public Sender {
 public:
  explicit OutboxSender(outbox::Outbox& outbox) : outbox_(outbox) {}
  void call(std::string method, json::object params, Priority priority, CallDone done) override {
    outbox::OutboxCall call;
    call.request = {std::move(method), std::move(params), {}};
    call.priority = to_outbox(priority);
    if (done) {
      call.done = [done = std::move(done)](const telegram::ApiResult& r) {
        CallResult result;
        result.ok = r.ok;
        result.result = r.result;
        result.error_code = r.error.error_code;
        result.description = r.error.description;
        result.blocked_by_user = outbox::is_blocked_by_user(r.error);
        done(result);
      };
    }
    outbox_.submit(std::move(call));
  }

 private:
  outbox::Outbox& outbox_;
};

}  // namespace

struct Engine::State {
  State(EngineConfig c, net::EventLoop& l, const ModuleRegistry& r)
      : config(std::move(c)),
        loop(l),
        registry(r),
        http(loop, net::HttpClientOptions{.proxy = config.proxy}),
        client(http, telegram::BotApiOptions{.base_url = config.api_url,
                                             .token = config.token,
                                             .request_timeout =
                                                 std::chrono::seconds(config.request_timeout_s)}),
        executor(outbox::make_event_loop_executor(loop)),
        outbox(
            *executor, core::SystemClock::instance(),
            [this](telegram::ApiRequest request, std::function<void(telegram::ApiResult)> done) {
              client.call(std::move(request), std::move(done));
            },
            outbox_options(config)),
        sender(outbox),
        dispatcher(registry, sender,
                   [this](std::function<void()> fn) { loop.post(std::move(fn)); }),
        broadcasts(sender, core::SystemClock::instance()) {
    store = std::make_unique<AsyncStore>(
        open_document_store(config.store_uri),
        [this](std::function<void()> fn) { loop.post(std::move(fn)); });
    users = std::make_unique<UserTracker>(*store, *executor, core::SystemClock::instance());
    if (config.track_users)
      dispatcher.add_middleware(dispatch::Phase::kBefore, [this](Context& ctx) {
        users->observe(ctx);
        return Handled::kContinue;
      });
    sessions = std::make_unique<Sessions>(*store);
    if (!config.content_source.empty()) {
      content = std::make_unique<BotContent>(
          config.content_source, registry, loop,
          content::SourceOptions{
              .download_timeout = std::chrono::seconds(config.content_download_timeout_s),
              .cache_dir = config.content_cache_dir});
      content->load_initial();  // throws ContentLoadError: the bot does not start on bad content
      content->start_polling(config.content_poll_s);
      dispatcher.add_middleware(dispatch::Phase::kBefore,
                                [this](Context& ctx) { return content->on_update(ctx); });
    }
    dispatcher.set_hooks(context_hooks());
    outbox.set_blocked_handler([this](std::int64_t chat_id) {
      if (chat_id > 0) users->set_blocked(chat_id, true);
    });
    if (config.admin_listen.port != 0) start_admin();
  }

  // Opens the store, creating the directory of a SQLite file. Throws StoreError.
  static std::shared_ptr<DocumentStore> open_document_store(const std::string& uri) {
    constexpr std::string_view kSqlite = "sqlite://";
    if (uri.rfind(kSqlite, 0) == 0) {
      std::filesystem::path file(uri.substr(kSqlite.size(), uri.find('?') - kSqlite.size()));
      std::error_code ec;
      if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
    }
    return std::shared_ptr<DocumentStore>(open_store(uri));
  }

  void start_admin();

  // Every update sees one content snapshot and its (chat, user) session; a changed session is
  // saved before the chat's next update starts.
  dispatch::ContextHooks context_hooks() {
    dispatch::ContextHooks hooks;
    hooks.prepare = [this](Context& ctx, std::function<void()> ready) {
      ctx.attach(content ? content->current() : nullptr, store.get());
      if (!ctx.chat_id() || !ctx.user_id()) return ready();
      sessions->load(*ctx.chat_id(), *ctx.user_id(),
                     [&ctx, ready = std::move(ready)](json::object session) {
                       ctx.load_session(std::move(session));  // `ready` keeps ctx alive
                       ready();
                     });
    };
    hooks.release = [this](Context& ctx) {
      if (ctx.chat_id() && ctx.user_id() && ctx.session_changed()) {
        sessions->save(*ctx.chat_id(), *ctx.user_id(), ctx.session());
      }
    };
    return hooks;
  }

  std::string metrics() const {
    const auto& d = dispatcher.stats();
    const auto& u = users->stats();
    std::ostringstream out;
    auto counter = [&out](const char* name, std::uint64_t value) {
      out << "# TYPE " << name << " counter\n" << name << " " << value << "\n";
    };
    counter("corebot_updates_received_total", d.received);
    counter("corebot_updates_handled_total", d.handled);
    counter("corebot_updates_malformed_total", d.malformed);
    counter("corebot_module_errors_total", d.module_errors);
    counter("corebot_user_writes_total", u.written);
    counter("corebot_user_write_failures_total", u.failures);
    out << outbox.metrics_text();
    return out.str();
  }

  static outbox::OutboxOptions outbox_options(const EngineConfig& config) {
    outbox::OutboxOptions options;
    options.global_rate = config.global_per_second;
    options.private_chat_rate = config.private_per_second;
    options.group_limit = static_cast<int>(config.group_per_minute);
    options.paid_broadcast_rate = config.paid_broadcast ? 1000 : 0;
    return options;
  }

  void deliver(json::value update, std::function<void()> handled) {
    dispatcher.dispatch(std::move(update), std::move(handled));
  }

  void fatal(const std::string& message) {
    COREBOT_LOG_ERROR("{}", message);
    exit_code = 2;
    stop_engine({});
  }

  void check_token() {
    client.call({"getMe", {}, {}}, [this](telegram::ApiResult r) {
      if (stopping) return;
      if (r.ok) {
        if (auto* me = r.result.if_object(); me && me->contains("username")) {
          username = json::value_to<std::string>(me->at("username"));
        }
        COREBOT_LOG_INFO("connected to {} as @{}", config.api_url, username);
        return begin_receiving();
      }
      if (auto message = telegram::rejected_token(r.error)) return fatal(*message);
      const core::Duration delay = token_backoff.next();
      COREBOT_LOG_WARN("cannot reach the Bot API at {} ({}); retrying in {} ms", config.api_url,
                       r.error.description, core::to_millis(delay));
      loop.after(delay, [this] {
        if (!stopping) check_token();
      });
    });
  }

  void publish_commands() {
    json::array commands;
    for (const auto& c : registry.commands()) {
      if (c.description.empty()) continue;
      commands.push_back(json::object{{"command", c.name}, {"description", c.description}});
    }
    if (commands.empty()) return;
    sender.call("setMyCommands", {{"commands", std::move(commands)}}, Priority::kAdmin,
                [](const CallResult& r) {
                  if (!r.ok) COREBOT_LOG_WARN("setMyCommands failed: {}", r.description);
                });
  }

  void begin_receiving() {
    publish_commands();
    auto deliver_fn = [this](json::value u, std::function<void()> h) {
      deliver(std::move(u), std::move(h));
    };
    auto fatal_fn = [this](const std::string& m) { fatal(m); };
    if (config.mode == "webhook") {
      telegram::WebhookOptions options;
      options.listen_host = config.webhook_listen.host;
      options.listen_port = config.webhook_listen.port;
      options.path = config.webhook_path;
      options.public_url = config.webhook_url;
      options.secret = config.webhook_secret;
      options.allowed_updates = registry.allowed_updates();
      webhook = std::make_unique<telegram::WebhookReceiver>(*executor, client.transport(), options,
                                                            deliver_fn, fatal_fn);
      try {
        webhook->start(loop);
      } catch (const std::exception& e) {
        return fatal(std::string("webhook: ") + e.what());
      }
      return;
    }
    // A webhook left over from another deployment would make every getUpdates fail with 409.
    client.call({"deleteWebhook", {}, {}}, [this, deliver_fn, fatal_fn](telegram::ApiResult r) {
      if (stopping) return;
      if (!r.ok) COREBOT_LOG_WARN("deleteWebhook failed: {}", r.error.description);
      telegram::LongPollerOptions options;
      options.timeout_s = config.poll_timeout_s;
      options.allowed_updates = registry.allowed_updates();
      poller = std::make_unique<telegram::LongPoller>(*executor, client.transport(), options,
                                                      deliver_fn, fatal_fn);
      poller->start();
    });
  }

  void stop_engine(std::function<void()> done) {
    if (done) on_stopped.push_back(std::move(done));
    if (stopping) return;
    stopping = true;
    if (content) content->stop();
    COREBOT_LOG_INFO("stopping: finishing {} update(s) in progress", dispatcher.pending());
    grace_deadline =
        core::SystemClock::instance().now() + std::chrono::seconds(config.shutdown_grace_s);
    if (webhook) webhook->stop();
    if (poller) {
      poller->stop([this] { wait_for_idle(); });
    } else {
      wait_for_idle();
    }
  }

  // Updates in progress first (they may still queue replies), then the outbox.
  void wait_for_idle() {
    auto now = core::SystemClock::instance().now();
    if (dispatcher.pending() > 0 && now < grace_deadline) {
      loop.after(std::chrono::milliseconds(20), [this] { wait_for_idle(); });
      return;
    }
    if (dispatcher.pending() > 0) {
      COREBOT_LOG_WARN("stopping: grace period over with {} update(s) unfinished",
                       dispatcher.pending());
    }
    auto left = std::max<core::Duration>(grace_deadline - now, core::Duration::zero());
    outbox.drain(left, [this](std::vector<outbox::OutboxCall> unsent) {
      if (!unsent.empty()) {
        COREBOT_LOG_WARN(
            "stopping: {} queued call(s) not sent; a running mailing is not resumed "
            "after a restart (not built yet)",
            unsent.size());
      }
      users->flush([this] { wait_for_sessions(); });
    });
  }

  // A session changed twice in quick succession has its second write queued behind the first;
  // let both land so a restart resumes from the latest state.
  void wait_for_sessions() {
    if (sessions->pending() > 0 && core::SystemClock::instance().now() < grace_deadline) {
      loop.after(std::chrono::milliseconds(20), [this] { wait_for_sessions(); });
      return;
    }
    finish_stop();
  }

  void finish_stop() {
    if (admin) admin->stop();
    http.shutdown();
    auto callbacks = std::move(on_stopped);
    on_stopped.clear();
    for (auto& cb : callbacks) cb();
  }

  EngineConfig config;
  net::EventLoop& loop;
  const ModuleRegistry& registry;
  net::HttpClient http;
  telegram::BotApiClient client;
  std::unique_ptr<core::Executor> executor;
  std::unique_ptr<AsyncStore> store;
  std::unique_ptr<UserTracker> users;
  std::unique_ptr<Sessions> sessions;
  std::unique_ptr<BotContent> content;  // null without [content] source
  outbox::Outbox outbox;
  OutboxSender sender;
  dispatch::Dispatcher dispatcher;
  Broadcasts broadcasts;
  std::unique_ptr<web::AdminServer> admin;
  core::TimePoint started_at = core::SystemClock::instance().now();
  std::unique_ptr<telegram::LongPoller> poller;
  std::unique_ptr<telegram::WebhookReceiver> webhook;
  core::Backoff token_backoff{{}, core::Backoff::random_seed()};  // getMe at start
  std::string username;
  int exit_code = 0;
  bool stopping = false;
  core::TimePoint grace_deadline;
  std::vector<std::function<void()>> on_stopped;
};

namespace {

// Reads the recipients of POST /admin/broadcast: "chat_ids": [..] or "to": "all".
std::optional<std::vector<std::int64_t>> chat_ids_of(const json::object& body) {
  const json::value* ids = body.if_contains("chat_ids");
  if (!ids || !ids->is_array()) return std::nullopt;
  std::vector<std::int64_t> out;
  for (const auto& id : ids->get_array()) {
    if (!id.is_int64()) return std::nullopt;
    out.push_back(id.get_int64());
  }
  return out;
}

}  // namespace

void Engine::State::start_admin() {
  web::AdminHandlers handlers;
  handlers.health = [this] {
    auto uptime = core::SystemClock::instance().now() - started_at;
    return json::object{
        {"bot", username},
        {"receiving", config.mode},
        {"stopping", stopping},
        {"uptime_s", std::chrono::duration_cast<std::chrono::seconds>(uptime).count()},
        {"updates_pending", dispatcher.pending()},
        {"outbox_queued", outbox.size()},
        {"users_pending_write", users->pending()}};
  };
  handlers.metrics = [this] { return metrics(); };
  handlers.broadcast_status = [this](const std::string& id) -> std::optional<json::object> {
    auto progress = broadcasts.progress(id);
    if (!progress) return std::nullopt;
    return progress->to_json();
  };
  handlers.start_broadcast = [this](const json::object& body, web::ReplyFn reply) {
    const json::value* text = body.if_contains("text");
    if (!text || !text->is_string()) {
      return reply({400, json::object{{"ok", false}, {"error", "\"text\" must be a string"}}});
    }
    auto start = [this, reply,
                  text = std::string(text->get_string())](const std::vector<std::int64_t>& ids) {
      try {
        auto id = broadcasts.start(text, ids);
        reply({202, json::object{{"ok", true}, {"result", broadcasts.progress(id)->to_json()}}});
      } catch (const std::invalid_argument& e) {
        reply({400, json::object{{"ok", false}, {"error", e.what()}}});
      }
    };
    if (const json::value* to = body.if_contains("to"); to && *to == "all") {
      // Everyone who wrote to the bot in private and has not blocked it.
      return store->run(
          [](DocumentStore& s) {
            FindOptions options;
            options.projection = {{"_id", 1}};
            std::vector<std::int64_t> ids;
            for (const auto& doc : s.collection(UserTracker::kCollection)
                                       .find({{"blocked", {{"$ne", true}}}}, options)) {
              if (doc.at("_id").is_int64()) ids.push_back(doc.at("_id").get_int64());
            }
            return ids;
          },
          [reply, start](StoreResult<std::vector<std::int64_t>> ids) {
            if (!ids) {
              return reply({503, json::object{{"ok", false},
                                              {"error", std::string("cannot read users: ") +
                                                            ids.error().what()}}});
            }
            start(ids.value());
          });
    }
    auto ids = chat_ids_of(body);
    if (!ids) {
      return reply(
          {400, json::object{{"ok", false},
                             {"error", "give \"chat_ids\": [integers] or \"to\": \"all\""}}});
    }
    start(*ids);
  };
  admin =
      std::make_unique<web::AdminServer>(loop,
                                         web::AdminServerOptions{.host = config.admin_listen.host,
                                                                 .port = config.admin_listen.port,
                                                                 .token = config.admin_token},
                                         std::move(handlers));
  admin->start();
}

Engine::Engine(EngineConfig config, net::EventLoop& loop, const ModuleRegistry& registry)
    : state_(std::make_unique<State>(std::move(config), loop, registry)) {}

Engine::~Engine() = default;

void Engine::start(std::function<void()> stopped) {
  if (stopped) state_->on_stopped.push_back(std::move(stopped));
  state_->check_token();
}

void Engine::stop(std::function<void()> done) { state_->stop_engine(std::move(done)); }

int Engine::exit_code() const { return state_->exit_code; }

std::string Engine::username() const { return state_->username; }

Sender& Engine::sender() { return state_->sender; }

const dispatch::Dispatcher& Engine::dispatcher() const { return state_->dispatcher; }

std::string Engine::metrics_text() const { return state_->metrics(); }

}  // namespace corebot::app
