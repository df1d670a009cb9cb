// For tests that drive an HTTP client (HttpClient or KeepAliveClient) from the test thread while
// the loop runs on its own: start a request and get a future of its answer, or wait for one with
// a generous deadline (a missing answer is a test failure, not a hang); and the frame the
// KeepAliveClient tests share (plain and TLS servers).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <thread>

#include "net/event_loop.hpp"
#include "net/http_client.hpp"
#include "net/keepalive_client.hpp"
#include "net/loop_test_support.hpp"

namespace corebot::net {

template <class Client>
std::future<HttpClientResponse> send_request(Client& client, HttpClientRequest request) {
  auto promise = std::make_shared<std::promise<HttpClientResponse>>();
  auto future = promise->get_future();
  client.send(std::move(request),
              [promise](HttpClientResponse response) { promise->set_value(std::move(response)); });
  return future;
}

inline HttpClientResponse wait_response(std::future<HttpClientResponse>& future,
                                        std::chrono::seconds deadline = std::chrono::seconds(20)) {
  if (future.wait_for(deadline) != std::future_status::ready) {
    ADD_FAILURE() << "no response within the deadline";
    return {};
  }
  return future.get();
}

// A loop on a thread of its own with a KeepAliveClient and a `Server` (anything with stop()) on
// it. The fixture makes server_ and client_, then run_loop(); teardown shuts both down on the
// loop, stops it and joins its thread, then destroys them (allowed once the loop is stopped).
template <class Server>
class KeepAliveFixture : public ::testing::Test {
 protected:
  static constexpr std::chrono::seconds kWait{20};

  ~KeepAliveFixture() override { teardown(); }

  void run_loop() {
    loop_thread_ = std::thread([this] { loop_.run(); });
  }

  void on_loop(const std::function<void()>& fn) { ASSERT_TRUE(run_on_loop(loop_, fn, kWait)); }

  void teardown() {
    if (!loop_thread_.joinable()) return;
    on_loop([&] {
      client_->shutdown();
      server_->stop();
    });
    loop_.stop();
    loop_thread_.join();
    client_.reset();
    server_.reset();
  }

  EventLoop loop_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<KeepAliveClient> client_;
  std::thread loop_thread_;
};

}  // namespace corebot::net
