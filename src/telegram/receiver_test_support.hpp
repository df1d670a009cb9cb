// What the receivers' tests share: the engine's side of a receiver (a manual executor, a transport
// that records calls and answers when the test says so, what was delivered), canned Bot API
// answers, an inbox in memory, and the backoff delays a receiver will use for a given seed.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/backoff.hpp"
#include "core/clock.hpp"
#include "core/manual_executor.hpp"
#include "telegram/api_call.hpp"
#include "telegram/update_source.hpp"

namespace corebot::telegram::testing {

inline ApiResult ok(boost::json::value result) {
  ApiResult r;
  r.ok = true;
  r.result = std::move(result);
  return r;
}

// error_code 0 is a transport error.
inline ApiResult error(int code, std::string description) {
  ApiResult r;
  r.error.error_code = code;
  r.error.description = std::move(description);
  return r;
}

struct FakeTransport {
  struct Call {
    ApiRequest request;
    std::function<void(ApiResult)> reply;
  };
  std::vector<Call> calls;

  ApiTransport fn() {
    return [this](ApiRequest request, std::function<void(ApiResult)> reply) {
      calls.push_back(Call{std::move(request), std::move(reply)});
    };
  }
  [[nodiscard]] const boost::json::object& params(std::size_t i) const {
    return calls.at(i).request.params;
  }
  // Calls not answered yet.
  [[nodiscard]] std::size_t in_flight() const {
    std::size_t n = 0;
    for (const Call& c : calls) n += c.reply ? 1 : 0;
    return n;
  }
  // Answers call i; the callback is consumed, so answering twice is an error in the test.
  void reply(std::size_t i, ApiResult result) {
    auto fn = std::move(calls.at(i).reply);
    calls.at(i).reply = nullptr;
    fn(std::move(result));
  }
};

// An inbox in memory standing for the store: park() answers when the test says so.
struct FakeInbox final : UpdateInbox {
  std::map<std::int64_t, boost::json::value> kept;
  std::vector<std::function<void(bool)>> pending_parks;
  std::vector<std::int64_t> unparked;
  bool store_fails = false;

  void park(std::vector<boost::json::value> updates, std::function<void(bool)> done) override {
    if (!store_fails) {
      for (auto& u : updates) kept[u.at("update_id").as_int64()] = std::move(u);
    }
    pending_parks.push_back([this, done = std::move(done)](bool) { done(!store_fails); });
  }
  void finish_park() {
    auto done = std::move(pending_parks.front());
    pending_parks.erase(pending_parks.begin());
    done(true);
  }
  void unpark(std::int64_t id) override {
    unparked.push_back(id);
    kept.erase(id);
  }
  void load(std::function<void(std::vector<boost::json::value>)> done) override {
    std::vector<boost::json::value> out;
    for (auto& [id, u] : kept) out.push_back(u);
    done(std::move(out));
  }
};

// The delays a receiver built with these options and seed waits after its first failures.
inline std::vector<core::Duration> expected_delays(core::BackoffOptions options, std::uint64_t seed,
                                                   int n) {
  core::Backoff backoff(options, seed);
  std::vector<core::Duration> out;
  for (int i = 0; i < n; ++i) out.push_back(backoff.next());
  return out;
}

// Everything a receiver is built with, except its options; fixtures derive from it.
struct ReceiverHarness {
  DeliverUpdate deliver_fn() {
    return [this](SharedUpdate update, std::function<void()> done) {
      delivered.push_back(*update);
      shared.push_back(std::move(update));
      handled.push_back(std::move(done));
    };
  }
  FatalError fatal_fn() {
    return [this](const std::string& message) { fatal.push_back(message); };
  }
  [[nodiscard]] std::size_t calls() const { return transport.calls.size(); }

  core::ManualClock clock;
  core::ManualExecutor executor{clock};
  FakeTransport transport;
  std::vector<boost::json::value> delivered;
  std::vector<SharedUpdate> shared;            // what was delivered, as the handler holds it
  std::vector<std::function<void()>> handled;  // handled[i]() reports delivered[i] handled
  std::vector<std::string> fatal;
};

}  // namespace corebot::telegram::testing
