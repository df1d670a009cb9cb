// A Sender that records calls instead of sending them, for unit tests of modules and dispatch.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "corebot/sender.hpp"

namespace corebot::testing {

struct RecordedCall {
  std::string method;
  boost::json::object params;
  Priority priority;
  CallDone done;
  std::vector<Upload> files;
  bool wants_result = true;
};

class RecordingSender final : public Sender {
 public:
  using Sender::call;
  void call(ApiCall call, Priority priority, CallDone done) override {
    calls.push_back({std::move(call.method), std::move(call.params), priority, std::move(done),
                     std::move(call.files), call.wants_result});
  }
  // Plays the outbox for every call not reported yet: reports it delivered (ok, with a
  // message_id), and takes its `done` out of the record, so what it held (the update's Context:
  // Context::sender()) is released. Tests that wait for an update to end call this.
  void deliver_all() {
    for (; delivered_ < calls.size(); ++delivered_) {
      CallDone done = std::move(calls[delivered_].done);
      calls[delivered_].done = nullptr;
      if (!done) continue;
      CallResult ok;
      ok.ok = true;
      ok.result = boost::json::object{{"message_id", static_cast<std::int64_t>(delivered_ + 1)}};
      done(ok);
    }
  }
  std::vector<RecordedCall> calls;

 private:
  std::size_t delivered_ = 0;
};

}  // namespace corebot::testing
