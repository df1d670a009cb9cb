#include "net/http_client.hpp"

#include <curl/curl.h>

#include <atomic>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <utility>

#include "core/log.hpp"
#include "corebot/ascii.hpp"
#include "net/curl_init.hpp"

// Design: one worker thread owns the curl multi handle and every easy handle; it sleeps in
// curl_multi_poll. Other threads only touch the mutex-protected queue and call curl_multi_wakeup
// (the one multi function documented as thread-safe). Results travel back via EventLoop::post, so
// user callbacks run on the loop thread only.

namespace corebot::net {

namespace {

constexpr int kPollTimeoutMs = 1000;
constexpr char kCancelled[] = "cancelled";

void global_init() {
  if (!detail::curl_global_init_once()) throw std::runtime_error("curl_global_init failed");
}

struct Transfer {
  HttpClientRequest request;
  HttpClient::Callback done;
  HttpClientResponse response;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  curl_mime* mime = nullptr;
  char error[CURL_ERROR_SIZE] = {};

  Transfer(HttpClientRequest req, HttpClient::Callback cb)
      : request(std::move(req)), done(std::move(cb)) {}
  ~Transfer() {
    if (mime != nullptr) curl_mime_free(mime);
    if (headers != nullptr) curl_slist_free_all(headers);
    if (easy != nullptr) curl_easy_cleanup(easy);
  }
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  transfer->response.body.append(data, size * count);
  return size * count;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::string_view line(data, size * count);
  // A new status line starts a new header block (after 100 Continue, a proxy CONNECT or a
  // redirect): only the final response's headers are reported.
  if (line.substr(0, 5) == "HTTP/") {
    transfer->response.headers.clear();
    return size * count;
  }
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  transfer->response.headers.emplace_back(ascii::lower(ascii::trim(line.substr(0, colon))),
                                          std::string(ascii::trim(line.substr(colon + 1))));
  return size * count;
}

bool is_method(std::string_view method, std::string_view expected) { return method == expected; }

}  // namespace

struct HttpClient::State {
  EventLoop& loop;
  HttpClientOptions options;
  CURLM* multi = nullptr;
  std::thread worker;
  // Shared so that callbacks posted after the client is gone can still count themselves out.
  std::shared_ptr<std::atomic<std::size_t>> in_flight =
      std::make_shared<std::atomic<std::size_t>>(0);

  std::mutex mutex;  // guards queue, stopping
  std::deque<std::unique_ptr<Transfer>> queue;
  bool stopping = false;

  // Worker thread only.
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> active;

  State(EventLoop& l, HttpClientOptions o) : loop(l), options(std::move(o)) {}

  void run();
  void start_transfer(std::unique_ptr<Transfer> transfer);
  CURLcode configure(Transfer& transfer);
  void finish(std::unique_ptr<Transfer> transfer, CURLcode result);
  void deliver(std::unique_ptr<Transfer> transfer);
};

void HttpClient::State::run() {
  while (true) {
    std::deque<std::unique_ptr<Transfer>> incoming;
    {
      std::lock_guard lock(mutex);
      if (stopping) break;
      incoming.swap(queue);
    }
    for (auto& transfer : incoming) start_transfer(std::move(transfer));

    int running = 0;
    curl_multi_perform(multi, &running);
    int pending = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &pending)) {
      if (message->msg != CURLMSG_DONE) continue;
      CURL* easy = message->easy_handle;
      const CURLcode result = message->data.result;
      curl_multi_remove_handle(multi, easy);
      auto it = active.find(easy);
      if (it == active.end()) continue;
      auto transfer = std::move(it->second);
      active.erase(it);
      finish(std::move(transfer), result);
    }
    curl_multi_poll(multi, nullptr, 0, kPollTimeoutMs, nullptr);
  }

  // Shutting down: everything still queued or running is reported as cancelled.
  std::deque<std::unique_ptr<Transfer>> leftover;
  {
    std::lock_guard lock(mutex);
    leftover.swap(queue);
  }
  for (auto& [easy, transfer] : active) {
    curl_multi_remove_handle(multi, easy);
    leftover.push_back(std::move(transfer));
  }
  active.clear();
  for (auto& transfer : leftover) {
    transfer->response = HttpClientResponse{.status = 0, .error = kCancelled};
    deliver(std::move(transfer));
  }
}

void HttpClient::State::start_transfer(std::unique_ptr<Transfer> transfer) {
  transfer->easy = curl_easy_init();
  CURLcode code = transfer->easy == nullptr ? CURLE_OUT_OF_MEMORY : configure(*transfer);
  if (code == CURLE_OK) {
    const CURLMcode added = curl_multi_add_handle(multi, transfer->easy);
    if (added == CURLM_OK) {
      CURL* easy = transfer->easy;
      active.emplace(easy, std::move(transfer));
      return;
    }
    code = CURLE_FAILED_INIT;
  }
  finish(std::move(transfer), code);
}

CURLcode HttpClient::State::configure(Transfer& t) {
  CURL* easy = t.easy;
  const HttpClientRequest& request = t.request;
  CURLcode code = CURLE_OK;
  // Stops at the first failing option; curl returns an error code for unsupported ones.
  auto set = [&](CURLoption option, auto value) {
    if (code == CURLE_OK) code = curl_easy_setopt(easy, option, value);
  };

  set(CURLOPT_URL, request.url.c_str());
  set(CURLOPT_PRIVATE, static_cast<void*>(&t));
  set(CURLOPT_ERRORBUFFER, t.error);
  set(CURLOPT_NOSIGNAL, 1L);  // signals would hit arbitrary threads; we are multithreaded
  set(CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  set(CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  set(CURLOPT_TCP_KEEPALIVE, 1L);
  set(CURLOPT_ACCEPT_ENCODING, "");  // whatever curl can decode
  set(CURLOPT_WRITEFUNCTION, &on_body);
  set(CURLOPT_WRITEDATA, static_cast<void*>(&t));
  set(CURLOPT_HEADERFUNCTION, &on_header);
  set(CURLOPT_HEADERDATA, static_cast<void*>(&t));
  if (!options.user_agent.empty()) set(CURLOPT_USERAGENT, options.user_agent.c_str());
  if (!options.proxy.empty()) set(CURLOPT_PROXY, options.proxy.c_str());
  if (!options.verify_tls) {
    set(CURLOPT_SSL_VERIFYPEER, 0L);
    set(CURLOPT_SSL_VERIFYHOST, 0L);
  }

  const std::string& method = request.method;
  const bool has_payload = !request.parts.empty() || !request.body.empty() ||
                           is_method(method, "POST") || is_method(method, "PUT") ||
                           is_method(method, "PATCH");
  if (!request.parts.empty()) {
    t.mime = curl_mime_init(easy);
    if (t.mime == nullptr) return CURLE_OUT_OF_MEMORY;
    for (const MultipartPart& part : request.parts) {
      curl_mimepart* field = curl_mime_addpart(t.mime);
      if (field == nullptr) return CURLE_OUT_OF_MEMORY;
      if (code == CURLE_OK) code = curl_mime_name(field, part.name.c_str());
      if (code == CURLE_OK) code = curl_mime_data(field, part.data.data(), part.data.size());
      if (code == CURLE_OK && !part.filename.empty()) {
        code = curl_mime_filename(field, part.filename.c_str());
      }
      if (code == CURLE_OK && !part.content_type.empty()) {
        code = curl_mime_type(field, part.content_type.c_str());
      }
    }
    set(CURLOPT_MIMEPOST, t.mime);
    // curl_mime_data copied the bytes; drop ours so a large upload is not held twice.
    for (MultipartPart& part : t.request.parts) std::string().swap(part.data);
  } else if (has_payload) {
    set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    // The body lives in the Transfer for the whole transfer, so curl need not copy it.
    set(CURLOPT_POSTFIELDS, request.body.data());
  }
  if (is_method(method, "HEAD")) {
    set(CURLOPT_NOBODY, 1L);
  } else if (has_payload ? !is_method(method, "POST") : !is_method(method, "GET")) {
    set(CURLOPT_CUSTOMREQUEST, method.c_str());
  }

  for (const auto& [name, value] : request.headers) {
    // "Name;" is curl's spelling of a header with an empty value ("Name:" would remove it).
    const std::string line = value.empty() ? name + ";" : name + ": " + value;
    curl_slist* appended = curl_slist_append(t.headers, line.c_str());
    if (appended == nullptr) return CURLE_OUT_OF_MEMORY;
    t.headers = appended;
  }
  if (request.parts.empty() && has_payload && !request.content_type.empty()) {
    const std::string line = "Content-Type: " + request.content_type;
    curl_slist* appended = curl_slist_append(t.headers, line.c_str());
    if (appended == nullptr) return CURLE_OUT_OF_MEMORY;
    t.headers = appended;
  }
  // curl waits up to a second for "100 Continue" before large bodies; many servers (ours
  // included) never send it, so do not ask.
  curl_slist* appended = curl_slist_append(t.headers, "Expect:");
  if (appended == nullptr) return CURLE_OUT_OF_MEMORY;
  t.headers = appended;
  set(CURLOPT_HTTPHEADER, t.headers);
  return code;
}

void HttpClient::State::finish(std::unique_ptr<Transfer> transfer, CURLcode result) {
  HttpClientResponse& response = transfer->response;
  if (result == CURLE_OK) {
    long status = 0;
    curl_easy_getinfo(transfer->easy, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
  } else {
    response.status = 0;
    response.headers.clear();
    response.body.clear();
    response.error = transfer->error[0] != '\0' ? transfer->error : curl_easy_strerror(result);
    long request_bytes = 0;
    curl_easy_getinfo(transfer->easy, CURLINFO_REQUEST_SIZE, &request_bytes);
    response.maybe_sent = request_bytes > 0;
  }
  deliver(std::move(transfer));
}

void HttpClient::State::deliver(std::unique_ptr<Transfer> transfer) {
  // The easy handle's connection goes back to the multi's pool; free the rest here, off the loop.
  auto response = std::move(transfer->response);
  auto done = std::move(transfer->done);
  transfer.reset();
  loop.post(
      [done = std::move(done), response = std::move(response), counter = in_flight]() mutable {
        counter->fetch_sub(1);
        if (done) done(std::move(response));
      });
}

HttpClient::HttpClient(EventLoop& loop, HttpClientOptions options)
    : state_(std::make_shared<State>(loop, std::move(options))) {
  global_init();
  State& s = *state_;
  s.multi = curl_multi_init();
  if (s.multi == nullptr) throw std::runtime_error("curl_multi_init failed");
  const long per_host = static_cast<long>(s.options.max_connections_per_host);
  curl_multi_setopt(s.multi, CURLMOPT_MAX_HOST_CONNECTIONS, per_host);
  // The idle pool must hold every connection we allow, or keep-alive reuse is lost under load.
  curl_multi_setopt(s.multi, CURLMOPT_MAXCONNECTS, per_host * 4);
  curl_multi_setopt(s.multi, CURLMOPT_PIPELINING, static_cast<long>(CURLPIPE_MULTIPLEX));
  s.worker = std::thread([&s] { s.run(); });
}

HttpClient::~HttpClient() { shutdown(); }

void HttpClient::send(HttpClientRequest request, Callback done) {
  State& s = *state_;
  auto transfer = std::make_unique<Transfer>(std::move(request), std::move(done));
  s.in_flight->fetch_add(1);
  {
    std::lock_guard lock(s.mutex);
    if (!s.stopping) {
      s.queue.push_back(std::move(transfer));
      // Under the lock: shutdown() cannot free the multi handle between the check and the call.
      curl_multi_wakeup(s.multi);
      return;
    }
  }
  transfer->response = HttpClientResponse{.status = 0, .error = kCancelled};
  s.deliver(std::move(transfer));
}

std::size_t HttpClient::in_flight() const { return state_->in_flight->load(); }

void HttpClient::shutdown() {
  State& s = *state_;
  {
    std::lock_guard lock(s.mutex);
    if (s.stopping) return;
    s.stopping = true;
    curl_multi_wakeup(s.multi);
  }
  if (s.worker.joinable()) s.worker.join();
  curl_multi_cleanup(s.multi);
  s.multi = nullptr;
}

}  // namespace corebot::net
