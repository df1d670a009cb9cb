// For tests that drive an HTTP client (HttpClient or KeepAliveClient) from the test thread while
// the loop runs on its own: start a request and get a future of its answer, or wait for one with
// a generous deadline (a missing answer is a test failure, not a hang).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>

#include "net/http_client.hpp"

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

}  // namespace corebot::net
