// A Sender that records calls instead of sending them, for unit tests of modules and dispatch.
#pragma once

#include <boost/json.hpp>

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
};

class RecordingSender final : public Sender {
 public:
  using Sender::call;
  void call(ApiCall call, Priority priority, CallDone done) override {
    calls.push_back({std::move(call.method), std::move(call.params), priority, std::move(done),
                     std::move(call.files)});
  }
  std::vector<RecordedCall> calls;
};

}  // namespace corebot::testing
