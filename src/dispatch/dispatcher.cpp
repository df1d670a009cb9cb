#include "dispatch/dispatcher.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "core/log.hpp"

namespace corebot::dispatch {
namespace json = boost::json;

Dispatcher::Dispatcher(const ModuleRegistry& registry, Sender& sender, Post post)
    : registry_(registry), sender_(sender), post_(std::move(post)) {}

Dispatcher::~Dispatcher() { *alive_ = false; }

void Dispatcher::add_middleware(Phase phase, Middleware middleware) {
  (phase == Phase::kBefore ? before_ : after_).push_back(std::move(middleware));
}

void Dispatcher::dispatch(json::value update, std::function<void()> handled) {
  dispatch(std::make_shared<const json::value>(std::move(update)), std::move(handled));
}

void Dispatcher::dispatch(std::shared_ptr<const json::value> update,
                          std::function<void()> handled) {
  ++stats_.received;
  const auto* object = update->if_object();
  auto id = object ? object->find("update_id") : nullptr;
  if (!object || id == object->end() || !id->value().is_number()) {
    ++stats_.malformed;
    COREBOT_LOG_WARN("dispatch: dropped a malformed update (not an object with update_id): {}",
                     json::serialize(*update).substr(0, 200));
    if (handled) post_(std::move(handled));
    return;
  }
  ++pending_;
  Item item{std::make_unique<Context>(std::move(update), sender_), std::move(handled)};
  if (const std::optional<std::int64_t> chat = item.context->chat_id()) {
    ChatQueue& queue = chats_[*chat];
    if (queue.busy) {
      if (queue.waiting.size() >= kMaxWaitingPerChat) {
        // Dropped, and confirmed to Telegram like a handled one: a flood is not kept for later.
        if (++stats_.flood_dropped % 100 == 1) {
          COREBOT_LOG_WARN(
              "dispatch: chat {} has {} updates waiting; dropped update {} ({} so far)", *chat,
              queue.waiting.size(), item.context->update_id(), stats_.flood_dropped);
        }
        --pending_;
        if (item.handled) post_(std::move(item.handled));
        return;
      }
      queue.waiting.push_back(std::move(item));
      return;
    }
    queue.busy = true;
  }
  start(std::move(item));
}

void Dispatcher::start(Item item) {
  const std::optional<std::int64_t> chat = item.context->chat_id();
  // The custom deleter is how the dispatcher learns that every holder let go of the Context.
  auto handled = std::make_shared<std::function<void()>>(std::move(item.handled));
  std::weak_ptr<bool> alive = alive_;
  std::shared_ptr<Context> ctx(item.context.release(), [this, alive, chat, handled](Context* raw) {
    if (alive.lock() && hooks_.release) {
      try {
        hooks_.release(*raw);
      } catch (const std::exception& e) {
        COREBOT_LOG_ERROR("dispatch: release hook failed: {}", e.what());
      }
    }
    delete raw;
    if (alive.lock()) {
      post_([this, alive, chat, handled] {
        if (alive.lock()) finished(chat, std::move(*handled));
      });
    }
  });
  if (!hooks_.prepare) return run(*ctx);
  try {
    // `ready` keeps the Context alive until the hook is done with it.
    hooks_.prepare(*ctx, [this, alive, ctx] {
      if (alive.lock()) run(*ctx);
    });
  } catch (const std::exception& e) {
    ++stats_.module_errors;
    COREBOT_LOG_ERROR("dispatch: prepare hook failed on update {}: {}", ctx->update_id(), e.what());
  }
}

void Dispatcher::run(Context& ctx) {
  for (auto& middleware : before_) {
    try {
      if (middleware(ctx) == Handled::kStop) return;
    } catch (const std::exception& e) {
      ++stats_.module_errors;
      COREBOT_LOG_ERROR("dispatch: middleware failed on update {}: {}", ctx.update_id(), e.what());
      return;
    }
  }

  bool taken = false;
  bool stopped = false;
  if (!ctx.command().empty()) {
    if (Module* module = registry_.for_command(ctx.command())) {
      taken = true;
      const auto& modules = registry_.modules();
      for (std::size_t i = 0; i < modules.size() && !stopped; ++i) {
        if (registry_.infos()[i].sees_all_commands && modules[i].get() != module) {
          stopped = call_module(*modules[i], ctx);
        }
      }
      if (!stopped) stopped = call_module(*module, ctx);
    }
  } else if (ctx.kind() == "callback_query") {
    std::string_view data = ctx.callback_data();
    if (auto colon = data.find(':'); colon != std::string_view::npos) {
      if (Module* module = registry_.for_callback_prefix(data.substr(0, colon))) {
        taken = true;
        stopped = call_module(*module, ctx);
      }
    }
  }
  if (!stopped) {
    const auto& modules = registry_.modules();
    for (std::size_t i = 0; i < modules.size(); ++i) {
      const auto& kinds = registry_.infos()[i].update_kinds;
      if (std::find(kinds.begin(), kinds.end(), ctx.kind()) == kinds.end()) continue;
      taken = true;
      if (call_module(*modules[i], ctx)) break;
    }
  }
  if (!taken) {
    ++stats_.unrouted;
    COREBOT_LOG_DEBUG("dispatch: no module took update {} ({})", ctx.update_id(), ctx.kind());
  }

  for (auto& middleware : after_) {
    try {
      middleware(ctx);
    } catch (const std::exception& e) {
      ++stats_.module_errors;
      COREBOT_LOG_ERROR("dispatch: middleware failed on update {}: {}", ctx.update_id(), e.what());
    }
  }
  // A button press nobody answered would spin on the user's screen until Telegram gives up.
  if (ctx.kind() == "callback_query") ctx.answer_callback();
}

bool Dispatcher::call_module(Module& module, Context& ctx) {
  try {
    return module.on_update(ctx) == Handled::kStop;
  } catch (const std::exception& e) {
    ++stats_.module_errors;
    COREBOT_LOG_ERROR("module '{}' failed on update {}: {}", module.info().name, ctx.update_id(),
                      e.what());
    return true;
  }
}

void Dispatcher::finished(std::optional<std::int64_t> chat, std::function<void()> handled) {
  --pending_;
  ++stats_.handled;
  if (handled) handled();
  if (!chat) return;
  auto it = chats_.find(*chat);
  if (it == chats_.end()) return;
  ChatQueue& queue = it->second;
  if (queue.waiting.empty()) {
    chats_.erase(it);
    return;
  }
  Item next = std::move(queue.waiting.front());
  queue.waiting.pop_front();
  start(std::move(next));
}

}  // namespace corebot::dispatch
