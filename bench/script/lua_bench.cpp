// What a Lua module costs against the same module in C++ (issue 12): CPU per update for a
// handler that replies to /start, routed by the real dispatcher (the reply goes to a Sender that
// drops it: the outbox and the network are the same for both and measured by
// bench/pipeline/pipeline_bench.cpp); and a Lua module's idle memory, as its state's allocator
// counts it (everything the module's Lua state holds once loaded).
//
//   build/src/app/lua_bench --benchmark_format=json > bench/results/lua.json
//
// docs/benchmarks.md keeps the table. Not run by CI (the machine is shared).
#include <benchmark/benchmark.h>

#include <boost/json.hpp>

#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>

#include "bench/common/start_update.hpp"
#include "corebot/module.hpp"
#include "corebot/registry.hpp"
#include "dispatch/dispatcher.hpp"
#include "script/lua_module.hpp"
#include "tests/fakes/fake_services.hpp"

namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using namespace corebot;

const char* kReply = "Welcome! Choose what you need:";

class CppReplier final : public Module {
 public:
  ModuleInfo info() const override {
    ModuleInfo info;
    info.name = "replier";
    info.commands = {{"start", "start", {}}};
    return info;
  }
  Handled on_update(Context& ctx) override {
    ctx.reply(kReply);
    return Handled::kStop;
  }
};

class NullSender final : public Sender {
 public:
  using Sender::call;
  void call(ApiCall call, Priority, CallDone) override { benchmark::DoNotOptimize(call); }
};

// A module folder in a temporary directory, removed at the end.
struct ModuleFolder {
  explicit ModuleFolder(const std::string& main) {
    dir = fs::temp_directory_path() / ("corebot-lua-bench-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::ofstream(dir / "module.toml")
        << "name = \"replier\"\nversion = \"1\"\napi_version = " << kModuleApiVersion
        << "\n[[commands]]\nname = \"start\"\n";
    std::ofstream(dir / "main.lua") << main;
  }
  ~ModuleFolder() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  fs::path dir;
};

script::Options options() {
  script::Options o;
  o.reload_s = 0;  // no folder polling in the measurement
  return o;
}

// Dispatches `update` to the registry's module and runs what the dispatcher posted.
void run_dispatch(benchmark::State& state, ModuleRegistry& registry) {
  NullSender sender;
  std::deque<std::function<void()>> posted;
  dispatch::Dispatcher dispatcher(
      registry, sender, [&](std::function<void()> fn) { posted.push_back(std::move(fn)); });
  std::vector<json::value> updates;
  for (int i = 0; i < 1000; ++i) updates.push_back(bench::start_update(i, 1000 + i));
  std::size_t i = 0;
  for (auto _ : state) {
    dispatcher.dispatch(updates[i++ % updates.size()]);
    while (!posted.empty()) {
      auto fn = std::move(posted.front());
      posted.pop_front();
      fn();
    }
  }
}

void BM_CppModuleReply(benchmark::State& state) {
  ModuleRegistry registry;
  registry.add(std::make_unique<CppReplier>());
  run_dispatch(state, registry);
}
BENCHMARK(BM_CppModuleReply);

void BM_LuaModuleReply(benchmark::State& state) {
  ModuleFolder folder(std::string("return { commands = { start = function(ctx)\n"
                                  "  ctx:reply('") +
                      kReply + "')\nend } }\n");
  corebot::testing::FakeServices services("replier");
  ModuleRegistry registry;
  auto module = std::make_unique<script::LuaModule>(folder.dir, options());
  auto* lua = module.get();
  registry.add(std::move(module));
  lua->start(services);
  run_dispatch(state, registry);
  state.counters["failures"] = static_cast<double>(lua->failures_total());
  lua->stop();
}
BENCHMARK(BM_LuaModuleReply);

// A Lua module's memory once loaded and idle, in bytes: the minimal replier, and the quiz and
// booking examples of modules/ (read from the source tree).
void idle_memory(benchmark::State& state, const fs::path& dir) {
  corebot::testing::FakeServices services(dir.filename().string());
  std::size_t bytes = 0;
  for (auto _ : state) {
    script::LuaModule module(dir, options());
    module.start(services);
    bytes = module.memory_used();
    module.stop();
  }
  state.counters["idle_bytes"] = static_cast<double>(bytes);
}

void BM_LuaIdleMemoryReplier(benchmark::State& state) {
  ModuleFolder folder("return { commands = { start = function(ctx) ctx:reply('hi') end } }\n");
  idle_memory(state, folder.dir);
}
BENCHMARK(BM_LuaIdleMemoryReplier)->Iterations(20);

void BM_LuaIdleMemoryQuiz(benchmark::State& state) {
  idle_memory(state, fs::path(COREBOT_SOURCE_DIR) / "modules" / "quiz");
}
BENCHMARK(BM_LuaIdleMemoryQuiz)->Iterations(20);

void BM_LuaIdleMemoryBooking(benchmark::State& state) {
  idle_memory(state, fs::path(COREBOT_SOURCE_DIR) / "modules" / "booking");
}
BENCHMARK(BM_LuaIdleMemoryBooking)->Iterations(20);

}  // namespace

BENCHMARK_MAIN();
