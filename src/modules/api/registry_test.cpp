#include "corebot/registry.hpp"

#include <gtest/gtest.h>

namespace corebot {
namespace {

class FakeModule final : public Module {
 public:
  explicit FakeModule(ModuleInfo info) : info_(std::move(info)) {}
  ModuleInfo info() const override { return info_; }
  Handled on_update(Context&) override { return Handled::kStop; }

 private:
  ModuleInfo info_;
};

std::unique_ptr<Module> make(std::string name, std::vector<std::string> commands = {},
                             std::string prefix = {}) {
  ModuleInfo info;
  info.name = std::move(name);
  for (auto& c : commands) info.commands.push_back({c, ""});
  info.callback_prefix = std::move(prefix);
  return std::make_unique<FakeModule>(std::move(info));
}

TEST(Registry, RoutesCommandsAndPrefixes) {
  ModuleRegistry registry;
  registry.add(make("a", {"start"}, "a"));
  registry.add(make("b", {"help"}));
  EXPECT_EQ(registry.for_command("start"), registry.modules()[0].get());
  EXPECT_EQ(registry.for_command("help"), registry.modules()[1].get());
  EXPECT_EQ(registry.for_command("nope"), nullptr);
  EXPECT_EQ(registry.for_callback_prefix("a"), registry.modules()[0].get());
  EXPECT_EQ(registry.commands().size(), 2u);
  EXPECT_EQ(registry.allowed_updates(), (std::vector<std::string>{"callback_query", "message"}));
}

TEST(Registry, PublishesOnlyDescribedCommandsTheContentOffers) {
  ModuleInfo info;
  info.name = "a";
  bool has_forms = false;
  info.commands = {{"start", "Main menu"},
                   {"admin", ""},
                   {"cancel", "Cancel the form", [&](const Content*) { return has_forms; }}};
  ModuleRegistry registry;
  registry.add(std::make_unique<FakeModule>(std::move(info)));
  auto names = [&] {
    std::vector<std::string> out;
    for (const auto& c : registry.published_commands(nullptr)) out.push_back(c.name);
    return out;
  };
  EXPECT_EQ(names(), (std::vector<std::string>{"start"}));
  has_forms = true;
  EXPECT_EQ(names(), (std::vector<std::string>{"start", "cancel"}));
  EXPECT_EQ(registry.commands().size(), 3u);  // all are still routed
  EXPECT_EQ(registry.for_command("cancel"), registry.modules()[0].get());
}

TEST(Registry, RejectsDuplicates) {
  ModuleRegistry registry;
  registry.add(make("a", {"start"}, "x"));
  EXPECT_THROW(registry.add(make("a")), RegistryError);
  try {
    registry.add(make("b", {"start"}));
    FAIL();
  } catch (const RegistryError& e) {
    EXPECT_STREQ(e.what(), "module 'b' claims /start, already claimed by 'a'");
  }
  EXPECT_THROW(registry.add(make("c", {}, "x")), RegistryError);
  EXPECT_EQ(registry.modules().size(), 1u);
}

TEST(Registry, RejectsBadNamesPrefixesAndVersions) {
  ModuleRegistry registry;
  EXPECT_THROW(registry.add(make("Bad Name")), RegistryError);
  EXPECT_THROW(registry.add(make("p", {}, "a:b")), RegistryError);
  ModuleInfo info;
  info.name = "old";
  info.api_version = kModuleApiVersion + 1;
  EXPECT_THROW(registry.add(std::make_unique<FakeModule>(info)), RegistryError);
  ModuleInfo admin;
  admin.name = "adm";
  admin.callback_prefix = "adm";
  admin.admin_menu = {{"Stats", "other:stats"}};
  EXPECT_THROW(registry.add(std::make_unique<FakeModule>(admin)), RegistryError);
  EXPECT_TRUE(registry.modules().empty());
}

TEST(Registry, PageButtonsNeedACallbackPrefix) {
  class ActionModule final : public Module {
   public:
    ModuleInfo info() const override {
      ModuleInfo info;
      info.name = "actions";
      info.page_buttons = true;
      return info;
    }
    Handled on_update(Context&) override { return Handled::kStop; }
  };
  ModuleRegistry registry;
  try {
    registry.add(std::make_unique<ActionModule>());
    FAIL() << "accepted page_buttons without a prefix";
  } catch (const RegistryError& e) {
    EXPECT_NE(std::string(e.what()).find("page_buttons needs a callback prefix"),
              std::string::npos);
  }
}

}  // namespace
}  // namespace corebot
