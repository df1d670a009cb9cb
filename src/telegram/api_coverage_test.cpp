// Every method and type of api.json has a generated struct (and a row in the spec table).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "telegram/methods.hpp"
#include "telegram/spec.hpp"
#include "telegram/types.hpp"

namespace corebot::telegram::api {
namespace {

boost::json::object load_spec() {
  std::ifstream in(COREBOT_API_SPEC_PATH);
  std::stringstream buf;
  buf << in.rdbuf();
  return boost::json::parse(buf.str()).as_object();
}

TEST(ApiCoverage, EveryMethodOfTheSpecIsGenerated) {
  const auto doc = load_spec();
  std::set<std::string_view> generated(generated_method_names().begin(),
                                       generated_method_names().end());
  const auto& methods = doc.at("methods").as_object();
  EXPECT_EQ(generated.size(), methods.size());
  for (const auto& [name, m] : methods) {
    EXPECT_TRUE(generated.count(name)) << "no generated struct for method " << name;
    EXPECT_NE(spec::find_method(name), nullptr) << "not in the spec table: " << name;
  }
}

TEST(ApiCoverage, EveryTypeOfTheSpecIsGenerated) {
  const auto doc = load_spec();
  std::set<std::string_view> generated(generated_type_names().begin(),
                                       generated_type_names().end());
  const auto& types = doc.at("types").as_object();
  EXPECT_EQ(generated.size(), types.size());
  for (const auto& [name, t] : types) {
    EXPECT_TRUE(generated.count(name)) << "no generated struct for type " << name;
    EXPECT_NE(spec::find_type(name), nullptr) << "not in the spec table: " << name;
  }
}

// A method struct's to_request names the method as the spec spells it.
TEST(ApiCoverage, MethodNamesMatchTheSpecSpelling) {
  EXPECT_EQ(GetMe{}.to_request().method, "getMe");
  EXPECT_EQ(GetUpdates::kMethod, "getUpdates");
  EXPECT_EQ(spec::find_method(AnswerCallbackQuery::kMethod)->name, "answerCallbackQuery");
}

}  // namespace
}  // namespace corebot::telegram::api
