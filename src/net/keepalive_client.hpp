// An HTTP/1.1 client for one origin (scheme, host, port) that runs on the EventLoop itself: a
// pool of kept-alive connections, plain or TLS, with no thread of its own. The Bot API client
// sends every call through it (docs/architecture.md, "Talking to Telegram"), because libcurl's
// worker thread cost a thread hand-off and a poll of every transfer per call: 58-62 % of the
// engine's CPU under load (docs/benchmarks.md). HttpClient (libcurl) stays for what this one does
// not do: proxies, multipart uploads, redirects, compressed bodies, HTTP/2, other origins.
//
// Contract:
// - send() may be called from any thread (off the loop thread it hops onto the loop); `done` runs
//   exactly once, on the loop thread, never inside send(). Construct, shutdown() and destroy on
//   the loop thread or while the loop is not running; destroy the client before its EventLoop.
// - One request per connection at a time (no pipelining). At most `max_connections` are open;
//   further requests wait in order. An idle connection is reused most-recent first, after a
//   check that the server has not closed it; one idle longer than `idle_timeout` is closed.
// - `timeout` covers the whole request: resolve, connect, TLS handshake, write, answer.
// - status 0 is a transport error (`error` says which). `maybe_sent` is true when the request
//   was written whole and the answer did not arrive (timeout, reset, garbage): the server may
//   have acted on it; a request not written whole is not (no server acts on half a request).
//   Nothing is sent twice here: retrying is the outbox's decision (it knows what is safe).
// - TLS: the server's certificate is verified against the system's CAs (or `ca_file`) and its
//   host name (SNI is sent), unless verify_tls is false.
// - Requests with multipart parts, or for another origin, fail with status 0 and an error that
//   says so (maybe_sent false). Header names and values, and the target, must not contain CR or
//   LF: such a request fails the same way, so it cannot smuggle a second request.
// - Responses: header names lower-case; bodies over `max_response_bytes` fail the request and
//   close the connection. Content-Encoding is not decoded (Accept-Encoding is not sent).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "net/event_loop.hpp"
#include "net/http_client.hpp"

namespace corebot::net {

struct KeepAliveClientOptions {
  std::string origin;  // "http://host[:port]" or "https://host[:port]"; no path
  std::size_t max_connections = 64;
  std::chrono::milliseconds idle_timeout{50'000};  // Telegram's servers keep ~60 s
  std::size_t max_response_bytes = 64 * 1024 * 1024;
  std::string user_agent = "corebot/0.1";
  bool verify_tls = true;
  std::string ca_file;  // PEM file of trusted CAs; empty: the system's
};

// What the client did since it was made, for /metrics and tests. Read on the loop thread.
struct KeepAliveClientStats {
  std::uint64_t connects = 0;      // connections opened (or tried)
  std::uint64_t requests = 0;      // requests answered with a status
  std::uint64_t reused = 0;        // requests sent on a connection that carried one before
  std::uint64_t stale_closed = 0;  // idle connections found closed by the server or too old
  std::uint64_t failed = 0;        // requests ended with status 0
  std::uint64_t receives = 0;      // reads from the network for answers (a recv or a TLS read)
  std::size_t open = 0;            // connections open or opening now
  std::size_t idle = 0;            // of which idle
  std::size_t waiting = 0;         // requests waiting for a connection
};

class KeepAliveClient {
 public:
  // Throws std::invalid_argument when the origin is not http(s)://host[:port], and
  // std::runtime_error when the TLS context cannot be set up (a missing ca_file).
  KeepAliveClient(EventLoop& loop, KeepAliveClientOptions options);
  ~KeepAliveClient();
  KeepAliveClient(const KeepAliveClient&) = delete;
  KeepAliveClient& operator=(const KeepAliveClient&) = delete;

  // "scheme://host[:port]" of an http(s) URL (what `origin` takes), or empty for another URL.
  static std::string origin_of(std::string_view url);
  // True when `url` is on this client's origin (the request may be sent here).
  [[nodiscard]] bool serves(std::string_view url) const;
  // Starts the request; see the contract above. Thread-safe.
  void send(HttpClientRequest request, HttpClient::Callback done);
  // Requests started and not yet completed. Thread-safe.
  [[nodiscard]] std::size_t in_flight() const;
  [[nodiscard]] KeepAliveClientStats stats() const;
  // Closes every connection; requests in flight or waiting complete with status 0, error
  // "cancelled", and so do later send()s. Idempotent.
  void shutdown();

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace corebot::net
