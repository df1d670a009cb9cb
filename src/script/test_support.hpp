// Test helpers for Lua modules: a module folder written in a temporary directory, and a driver
// that runs a LuaModule on FakeServices (tests/fakes/fake_services.hpp) with real content.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "corebot/registry.hpp"
#include "lua_module.hpp"
#include "tests/fakes/fake_services.hpp"
#include "tests/fakes/test_content.hpp"

namespace corebot::script::testing {

namespace fs = std::filesystem;

// A folder that is removed when the object goes.
struct TempDir {
  TempDir() {
    static std::atomic<int> n{0};
    path = fs::temp_directory_path() /
           ("corebot-lua-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path path;
};

inline void write_file(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// module.toml for a module `name` with commands `commands` (comma-separated).
inline std::string manifest(const std::string& name, const std::string& commands,
                            const std::string& extra = "permissions = [\"store\", \"send\"]\n") {
  std::string out = "name = \"" + name +
                    "\"\nversion = \"1.0\"\napi_version = " + std::to_string(kModuleApiVersion) +
                    "\ncallback_prefix = \"" + name + "\"\n" + extra;
  std::size_t start = 0;
  while (start < commands.size()) {
    std::size_t end = commands.find(',', start);
    if (end == std::string::npos) end = commands.size();
    out += "[[commands]]\nname = \"" + commands.substr(start, end - start) + "\"\n";
    start = end + 1;
  }
  return out;
}

constexpr std::int64_t kAdmin = 1009;
constexpr std::int64_t kUser = 1001;

// One Lua module on FakeServices, with content whose Admins sheet lists kAdmin.
struct Harness {
  explicit Harness(const std::string& name, const std::string& commands, const std::string& main,
                   Options options = small_options(),
                   const std::string& extra = "permissions = [\"store\", \"send\"]\n")
      : services(name) {
    dir = tmp.path / name;
    write_file(dir / "module.toml", manifest(name, commands, extra));
    write_file(dir / "main.lua", main);
    module = std::make_unique<LuaModule>(dir, options);
    content = corebot::testing::make_content(
        {{"Pages", "id,text\nstart,Hi\n"}, {"Admins", "user\n1009\n"}}, registry);
    services.declare(module->info());
    services.set_content(content);
  }
  static Options small_options() {
    Options o;
    o.limits.memory_bytes = 8u << 20;
    o.limits.instructions = 2'000'000;
    o.limits.send_calls = 20;
    o.limits.store_calls = 20;
    o.reload_s = 0;
    return o;
  }
  void start() { module->start(services); }

  std::shared_ptr<Context> make(const std::string& text, std::int64_t user = kUser) {
    boost::json::object update{
        {"update_id", ++update_id},
        {"message",
         {{"message_id", 1}, {"chat", {{"id", user}}}, {"from", {{"id", user}}}, {"text", text}}}};
    auto ctx = std::make_shared<Context>(std::move(update), services.recorded);
    ctx->attach(content, nullptr);
    ctx->load_session(session[user]);
    return ctx;
  }
  // Sends `text` and runs the store until the handler ended (its Context was released).
  Handled say(const std::string& text, std::int64_t user = kUser) {
    auto ctx = make(text, user);
    Handled h = module->on_update(*ctx);
    // The handler holds the Context until it ended, and so do its sends until the outbox
    // reports them (Context::sender()): play the outbox, every send succeeds. Then the session
    // is final.
    EXPECT_TRUE(services.run_store_until([&] {
      services.recorded.deliver_all();
      return ctx.use_count() == 1;
    })) << text;
    session[user] = ctx->session();
    return h;
  }
  // Texts of sendMessage calls to `chat`.
  std::vector<std::string> sent(std::int64_t chat = kUser) const {
    std::vector<std::string> out;
    for (const auto& c : services.recorded.calls) {
      if (c.method == "sendMessage" && c.params.at("chat_id").to_number<std::int64_t>() == chat) {
        out.emplace_back(c.params.at("text").as_string());
      }
    }
    return out;
  }
  // The error log lines.
  std::vector<std::string> errors() const {
    std::vector<std::string> out;
    for (const auto& [level, line] : services.logs) {
      if (level == LogLevel::kError) out.push_back(line);
    }
    return out;
  }
  std::string last_error() const {
    auto e = errors();
    return e.empty() ? "" : e.back();
  }

  TempDir tmp;
  fs::path dir;
  ModuleRegistry registry;
  std::shared_ptr<const Content> content;
  corebot::testing::FakeServices services;
  std::unique_ptr<LuaModule> module;
  std::int64_t update_id = 0;
  std::map<std::int64_t, boost::json::object> session;
};

}  // namespace corebot::script::testing
