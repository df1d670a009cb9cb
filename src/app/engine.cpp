#include "app/engine.hpp"

#include <boost/json.hpp>

#include <deque>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "app/admin_api.hpp"
#include "app/admin_state.hpp"
#include "app/bot_content.hpp"
#include "app/health.hpp"
#include "app/held_messages.hpp"
#include "app/job_runner.hpp"
#include "app/module_services.hpp"
#include "app/panel_backup.hpp"
#include "app/sessions.hpp"
#include "app/transport_metrics.hpp"
#include "app/update_inbox.hpp"
#include "app/user_tracker.hpp"
#include "app/users_directory.hpp"
#include "core/backoff.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"
#include "core/metrics_text.hpp"
#include "core/private_files.hpp"
#include "core/trim_memory.hpp"
#include "dispatch/dispatcher.hpp"
#include "net/http_client.hpp"
#include "net/keepalive_client.hpp"
#include "outbox/outbox.hpp"
#include "telegram/bot_api_client.hpp"
#include "telegram/long_poller.hpp"
#include "telegram/webhook_receiver.hpp"
#include "web/admin_server.hpp"

namespace corebot::app {
namespace json = boost::json;

struct Engine::State {
  State(EngineConfig c, net::EventLoop& l, const ModuleRegistry& r)
      : config(std::move(c)),
        loop(l),
        registry(r),
        http(loop, net::HttpClientOptions{.proxy = config.proxy}),
        keepalive(make_keepalive_client(config, loop)),
        client(http,
               telegram::BotApiOptions{
                   .base_url = config.api_url,
                   .token = config.token,
                   .request_timeout = std::chrono::seconds(config.request_timeout_s)},
               keepalive.get()),
        executor(outbox::make_event_loop_executor(loop)),
        outbox(
            *executor, core::SystemClock::instance(),
            [this](const telegram::ApiRequest& request,
                   std::function<void(telegram::ApiResult)> done) {
              client.call(request, std::move(done));
            },
            outbox_options(config)),
        dispatcher(registry, outbox,
                   [this](std::function<void()> fn) { loop.post(std::move(fn)); }) {
    store = std::make_unique<AsyncStore>(
        open_document_store(config.store_uri),
        [this](std::function<void()> fn) { loop.post(std::move(fn)); });
    users = std::make_unique<UserTracker>(*store, *executor, core::SystemClock::instance());
    users_directory = std::make_unique<UsersDirectory>(*store);
    admin_state =
        std::make_unique<AdminState>(*store, core::SystemClock::instance(), config.admin_owners);
    for (const ModuleInfo& info : registry.infos()) {
      for (const auto& e : info.exports) admin_state->exportable.insert({info.name, e.collection});
    }
    admin_state->figures_source = [this] { return figures(); };
    panel_backup = std::make_unique<PanelBackup>(*executor, config.store_uri);
    admin_state->backup_source = [this](std::size_t max_bytes, BackupTaken done) {
      panel_backup->take(max_bytes, std::move(done));
    };
    held_messages = std::make_unique<HeldMessages>(*store, outbox);
    users_directory->set_held_messages(held_messages.get());
    jobs =
        std::make_unique<JobRunner>(*store, *executor, core::SystemClock::instance(),
                                    [this](const std::string& module, const std::string& message) {
                                      module_error(module, message);
                                    });
    if (config.track_users)
      dispatcher.add_middleware(dispatch::Phase::kBefore, [this](Context& ctx) {
        users->observe(ctx);
        return Handled::kContinue;
      });
    // Messages kept for someone who had not started the bot leave when they write.
    dispatcher.add_middleware(dispatch::Phase::kBefore, [this](Context& ctx) {
      if (ctx.user_id()) held_messages->user_seen(*ctx.user_id(), ctx.username());
      return Handled::kContinue;
    });
    // A banned user's updates reach no module (the sender is still recorded above).
    dispatcher.add_middleware(dispatch::Phase::kBefore, [this](Context& ctx) {
      if (ctx.user_id() && users_directory->banned(*ctx.user_id())) {
        ++banned_updates;
        return Handled::kStop;
      }
      return Handled::kContinue;
    });
    // Maintenance mode: everyone below the operator role gets the notice and nothing else.
    dispatcher.add_middleware(dispatch::Phase::kBefore, [this](Context& ctx) {
      if (!admin_state->maintenance() || ctx.role() >= Role::kOperator) return Handled::kContinue;
      ++maintenance_updates;
      if (ctx.chat_id()) {
        const bool russian = ctx.language().rfind("ru", 0) == 0;
        ctx.reply(ctx.text("admin_maintenance_text",
                           russian ? "Бот на техническом обслуживании. Пожалуйста, напишите позже."
                                   : "The bot is under maintenance. Please write again later."));
      }
      return Handled::kStop;
    });
    sessions = std::make_unique<Sessions>(*store);
    sessions->prime();
    inbox = std::make_unique<StoreUpdateInbox>(*store, core::SystemClock::instance());
    if (!config.content_source.empty()) {
      content = std::make_unique<BotContent>(
          config.content_source, registry, loop,
          content::SourceOptions{
              .download_timeout = std::chrono::seconds(config.content_download_timeout_s),
              .cache_dir = config.content_cache_dir});
      content->load_initial();  // throws ContentLoadError: the bot does not start on bad content
      content->start_polling(config.content_poll_s);
      // A reload may change which commands can do something (a Forms sheet added or removed).
      content->on_swapped = [this] {
        if (!username.empty() && !stopping) publish_commands();
        if (on_content_swapped && !stopping) on_content_swapped();
      };
    }
    make_module_services();
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
      // The store holds people's data: its folder 0700 and its file 0600 (SQLite gives the WAL and
      // journal the database file's mode), whatever the umask.
      std::filesystem::path file(uri.substr(kSqlite.size(), uri.find('?') - kSqlite.size()));
      if (file.is_absolute()) {
        (void)core::create_private_directories(file.parent_path());
        if (std::string error = core::create_private_file(file); !error.empty()) {
          COREBOT_LOG_WARN("store: {}", error);
        }
      }
    }
    return std::shared_ptr<DocumentStore>(open_store(uri));
  }

  void start_admin();

  // Every update sees one content snapshot and its (chat, user) session; a changed session is
  // saved before the chat's next update starts.
  dispatch::ContextHooks context_hooks() {
    dispatch::ContextHooks hooks;
    hooks.prepare = [this](Context& ctx, std::function<void()> ready) {
      ctx.attach(content ? content->current() : nullptr, store.get(), users_directory.get());
      // The role needs the bindings and the owner from the store: the first updates wait for them.
      admin_state->when_loaded([this, &ctx, ready = std::move(ready)]() mutable {
        if (ctx.user_id()) {
          ctx.set_role(admin_state->resolve(ctx.content(), *ctx.user_id(), ctx.username()));
        }
        load_session(ctx, std::move(ready));
      });
    };
    hooks.release = [this](Context& ctx) {
      if (unsaved_sessions.erase(&ctx) > 0) return;
      if (ctx.chat_id() && ctx.user_id() && ctx.session_changed()) {
        sessions->save(*ctx.chat_id(), *ctx.user_id(), ctx.session());
      }
    };
    return hooks;
  }

  void load_session(Context& ctx, std::function<void()> ready) {
    if (!ctx.chat_id() || !ctx.user_id()) return ready();
    sessions->load(*ctx.chat_id(), *ctx.user_id(),
                   [this, &ctx, ready = std::move(ready)](std::optional<json::object> session) {
                     // The store failed: a stand-in session, never saved over the real one.
                     if (!session) unsaved_sessions.insert(&ctx);
                     ctx.load_session(session ? std::move(*session) : json::object{});
                     ready();  // `ready` keeps ctx alive
                   });
  }

  // The panel's live figures: the outbox's queue and its completed calls per second over the
  // last ten one-second samples.
  EngineFigures figures() const {
    EngineFigures f;
    f.queue_depth = outbox.size();
    if (rate_samples.size() >= 2) {
      const auto& [t0, n0] = rate_samples.front();
      const auto& [t1, n1] = rate_samples.back();
      const double seconds = std::chrono::duration<double>(t1 - t0).count();
      if (seconds > 0) f.send_rate = static_cast<double>(n1 - n0) / seconds;
    }
    f.uptime_s = std::chrono::duration_cast<std::chrono::seconds>(
                     core::SystemClock::instance().now() - started_at)
                     .count();
    f.version = COREBOT_VERSION;
    return f;
  }

  void sample_send_rate() {
    std::uint64_t done = 0;
    for (std::size_t p = 0; p < outbox::kPriorityCount; ++p) {
      for (std::size_t o = 0; o < outbox::kCallOutcomeCount; ++o) {
        done +=
            outbox.metrics().count(static_cast<Priority>(p), static_cast<outbox::CallOutcome>(o));
      }
    }
    rate_samples.emplace_back(core::SystemClock::instance().now(), done);
    if (rate_samples.size() > 11) rate_samples.pop_front();
    loop.after(std::chrono::seconds(1), [this] {
      if (!stopping) sample_send_rate();
    });
  }

  std::string metrics() const {
    const auto& d = dispatcher.stats();
    const auto& u = users->stats();
    const auto& j = jobs->stats();
    core::MetricsText out;
    out.single("corebot_updates_received_total", "counter", "Updates received.", d.received);
    out.single("corebot_updates_handled_total", "counter", "Updates handled to the end.",
               d.handled);
    out.single("corebot_updates_malformed_total", "counter",
               "Updates dropped: not an object with an update_id.", d.malformed);
    out.single("corebot_updates_flood_dropped_total", "counter",
               "Updates dropped: their chat already had 200 updates waiting.", d.flood_dropped);
    if (poller) {
      out.single("corebot_poll_batches_total", "counter", "getUpdates answers received.",
                 poller->batches());
      out.single("corebot_poll_updates_in_hand", "gauge",
                 "Updates received and not yet confirmed to Telegram (handled or not).",
                 poller->in_hand());
      out.single("corebot_poll_redelivered_skipped_total", "counter",
                 "Updates Telegram handed over again while still in hand (pipelined polls), "
                 "skipped.",
                 poller->redelivered_skipped());
      out.single("corebot_updates_parked_total", "counter",
                 "Updates parked in the store because they were still being handled "
                 "after park_after.",
                 poller->parked());
    }
    out.single("corebot_updates_banned_total", "counter",
               "Updates of banned users, dropped before the modules.", banned_updates);
    out.single("corebot_updates_maintenance_total", "counter",
               "Updates answered with the maintenance notice instead of the modules.",
               maintenance_updates);
    out.single(
        "corebot_module_errors_total", "counter",
        "Module failures: exceptions (handlers, timers, jobs) and Lua modules' failed calls.",
        d.module_errors + module_errors);
    out.single("corebot_user_writes_total", "counter", "User records written.", u.written);
    out.single("corebot_user_write_failures_total", "counter", "User record batches that failed.",
               u.failures);
    out.single("corebot_jobs_runs_total", "counter", "Persistent job runs started.", j.runs);
    out.single("corebot_jobs_failures_total", "counter", "Persistent job runs that threw.",
               j.failures);
    out.single("corebot_jobs", "gauge", "Persistent jobs scheduled.", jobs->size());
    out.single("corebot_sessions_loads_total", "counter", "Sessions loaded for updates.",
               sessions->stats().loads);
    out.single("corebot_sessions_reads_skipped_total", "counter",
               "Session loads answered without a store read (no such session stored).",
               sessions->stats().reads_skipped);
    std::vector<std::pair<std::string_view, net::HttpServerStats>> servers;
    if (admin) servers.emplace_back("admin", admin->server_stats());
    if (webhook) servers.emplace_back("webhook", webhook->server_stats());
    http_server_metrics(out, servers);
    if (keepalive) bot_api_connection_metrics(out, keepalive->stats());
    return out.take() + outbox.metrics_text();
  }

  // One ModuleServices per module, before any starts: a module may look at the others' info.
  void make_module_services() {
    SharedServices shared;
    shared.sender = &outbox;
    shared.clock = &core::SystemClock::instance();
    shared.executor = executor.get();
    shared.users = users_directory.get();
    shared.store = store.get();
    shared.jobs = [this](const std::string& module) -> Jobs& { return jobs->for_module(module); };
    if (content) {
      shared.content = [this]() -> std::shared_ptr<const Content> { return content->current(); };
      shared.reload = [this](std::function<void(const ReloadReport&)> done) {
        content->reload([this, done = std::move(done)](const content::Report& report,
                                                       bool swapped) {
          done(ReloadReport{swapped, reload_message(report, swapped,
                                                    swapped ? content->current().get() : nullptr)});
        });
      };
    }
    shared.modules = &registry.infos();
    shared.admin_api = [this](const std::string& module, std::string route,
                              AdminApiHandler handler) {
      if (route == "status") {
        COREBOT_LOG_WARN("module {}: /admin/status is the engine's; route not served", module);
        return;
      }
      admin_routes[std::move(route)] = std::move(handler);
    };
    shared.module_error = [this](const std::string& module, const std::string& message) {
      module_error(module, message);
    };
    shared.admin = admin_state.get();
    for (const ModuleInfo& info : registry.infos()) {
      auto table = config.module_config.find(info.name);
      services.push_back(std::make_unique<EngineServices>(
          info, table == config.module_config.end() ? json::object{} : table->second, shared));
    }
  }

  void module_error(const std::string& module, const std::string& message) {
    ++module_errors;
    COREBOT_LOG_ERROR("module {}: {}", module, message);
  }

  // Modules start in registration order before the first update; the stored jobs are loaded
  // after, once their handlers are known. Returns false (after a fatal()) when one throws.
  bool start_modules() {
    const auto& modules = registry.modules();
    for (std::size_t i = 0; i < modules.size(); ++i) {
      try {
        modules[i]->start(*services[i]);
        ++modules_started;
      } catch (const std::exception& e) {
        fatal("module '" + registry.infos()[i].name + "' failed to start: " + e.what());
        return false;
      }
    }
    users_directory->load([](const std::string& error) {
      if (!error.empty()) COREBOT_LOG_ERROR("users: cannot load the banned users: {}", error);
    });
    admin_state->load();
    sample_send_rate();
    held_messages->load([](const std::string& error) {
      if (!error.empty()) COREBOT_LOG_ERROR("cannot read the kept messages: {}", error);
    });
    if (auto snapshot = content ? content->current() : nullptr) {
      warn_admins_never_seen(*snapshot, *users_directory);
    }
    jobs->start();
    return true;
  }

  // In reverse order, after the last update; their timers end with them.
  void stop_modules() {
    jobs->stop();
    const auto& modules = registry.modules();
    for (std::size_t i = modules_started; i-- > 0;) {
      try {
        modules[i]->stop();
      } catch (const std::exception& e) {
        module_error(registry.infos()[i].name, std::string("stop() failed: ") + e.what());
      }
      services[i]->cancel_timers();
    }
    modules_started = 0;
  }

  // The Bot API's own client on the event loop, unless a proxy or the owner asks for libcurl.
  static std::unique_ptr<net::KeepAliveClient> make_keepalive_client(const EngineConfig& config,
                                                                     net::EventLoop& loop) {
    if (!config.proxy.empty() || config.http_client == "curl") return nullptr;
    return std::make_unique<net::KeepAliveClient>(
        loop,
        net::KeepAliveClientOptions{.origin = net::KeepAliveClient::origin_of(config.api_url)});
  }

  static outbox::OutboxOptions outbox_options(const EngineConfig& config) {
    outbox::OutboxOptions options;
    options.global_rate = config.global_per_second;
    options.private_chat_rate = config.private_per_second;
    options.group_limit = static_cast<int>(config.group_per_minute);
    options.paid_broadcast_rate = config.paid_broadcast ? 1000 : 0;
    return options;
  }

  void deliver(telegram::SharedUpdate update, std::function<void()> handled) {
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

  // Telegram's command menu: the commands that can do something with the live content. Sent at
  // start and again after a reload that changed it; an empty menu is deleted.
  void publish_commands() {
    const auto snapshot = content ? content->current() : nullptr;
    json::array commands;
    for (const auto& c : registry.published_commands(snapshot.get())) {
      commands.push_back(json::object{{"command", c.name}, {"description", c.description}});
    }
    if (published_commands && *published_commands == commands) return;
    const bool first = !published_commands;
    published_commands = commands;
    if (commands.empty()) {
      if (first) return;  // nothing was ever published
      outbox.call("deleteMyCommands", {}, Priority::kAdmin, [](const CallResult& r) {
        if (!r.ok) COREBOT_LOG_WARN("deleteMyCommands failed: {}", r.description);
      });
      return;
    }
    outbox.call("setMyCommands", {{"commands", std::move(commands)}}, Priority::kAdmin,
                [](const CallResult& r) {
                  if (!r.ok) COREBOT_LOG_WARN("setMyCommands failed: {}", r.description);
                });
  }

  void begin_receiving() {
    publish_commands();
    // Once started, the pages only start-up touched need not stay resident (core/trim_memory.hpp).
    loop.after(std::chrono::seconds(3), [this] {
      if (stopping) return;
      const auto trimmed = core::trim_startup_memory();
      COREBOT_LOG_DEBUG("start-up pages released: {} KiB in {} mappings", trimmed.bytes / 1024,
                        trimmed.mappings);
    });
    auto deliver_fn = [this](telegram::SharedUpdate u, std::function<void()> h) {
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
                                                      deliver_fn, fatal_fn, inbox.get());
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
    stop_modules();
    auto left = std::max<core::Duration>(grace_deadline - now, core::Duration::zero());
    outbox.drain(left, [this](std::vector<outbox::OutboxCall> unsent) {
      if (!unsent.empty()) {
        COREBOT_LOG_WARN(
            "stopping: {} queued call(s) not sent before the grace period "
            "(engine.shutdown_grace = {} s) ran out: {}",
            unsent.size(), config.shutdown_grace_s, outbox::describe_calls(unsent));
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
    if (keepalive) keepalive->shutdown();
    http.shutdown();
    auto callbacks = std::move(on_stopped);
    on_stopped.clear();
    for (auto& cb : callbacks) cb();
  }

  EngineConfig config;
  net::EventLoop& loop;
  const ModuleRegistry& registry;
  net::HttpClient http;
  std::unique_ptr<net::KeepAliveClient> keepalive;  // null: every call through libcurl
  telegram::BotApiClient client;
  std::unique_ptr<core::Executor> executor;
  std::unique_ptr<AsyncStore> store;
  std::unique_ptr<UserTracker> users;
  std::unique_ptr<UsersDirectory> users_directory;
  std::unique_ptr<AdminState> admin_state;
  std::unique_ptr<PanelBackup> panel_backup;  // after `executor`, so it goes first: it posts to it
  std::unique_ptr<HeldMessages> held_messages;  // sends kept for people who never wrote
  std::function<void()> on_content_swapped;     // Engine::on_content_swapped
  std::unique_ptr<JobRunner> jobs;
  std::unique_ptr<Sessions> sessions;
  std::unique_ptr<BotContent> content;  // null without [content] source
  outbox::Outbox outbox;                // the Sender of modules and the engine
  dispatch::Dispatcher dispatcher;
  std::map<std::string, AdminApiHandler, std::less<>> admin_routes;  // modules' /admin/<route>
  std::unique_ptr<web::AdminServer> admin;
  std::vector<std::unique_ptr<EngineServices>> services;  // one per module, registry order
  std::size_t modules_started = 0;
  std::uint64_t module_errors = 0;  // outside updates: timers, jobs, stop(), Lua failures
  std::uint64_t banned_updates = 0;
  std::uint64_t maintenance_updates = 0;
  std::deque<std::pair<core::TimePoint, std::uint64_t>> rate_samples;  // (when, calls done)
  std::set<const Context*> unsaved_sessions;  // updates whose session the store failed to load
  core::TimePoint started_at = core::SystemClock::instance().now();
  // Slow updates parked so polling goes on (declared before the poller, which borrows it).
  std::unique_ptr<StoreUpdateInbox> inbox;
  std::unique_ptr<telegram::LongPoller> poller;
  std::unique_ptr<telegram::WebhookReceiver> webhook;
  core::Backoff token_backoff{{}, core::Backoff::random_seed()};  // getMe at start
  std::string username;
  std::optional<json::array> published_commands;  // the menu last sent with setMyCommands
  int exit_code = 0;
  bool stopping = false;
  core::TimePoint grace_deadline;
  std::vector<std::function<void()>> on_stopped;
};

void Engine::State::start_admin() {
  AdminApiSources sources;
  sources.health = [this] {
    auto uptime = core::SystemClock::instance().now() - started_at;
    const outbox::SchedulerStats out = outbox.stats();
    const Health health =
        assess_health({.stopping = stopping,
                       .rate_factor = out.rate_factor,
                       .bulk_factor = out.bulk_factor,
                       .replies_queued = out.queued[outbox::index_of(Priority::kInteractive)],
                       .updates_pending = dispatcher.pending(),
                       .users_pending_write = users->pending()});
    json::array reasons;
    for (const std::string& reason : health.reasons) reasons.emplace_back(reason);
    return json::object{
        {"status", health.status},
        {"degraded_because", std::move(reasons)},
        {"bot", username},
        {"receiving", config.mode},
        {"stopping", stopping},
        {"uptime_s", std::chrono::duration_cast<std::chrono::seconds>(uptime).count()},
        {"updates_pending", dispatcher.pending()},
        {"outbox_queued", outbox.size()},
        {"users_pending_write", users->pending()},
        {"jobs", jobs->size()}};
  };
  sources.metrics = [this] { return metrics(); };
  sources.routes = &admin_routes;
  admin =
      std::make_unique<web::AdminServer>(loop,
                                         web::AdminServerOptions{.host = config.admin_listen.host,
                                                                 .port = config.admin_listen.port,
                                                                 .token = config.admin_token,
                                                                 .server = {}},
                                         admin_handlers(std::move(sources)));
  admin->start();
}

Engine::Engine(EngineConfig config, net::EventLoop& loop, const ModuleRegistry& registry)
    : state_(std::make_unique<State>(std::move(config), loop, registry)) {}

Engine::~Engine() = default;

void Engine::start(std::function<void()> stopped) {
  if (stopped) state_->on_stopped.push_back(std::move(stopped));
  if (!state_->start_modules()) return;
  state_->check_token();
}

void Engine::stop(std::function<void()> done) { state_->stop_engine(std::move(done)); }

int Engine::exit_code() const { return state_->exit_code; }

std::string Engine::username() const { return state_->username; }

Sender& Engine::sender() { return state_->outbox; }

void Engine::on_content_swapped(std::function<void()> listener) {
  state_->on_content_swapped = std::move(listener);
}

std::shared_ptr<const Content> Engine::content() const {
  return state_->content ? state_->content->current() : nullptr;
}

const dispatch::Dispatcher& Engine::dispatcher() const { return state_->dispatcher; }

std::string Engine::metrics_text() const { return state_->metrics(); }

}  // namespace corebot::app
