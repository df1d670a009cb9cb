#include "sandbox/sandbox.hpp"

#include <stdexcept>

#include "core/log.hpp"
#include "net/http_client.hpp"
#include "net/http_server.hpp"
#include "sandbox/control_api.hpp"

namespace corebot::sandbox {
namespace {

std::unique_ptr<core::ManualClock> make_manual_clock(bool wanted) {
  if (!wanted) return nullptr;
  // Start at the current wall time so message dates look real; it then moves only when told.
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::make_unique<core::ManualClock>(
      core::TimePoint{std::chrono::duration_cast<core::Duration>(now)});
}

net::HttpResponse not_found() { return error_response(ApiError{404, "Not Found"}); }

}  // namespace

Sandbox::Sandbox(net::EventLoop& loop, SandboxOptions options)
    : loop_(loop),
      options_(std::move(options)),
      manual_clock_(make_manual_clock(options_.manual_clock)),
      clock_(manual_clock_ ? static_cast<const core::Clock*>(manual_clock_.get())
                           : &core::SystemClock::instance()),
      state_(std::make_unique<SandboxState>(*clock_)),
      limiter_(std::make_unique<RateLimiter>(*clock_, options_.limits)),
      faults_(std::make_unique<FaultSet>()),
      calls_(std::make_unique<Feed>()),
      client_(std::make_unique<net::HttpClient>(loop)),
      delivery_(std::make_unique<WebhookDelivery>(loop, *client_, *clock_, options_.webhook)),
      bot_api_(std::make_unique<BotApi>(loop, *state_, *limiter_, *faults_, *calls_, *clock_,
                                        options_.bot_api)),
      control_api_(std::make_unique<ControlApi>(loop, *state_, *limiter_, *faults_, *calls_,
                                                *clock_, manual_clock_.get())) {
  state_->on_bot_added = [this](Bot& bot) {
    bot.on_update = [this](Bot& b) {
      bot_api_->updates_arrived(b);
      delivery_->kick(b);
    };
  };
  bot_api_->on_webhook_changed = [this](Bot& bot) { delivery_->kick(bot); };
  for (const std::string& token : options_.tokens) state_->add_bot(token);

  net::HttpServerOptions server_options;
  server_options.host = options_.host;
  server_options.port = options_.port;
  server_ = std::make_unique<net::HttpServer>(
      loop, server_options, [this](net::HttpRequest request, net::Respond respond) {
        route(request, std::move(respond));
      });
}

Sandbox::~Sandbox() { stop(); }

void Sandbox::start() {
  server_->start();
  COREBOT_LOG_INFO("sandbox: serving the Bot API on {}", base_url());
}

void Sandbox::stop() {
  if (stopped_) return;
  stopped_ = true;
  bot_api_->stop();
  control_api_->stop();
  delivery_->stop();
  client_->shutdown();
  server_->stop();
}

std::uint16_t Sandbox::port() const { return server_->port(); }

std::string Sandbox::base_url() const {
  return "http://" + options_.host + ":" + std::to_string(port());
}

void Sandbox::route(const net::HttpRequest& request, net::Respond respond) {
  const std::string& path = request.path;
  if (path.starts_with("/bot")) {
    bot_api_->handle(request, std::move(respond));
  } else if (path.starts_with("/control/")) {
    control_api_->handle(request, std::move(respond));
  } else if (path.starts_with("/file/bot")) {
    serve_file(request, respond);
  } else if ((path == "/" || path == "/index.html") && request.method == "GET") {
    net::HttpResponse page;
    page.content_type = "text/html; charset=utf-8";
    page.body = std::string(webchat_page());
    respond(std::move(page));
  } else {
    respond(not_found());
  }
}

void Sandbox::serve_file(const net::HttpRequest& request, net::Respond& respond) {
  // /file/bot<token>/<kind>s/<file_id>
  std::string_view rest = std::string_view(request.path).substr(9);
  const auto slash = rest.find('/');
  const auto last = rest.rfind('/');
  Bot* bot = slash == std::string_view::npos ? nullptr : state_->find_bot(rest.substr(0, slash));
  const StoredFile* file = bot ? bot->find_file(rest.substr(last + 1)) : nullptr;
  if (file == nullptr) {
    respond(not_found());
    return;
  }
  if (file->data->empty() && !file->url.empty()) {
    fetch_linked(*bot, *file, std::move(respond));  // NOLINT: respond is ours to move
    return;
  }
  net::HttpResponse response;
  response.content_type = file->mime_type;
  response.body = *file->data;
  respond(std::move(response));
}

// A media link the bot sent (sendPhoto with an https:// URL) is fetched the first time the web chat
// shows it, as Telegram fetches it on send; what cannot be fetched answers 404 and the page draws
// a placeholder with the file's name.
void Sandbox::fetch_linked(Bot& bot, const StoredFile& file, net::Respond respond) {
  constexpr std::size_t kMaxBytes = 20 * 1024 * 1024;
  net::HttpClientRequest request;
  request.url = file.url;
  request.timeout = std::chrono::seconds(10);
  client_->send(std::move(request), [this, token = bot.token(), file_id = file.file_id,
                                     respond = std::move(respond)](net::HttpClientResponse r) {
    Bot* owner = state_->find_bot(token);
    if (r.status != 200 || r.body.empty() || r.body.size() > kMaxBytes || owner == nullptr) {
      COREBOT_LOG_DEBUG("sandbox: cannot fetch {}: {}", file_id,
                        r.status ? std::to_string(r.status) : r.error);
      respond(not_found());
      return;
    }
    const auto found = net::find_header(r.headers, "Content-Type");
    std::string type = found ? std::string(*found) : std::string();
    net::HttpResponse response;
    response.content_type = type.empty() ? "application/octet-stream" : type;
    response.body = r.body;
    owner->set_file_data(file_id, std::move(r.body), std::move(type));
    respond(std::move(response));
  });
}

}  // namespace corebot::sandbox
