#include "sandbox/validator.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

namespace corebot::sandbox {
namespace {

namespace json = boost::json;

std::variant<json::object, ApiError> run(std::string_view method, json::object values,
                                         RawParams params = {}) {
  const telegram::spec::Method* m = find_method(method);
  EXPECT_NE(m, nullptr) << method;
  params.values = std::move(values);
  return validate_params(*m, params);
}

std::string error_of(const std::variant<json::object, ApiError>& r) {
  const ApiError* e = std::get_if<ApiError>(&r);
  return e ? std::to_string(e->code) + " " + e->description : "ok";
}

TEST(Validator, UnknownMethodIsNotInTheSpec) {
  EXPECT_EQ(find_method("sendTelepathy"), nullptr);
  ASSERT_NE(find_method("sendmessage"), nullptr);  // case-insensitive, as Telegram
  EXPECT_EQ(find_method("sendmessage")->name, "sendMessage");
}

TEST(Validator, MissingChatIdGetsTelegramsWording) {
  EXPECT_EQ(error_of(run("sendMessage", {{"text", "hi"}})), "400 Bad Request: chat_id is empty");
  EXPECT_EQ(error_of(run("sendMessage", {{"chat_id", ""}, {"text", "hi"}})),
            "400 Bad Request: chat_id is empty");
  EXPECT_EQ(error_of(run("sendMessage", {{"chat_id", "1"}})),
            "400 Bad Request: message text is empty");
  EXPECT_EQ(error_of(run("sendPhoto", {{"chat_id", "1"}})),
            "400 Bad Request: there is no photo in the request");
}

TEST(Validator, ConvertsFormStringsToTypes) {
  auto r = run("sendMessage", {{"chat_id", "-100"},
                               {"text", "hi"},
                               {"disable_notification", "true"},
                               {"reply_markup", R"({"inline_keyboard":[[]]})"},
                               {"unknown_field", "dropped"}});
  ASSERT_TRUE(std::holds_alternative<json::object>(r)) << error_of(r);
  const auto& o = std::get<json::object>(r);
  EXPECT_EQ(o.at("chat_id").as_int64(), -100);
  EXPECT_EQ(o.at("disable_notification").as_bool(), true);
  EXPECT_TRUE(o.at("reply_markup").as_object().contains("inline_keyboard"));
  EXPECT_FALSE(o.contains("unknown_field"));
}

TEST(Validator, ChatIdMayBeAUsername) {
  auto r = run("sendMessage", {{"chat_id", "@channel"}, {"text", "hi"}});
  ASSERT_TRUE(std::holds_alternative<json::object>(r));
  EXPECT_EQ(std::get<json::object>(r).at("chat_id").as_string(), "@channel");
}

TEST(Validator, WrongTypesAreRejected) {
  EXPECT_EQ(
      error_of(run("editMessageText", {{"chat_id", 1}, {"message_id", "abc"}, {"text", "x"}})),
      "400 Bad Request: parameter \"message_id\" must be of type Integer");
  EXPECT_EQ(
      error_of(run("editMessageText",
                   {{"chat_id", 1}, {"message_id", "99999999999999999999999"}, {"text", "x"}})),
      "400 Bad Request: parameter \"message_id\" must be of type Integer");
  EXPECT_EQ(
      error_of(run("sendMessage", {{"chat_id", 1}, {"text", "x"}, {"protect_content", "maybe"}})),
      "400 Bad Request: parameter \"protect_content\" must be of type Boolean");
  EXPECT_EQ(
      error_of(run("sendMessage", {{"chat_id", 1}, {"text", "x"}, {"reply_markup", "{nope"}})),
      "400 Bad Request: can't parse reply keyboard markup JSON object");
  EXPECT_EQ(error_of(run("sendMessage", {{"chat_id", 1}, {"text", "x"}, {"entities", "{}"}})),
            "400 Bad Request: can't parse entities JSON object");
  EXPECT_EQ(error_of(run("sendMessage", {{"chat_id", json::array{}}, {"text", "x"}})),
            "400 Bad Request: parameter \"chat_id\" must be of type Integer");
}

TEST(Validator, JsonBodyValuesKeepTheirTypes) {
  auto r = run(
      "sendMessage",
      {{"chat_id", 5}, {"text", 12}, {"reply_markup", json::object{{"remove_keyboard", true}}}});
  ASSERT_TRUE(std::holds_alternative<json::object>(r)) << error_of(r);
  const auto& o = std::get<json::object>(r);
  EXPECT_EQ(o.at("text").as_string(), "12");
  EXPECT_TRUE(o.at("reply_markup").as_object().at("remove_keyboard").as_bool());
}

TEST(Validator, UploadsAndAttachReferences) {
  RawParams params;
  params.files["photo"] = UploadedFile{"a.png", "image/png", "PNG"};
  params.files["doc"] = UploadedFile{"b.txt", "text/plain", "hello"};
  auto r = run("sendPhoto", {{"chat_id", 1}}, params);
  ASSERT_TRUE(std::holds_alternative<json::object>(r)) << error_of(r);
  EXPECT_EQ(std::get<json::object>(r).at("photo").as_object().at("upload").as_string(), "photo");

  auto r2 = run("sendDocument", {{"chat_id", 1}, {"document", "attach://doc"}}, params);
  ASSERT_TRUE(std::holds_alternative<json::object>(r2)) << error_of(r2);
  EXPECT_EQ(std::get<json::object>(r2).at("document").as_object().at("upload").as_string(), "doc");

  EXPECT_EQ(error_of(run("sendDocument", {{"chat_id", 1}, {"document", "attach://nope"}}, params)),
            "400 Bad Request: there is no document in the request");
}

TEST(Validator, ParseInt64) {
  EXPECT_EQ(parse_int64("-12"), -12);
  EXPECT_EQ(parse_int64("9223372036854775807"), INT64_MAX);
  EXPECT_FALSE(parse_int64("9223372036854775808"));
  EXPECT_FALSE(parse_int64("12a"));
  EXPECT_FALSE(parse_int64(""));
  EXPECT_FALSE(parse_int64("+1"));
}

}  // namespace
}  // namespace corebot::sandbox
