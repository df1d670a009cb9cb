// libFuzzer target: random Lua source as a module's handler (and as its whole main file), fed
// random events. No crash, no sanitizer report, and the limits hold: memory under the cap,
// sends under the cap per event, every event ends. Build: cmake -DCOREBOT_FUZZ=ON with clang;
// run: ./script_fuzz -max_total_time=60 src/script/fuzz_corpus/
#include <boost/json.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

#include "script.hpp"
#include "tests/fakes/fake_services.hpp"

namespace {

using namespace corebot;
using namespace corebot::script;

Limits fuzz_limits() {
  Limits l;
  l.memory_bytes = 4u << 20;
  l.instructions = 200'000;
  l.deadline = std::chrono::milliseconds(2000);
  l.send_calls = 5;
  l.store_calls = 5;
  return l;
}

Manifest fuzz_manifest() {
  Manifest m;
  m.info.name = "f";
  m.info.version = "1";
  m.info.commands = {{"f", "", {}}};
  m.info.callback_prefix = "f";
  m.info.update_kinds = {"message"};
  m.permissions = {"store", "send"};
  return m;
}

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "script_fuzz: %s\n", what);
    std::abort();
  }
}

// Feeds the events encoded in `events` to a module made of `main`.
void run(corebot::testing::FakeServices& services, const std::string& main,
         const std::string& events) {
  const Limits limits = fuzz_limits();
  auto script = std::make_shared<Script>(
      fuzz_manifest(), std::map<std::string, std::string>{{"main.lua", main}}, limits, services,
      [] { return std::chrono::steady_clock::now(); }, nullptr);
  if (!script->load().empty()) return;
  std::int64_t id = 0;
  for (unsigned char e : events) {
    const std::size_t calls_before = services.recorded.calls.size();
    boost::json::object update{{"update_id", ++id}};
    const std::int64_t user = 1000 + (e >> 4);
    if ((e & 3) == 0) {
      update["message"] = {{"message_id", 1},
                           {"chat", {{"id", user}}},
                           {"from", {{"id", user}}},
                           {"text", "/f " + std::to_string(e)}};
    } else if ((e & 3) == 1) {
      update["callback_query"] = {
          {"id", "q"},
          {"from", {{"id", user}}},
          {"data", "f:" + std::to_string(e)},
          {"message", {{"message_id", 2}, {"chat", {{"id", user}}}, {"text", "x"}}}};
    } else {
      update["message"] = {{"message_id", 3},
                           {"chat", {{"id", user}}},
                           {"from", {{"id", user}}},
                           {"text", std::string(e % 7, 'x')}};
    }
    auto ctx = std::make_shared<Context>(std::move(update), services.recorded);
    ctx->load_session({});
    script->handle(*ctx);
    // Answer the sends it waits for, run the store's answers, until the event ended.
    std::size_t answered = calls_before;
    for (int round = 0; round < 100 && ctx.use_count() > 1; ++round) {
      for (; answered < services.recorded.calls.size(); ++answered) {
        // Taken out of the record: a send holds its update's Context until reported.
        CallDone done = std::exchange(services.recorded.calls[answered].done, nullptr);
        if (done) {
          CallResult r;
          r.ok = true;
          r.result = boost::json::object{{"message_id", 5}};
          done(r);
        }
      }
      services.run_store_until(
          [&] { return ctx.use_count() == 1 || services.recorded.calls.size() > answered; });
    }
    check(ctx.use_count() == 1, "an event did not end");
    check(services.recorded.calls.size() - calls_before <=
              static_cast<std::size_t>(limits.send_calls),
          "more sends than the cap in one event");
    check(script->sandbox().memory_used() <= limits.memory_bytes + (1u << 20),
          "memory over the cap");
  }
  check(script->pending() == 0, "events left pending");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static corebot::testing::FakeServices services("f");
  if (size > 4096) return 0;
  const std::string input(reinterpret_cast<const char*>(data), size);
  // "<lua source>\0<events>"
  const auto cut = input.find('\0');
  const std::string source = input.substr(0, cut);
  const std::string events = cut == std::string::npos ? "\x00\x01\x02" : input.substr(cut + 1);
  // The source as a handler's body...
  run(services,
      "local function body(ctx)\n" + source +
          "\nend\nreturn { commands = { f = body }, on_callback = body, on_update = body }\n",
      events);
  // ...and as the whole main file.
  run(services, source, events);
  services.recorded.calls.clear();
  return 0;
}
