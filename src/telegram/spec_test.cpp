// The generated spec table against the spec file itself: nothing of api.json may be missing.
#include "telegram/spec.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <fstream>
#include <sstream>
#include <string>

namespace corebot::telegram::spec {
namespace {

boost::json::value load_spec() {
  std::ifstream in(COREBOT_API_SPEC_PATH);
  std::stringstream buf;
  buf << in.rdbuf();
  return boost::json::parse(buf.str());
}

TEST(SpecTable, HasEveryMethodAndTypeOfTheSpec) {
  const auto doc = load_spec();
  const auto& methods_json = doc.at("methods").as_object();
  const auto& types_json = doc.at("types").as_object();
  EXPECT_EQ(methods().size(), methods_json.size());
  EXPECT_EQ(types().size(), types_json.size());
  EXPECT_EQ(version(), doc.at("version").as_string());
  for (const auto& [name, m] : methods_json) {
    const Method* found = find_method(name);
    ASSERT_NE(found, nullptr) << "method missing from the table: " << name;
    const auto& fields =
        m.as_object().contains("fields") ? m.at("fields").as_array() : boost::json::array{};
    ASSERT_EQ(found->fields.size(), fields.size()) << name;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      EXPECT_EQ(found->fields[i].name, fields[i].at("name").as_string()) << name;
      EXPECT_EQ(found->fields[i].required, fields[i].at("required").as_bool()) << name;
      EXPECT_EQ(found->fields[i].types.size(), fields[i].at("types").as_array().size()) << name;
    }
    EXPECT_EQ(found->returns.size(), m.at("returns").as_array().size()) << name;
  }
  for (const auto& [name, t] : types_json) {
    const Type* found = find_type(name);
    ASSERT_NE(found, nullptr) << "type missing from the table: " << name;
    const auto& obj = t.as_object();
    EXPECT_EQ(found->fields.size(), obj.contains("fields") ? obj.at("fields").as_array().size() : 0)
        << name;
    EXPECT_EQ(found->subtypes.size(),
              obj.contains("subtypes") ? obj.at("subtypes").as_array().size() : 0)
        << name;
  }
}

TEST(SpecTable, FindMethodIsCaseInsensitive) {
  const Method* m = find_method("SENDmessage");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->name, "sendMessage");
  EXPECT_EQ(find_method("sendmessage"), m);
  EXPECT_EQ(find_method("sendMessages"), nullptr);
  EXPECT_EQ(find_method(""), nullptr);
  ASSERT_EQ(m->returns.size(), 1u);
  EXPECT_EQ(m->returns[0], "Message");
  bool has_chat_id = false;
  for (const auto& f : m->fields) {
    if (f.name == "chat_id") {
      has_chat_id = true;
      EXPECT_TRUE(f.required);
      ASSERT_EQ(f.types.size(), 2u);
      EXPECT_EQ(f.types[0], "Integer");
      EXPECT_EQ(f.types[1], "String");
    }
  }
  EXPECT_TRUE(has_chat_id);
}

TEST(SpecTable, FindTypeIsExactAndKnowsSubtypes) {
  const Type* t = find_type("MessageOrigin");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->subtypes.size(), 4u);
  EXPECT_TRUE(t->fields.empty());
  EXPECT_EQ(find_type("messageorigin"), nullptr);
  EXPECT_NE(find_type("Update"), nullptr);
  EXPECT_EQ(find_type("NoSuchType"), nullptr);
}

}  // namespace
}  // namespace corebot::telegram::spec
