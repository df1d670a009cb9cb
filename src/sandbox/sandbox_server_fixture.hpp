// A test fixture for the sandbox's server tests: the Sandbox served in-process on an EventLoop
// thread (manual clock), driven over HTTP with net::HttpClient; the test thread waits on futures
// with generous deadlines. Shared by sandbox_test.cpp, sandbox_forum_test.cpp and the like.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <future>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "net/http_client.hpp"
#include "net/http_server.hpp"
#include "sandbox/sandbox.hpp"

namespace corebot::sandbox::server_test {

namespace json = boost::json;
using namespace std::chrono_literals;

inline constexpr auto kWait = 20s;
inline constexpr std::string_view kToken = "123:ABC";

struct Reply {
  int status = 0;
  json::object body;
  net::Headers headers;
};

class SandboxServerFixture : public ::testing::Test {
 protected:
  SandboxServerFixture() {
    SandboxOptions options;
    options.tokens = {std::string(kToken)};
    options.manual_clock = true;
    options.webhook.initial_backoff = 20ms;
    sandbox_ = std::make_unique<Sandbox>(loop_, options);
    sandbox_->start();
    client_ = std::make_unique<net::HttpClient>(loop_);
    thread_ = std::thread([this] { loop_.run(); });
  }

  ~SandboxServerFixture() override {
    client_->shutdown();
    on_loop([&] {
      if (hook_) hook_->stop();
      sandbox_->stop();
    });
    loop_.stop();
    thread_.join();
  }

  void on_loop(const std::function<void()>& fn) {
    std::promise<void> done;
    loop_.post([&] {
      fn();
      done.set_value();
    });
    ASSERT_EQ(done.get_future().wait_for(kWait), std::future_status::ready);
  }

  std::future<net::HttpClientResponse> send(net::HttpClientRequest request) {
    auto promise = std::make_shared<std::promise<net::HttpClientResponse>>();
    auto future = promise->get_future();
    client_->send(std::move(request),
                  [promise](net::HttpClientResponse r) { promise->set_value(std::move(r)); });
    return future;
  }

  static Reply to_reply(std::future<net::HttpClientResponse>& future) {
    if (future.wait_for(kWait) != std::future_status::ready) {
      ADD_FAILURE() << "no response within the deadline";
      return {};
    }
    net::HttpClientResponse r = future.get();
    Reply reply{r.status, {}, r.headers};
    json::error_code ec;
    json::value body = json::parse(r.body, ec);
    if (!ec && body.is_object()) reply.body = body.as_object();
    return reply;
  }

  std::string url(std::string_view path) const { return sandbox_->base_url() + std::string(path); }

  std::future<net::HttpClientResponse> start_call(std::string_view method, json::object params,
                                                  std::string_view token = kToken) {
    return send({.method = "POST",
                 .url = url("/bot" + std::string(token) + "/" + std::string(method)),
                 .body = json::serialize(params),
                 .content_type = "application/json"});
  }

  Reply call(std::string_view method, json::object params = {}, std::string_view token = kToken) {
    auto future = start_call(method, std::move(params), token);
    return to_reply(future);
  }

  Reply control(std::string_view verb, std::string_view path, json::object body = {}) {
    auto future = send({.method = std::string(verb),
                        .url = url(path),
                        .body = verb == "GET" ? std::string() : json::serialize(body),
                        .content_type = "application/json"});
    return to_reply(future);
  }

  Reply user_says(std::string_view text, std::int64_t user = 1001) {
    return control("POST", "/control/updates/message",
                   {{"token", kToken}, {"user_id", user}, {"text", text}});
  }

  static std::string description(const Reply& r) {
    const json::value* d = r.body.if_contains("description");
    return d && d->is_string() ? std::string(d->get_string()) : std::string();
  }

  net::EventLoop loop_;
  std::unique_ptr<Sandbox> sandbox_;
  std::unique_ptr<net::HttpClient> client_;
  std::unique_ptr<net::HttpServer> hook_;
  std::thread thread_;
};

}  // namespace corebot::sandbox::server_test
