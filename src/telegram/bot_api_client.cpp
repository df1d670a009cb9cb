#include "telegram/bot_api_client.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <string>
#include <utility>

namespace corebot::telegram {
namespace {

constexpr std::size_t kExcerptLength = 200;

std::string excerpt(std::string_view body) {
  std::string out(body.substr(0, kExcerptLength));
  for (char& c : out) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  if (body.size() > kExcerptLength) out += "...";
  return out;
}

ApiResult failure(int code, std::string description) {
  ApiResult r;
  r.ok = false;
  r.error.error_code = code;
  r.error.description = std::move(description);
  return r;
}

// Multipart fields are strings: strings as they are, everything else JSON-encoded.
std::string field_text(const boost::json::value& v) {
  if (const auto* s = v.if_string()) return std::string(s->data(), s->size());
  return boost::json::serialize(v);
}

// Timeout of getUpdates' long poll, in seconds (0 when absent or malformed).
std::chrono::seconds long_poll_timeout(const ApiRequest& request) {
  if (request.method != "getUpdates") return std::chrono::seconds(0);
  const auto* t = request.params.if_contains("timeout");
  if (t == nullptr) return std::chrono::seconds(0);
  if (const auto* i = t->if_int64(); i != nullptr && *i > 0) return std::chrono::seconds(*i);
  if (const auto* u = t->if_uint64()) return std::chrono::seconds(static_cast<std::int64_t>(*u));
  return std::chrono::seconds(0);
}

}  // namespace

BotApiClient::BotApiClient(net::HttpClient& http, BotApiOptions options,
                           net::KeepAliveClient* keepalive)
    : http_(http), options_(std::move(options)), keepalive_(keepalive) {}

void BotApiClient::call(const ApiRequest& request, Callback done) {
  net::HttpClientRequest http_request;
  http_request.method = "POST";
  // The URL holds the token: it is never logged here, and must not be by callers.
  http_request.url = options_.base_url + "/bot" + options_.token + "/" + request.method;
  http_request.timeout = options_.request_timeout + long_poll_timeout(request);
  if (request.files.empty()) {
    http_request.content_type = "application/json";
    http_request.body = boost::json::serialize(request.params);
  } else {
    for (const auto& [key, v] : request.params) {
      net::MultipartPart part;
      part.name = std::string(key);
      part.data = field_text(v);
      http_request.parts.push_back(std::move(part));
    }
    for (const auto& file : request.files) {
      net::MultipartPart part;
      part.name = file.field;
      part.filename = file.filename.empty() ? part.name : file.filename;
      part.content_type =
          file.content_type.empty() ? "application/octet-stream" : file.content_type;
      part.data = file.data;  // the outbox keeps its copy for a retry
      http_request.parts.push_back(std::move(part));
    }
  }
  auto on_response = [done = std::move(done),
                      wants_result = request.wants_result](net::HttpClientResponse response) {
    ApiResult result = parse_response(response.status, response.body, response.error, wants_result);
    result.error.maybe_delivered = response.status == 0 && response.maybe_sent;
    done(std::move(result));
  };
  if (keepalive_ != nullptr && http_request.parts.empty()) {
    keepalive_->send(std::move(http_request), std::move(on_response));
  } else {
    http_.send(std::move(http_request), std::move(on_response));
  }
}

ApiResult BotApiClient::parse_response(int http_status, std::string_view body,
                                       std::string_view transport_error, bool wants_result) {
  if (http_status == 0) {
    return failure(
        0, transport_error.empty() ? std::string("transport error") : std::string(transport_error));
  }
  // Most sends are replies nobody reads the answer of; parsing the Message Telegram echoes was
  // ~9 % of the loop's time under load (docs/benchmarks.md). Anything else is parsed in full.
  if (!wants_result && http_status == 200 && body.starts_with(R"({"ok":true,)")) {
    ApiResult r;
    r.ok = true;
    return r;
  }
  boost::system::error_code ec;
  boost::json::value doc = boost::json::parse(body, ec);
  boost::json::object* obj = ec ? nullptr : doc.if_object();
  const boost::json::value* ok = obj != nullptr ? obj->if_contains("ok") : nullptr;
  if (ok == nullptr || !ok->is_bool()) {
    return failure(
        http_status >= 400 ? http_status : 0,
        "HTTP " + std::to_string(http_status) + ", not a Bot API answer: " + excerpt(body));
  }
  if (ok->get_bool()) {
    ApiResult r;
    r.ok = true;
    // Moved, not copied: a getUpdates answer holds a hundred updates (docs/benchmarks.md).
    if (auto* result = obj->if_contains("result")) r.result = std::move(*result);
    return r;
  }
  int code = http_status;
  if (const auto* c = obj->if_contains("error_code"); c != nullptr && c->is_int64()) {
    code = static_cast<int>(c->get_int64());
  }
  std::string description;
  if (const auto* d = obj->if_contains("description"); d != nullptr && d->is_string()) {
    description = std::string(d->get_string());
  } else {
    description = "HTTP " + std::to_string(http_status);
  }
  ApiResult r = failure(code, std::move(description));
  if (const auto* p = obj->if_contains("parameters"); p != nullptr && p->is_object()) {
    const auto& params = p->get_object();
    if (const auto* ra = params.if_contains("retry_after"); ra != nullptr && ra->is_int64()) {
      r.error.retry_after = static_cast<int>(ra->get_int64());
    }
    if (const auto* m = params.if_contains("migrate_to_chat_id"); m != nullptr && m->is_int64()) {
      r.error.migrate_to_chat_id = m->get_int64();
    }
  }
  return r;
}

}  // namespace corebot::telegram
