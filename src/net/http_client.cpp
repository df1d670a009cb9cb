#include "net/http_client.hpp"

#include <curl/curl.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include "core/log.hpp"
#include "corebot/ascii.hpp"
#include "net/curl_init.hpp"

// Design: libcurl's multi interface driven by the event loop itself (curl's "multi_socket" API):
// curl says which sockets it waits on (CURLMOPT_SOCKETFUNCTION) and when it wants a timeout
// (CURLMOPT_TIMERFUNCTION); the loop watches those sockets with Asio and calls
// curl_multi_socket_action when one is ready. Every curl call runs on the loop thread, so a
// request costs no thread hand-off (an earlier design ran curl on a worker thread: two wake-ups
// per call, 39% of the engine's CPU in the kernel under load, issue 16). send() from another
// thread posts to the loop first. Results are posted too, so a callback never runs inside curl.

namespace corebot::net {

namespace {

namespace asio = boost::asio;

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

// A socket curl uses, watched by the loop. Not owned: curl opens and closes it, and says
// CURL_POLL_REMOVE before closing, when the descriptor is released (so a reused fd number never
// meets a stale registration).
struct Watched {
  explicit Watched(asio::io_context& io) : descriptor(io) {}
  asio::posix::stream_descriptor descriptor;
  int want = 0;  // CURL_POLL_IN / OUT / INOUT
  bool reading = false;
  bool writing = false;
  bool removed = false;
};

struct HttpClient::State : std::enable_shared_from_this<State> {
  EventLoop& loop;
  asio::io_context& io;
  HttpClientOptions options;
  CURLM* multi = nullptr;
  asio::steady_timer timer;
  // Shared so that callbacks posted after the client is gone can still count themselves out.
  std::shared_ptr<std::atomic<std::size_t>> in_flight =
      std::make_shared<std::atomic<std::size_t>>(0);
  std::atomic<bool> stopping{false};
  std::once_flag cleaned;

  // Loop thread only.
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> active;
  std::unordered_map<curl_socket_t, std::shared_ptr<Watched>> sockets;

  State(EventLoop& l, HttpClientOptions o)
      : loop(l),
        io(*static_cast<asio::io_context*>(l.native_handle())),
        options(std::move(o)),
        timer(io) {}

  [[nodiscard]] bool on_loop_thread() const { return io.get_executor().running_in_this_thread(); }
  void start_transfer(std::unique_ptr<Transfer> transfer);
  CURLcode configure(Transfer& transfer);
  void finish(std::unique_ptr<Transfer> transfer, CURLcode result);
  void deliver(std::unique_ptr<Transfer> transfer);
  void act(curl_socket_t socket, int events);
  void collect_done();
  void watch(const std::shared_ptr<Watched>& w, curl_socket_t socket);
  void cleanup();

  static int on_socket(CURL* easy, curl_socket_t socket, int what, void* user, void* socket_data);
  static int on_timer(CURLM* multi, long timeout_ms, void* user);
};

// curl: "start, change or stop watching this socket".
int HttpClient::State::on_socket(CURL*, curl_socket_t socket, int what, void* user, void*) {
  auto* self = static_cast<State*>(user);
  auto it = self->sockets.find(socket);
  if (what == CURL_POLL_REMOVE) {
    if (it != self->sockets.end()) {
      it->second->removed = true;
      // Deregisters from epoll and aborts pending waits, without closing: curl closes it.
      (void)it->second->descriptor.release();
      self->sockets.erase(it);
    }
    return 0;
  }
  if (it == self->sockets.end()) {
    auto w = std::make_shared<Watched>(self->io);
    boost::system::error_code ec;
    w->descriptor.assign(socket, ec);
    if (ec) {
      COREBOT_LOG_ERROR("http client: cannot watch socket {}: {}", socket, ec.message());
      return -1;  // curl fails the transfer
    }
    it = self->sockets.emplace(socket, std::move(w)).first;
  }
  it->second->want = what;
  self->watch(it->second, socket);
  return 0;
}

// curl: "call me back in timeout_ms" (-1: never mind).
int HttpClient::State::on_timer(CURLM*, long timeout_ms, void* user) {
  auto* self = static_cast<State*>(user);
  self->timer.cancel();
  if (timeout_ms < 0) return 0;
  self->timer.expires_after(std::chrono::milliseconds(timeout_ms));
  self->timer.async_wait([weak = self->weak_from_this()](const boost::system::error_code& ec) {
    auto state = weak.lock();
    if (ec || !state || state->multi == nullptr) return;
    state->act(CURL_SOCKET_TIMEOUT, 0);
  });
  return 0;
}

void HttpClient::State::watch(const std::shared_ptr<Watched>& w, curl_socket_t socket) {
  auto on_ready = [weak = weak_from_this(), w, socket](bool read) {
    return [weak, w, socket, read](const boost::system::error_code& ec) {
      (read ? w->reading : w->writing) = false;
      auto state = weak.lock();
      if (ec || w->removed || !state || state->multi == nullptr) return;
      state->act(socket, read ? CURL_CSELECT_IN : CURL_CSELECT_OUT);
      // Still watched and still wanted: wait again (curl may have changed `want` meanwhile).
      if (!w->removed) state->watch(w, socket);
    };
  };
  if ((w->want & CURL_POLL_IN) != 0 && !w->reading) {
    w->reading = true;
    w->descriptor.async_wait(asio::posix::descriptor_base::wait_read, on_ready(true));
  }
  if ((w->want & CURL_POLL_OUT) != 0 && !w->writing) {
    w->writing = true;
    w->descriptor.async_wait(asio::posix::descriptor_base::wait_write, on_ready(false));
  }
}

void HttpClient::State::act(curl_socket_t socket, int events) {
  int running = 0;
  curl_multi_socket_action(multi, socket, events, &running);
  collect_done();
}

void HttpClient::State::collect_done() {
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
}

void HttpClient::State::start_transfer(std::unique_ptr<Transfer> transfer) {
  if (stopping.load() || multi == nullptr) {
    transfer->response = HttpClientResponse{.status = 0, .error = kCancelled};
    return deliver(std::move(transfer));
  }
  transfer->easy = curl_easy_init();
  CURLcode code = transfer->easy == nullptr ? CURLE_OUT_OF_MEMORY : configure(*transfer);
  if (code == CURLE_OK) {
    CURL* easy = transfer->easy;
    auto [it, inserted] = active.emplace(easy, std::move(transfer));
    // Adding arms curl's timer (at 0 ms): the transfer starts from the loop, not from here.
    if (curl_multi_add_handle(multi, easy) == CURLM_OK) return;
    transfer = std::move(it->second);
    active.erase(it);
    code = CURLE_FAILED_INIT;
  }
  finish(std::move(transfer), code);
}

void HttpClient::State::cleanup() {
  std::call_once(cleaned, [this] {
    timer.cancel();
    for (auto& [easy, transfer] : active) {
      curl_multi_remove_handle(multi, easy);
      transfer->response = HttpClientResponse{.status = 0, .error = kCancelled};
      deliver(std::move(transfer));
    }
    active.clear();
    curl_multi_cleanup(multi);  // closes the pooled connections (their REMOVEs arrive here)
    multi = nullptr;
    for (auto& [socket, w] : sockets) {
      w->removed = true;
      (void)w->descriptor.release();
    }
    sockets.clear();
  });
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
  curl_multi_setopt(s.multi, CURLMOPT_SOCKETFUNCTION, &State::on_socket);
  curl_multi_setopt(s.multi, CURLMOPT_SOCKETDATA, static_cast<void*>(&s));
  curl_multi_setopt(s.multi, CURLMOPT_TIMERFUNCTION, &State::on_timer);
  curl_multi_setopt(s.multi, CURLMOPT_TIMERDATA, static_cast<void*>(&s));
}

HttpClient::~HttpClient() { shutdown(); }

void HttpClient::send(HttpClientRequest request, Callback done) {
  auto transfer = std::make_unique<Transfer>(std::move(request), std::move(done));
  state_->in_flight->fetch_add(1);
  if (state_->on_loop_thread()) return state_->start_transfer(std::move(transfer));
  asio::post(state_->io, [state = state_, transfer = std::move(transfer)]() mutable {
    state->start_transfer(std::move(transfer));
  });
}

std::size_t HttpClient::in_flight() const { return state_->in_flight->load(); }

void HttpClient::shutdown() {
  State& s = *state_;
  if (s.stopping.exchange(true)) return;
  // curl's handles belong to the loop thread: clean up there, or here when no loop runs.
  if (s.on_loop_thread() || !s.loop.running()) return s.cleanup();
  auto done = std::make_shared<std::promise<void>>();
  auto finished = done->get_future();
  asio::post(s.io, [state = state_, done] {
    state->cleanup();
    done->set_value();
  });
  // The loop may stop before it runs the cleanup: then do it here.
  while (finished.wait_for(std::chrono::milliseconds(20)) != std::future_status::ready) {
    if (!s.loop.running()) return s.cleanup();
  }
}

}  // namespace corebot::net
