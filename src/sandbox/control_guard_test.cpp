// The control API is for local tools and the sandbox's own page, not for any web page the
// developer opens (issue 10).
#include "sandbox/control_guard.hpp"

#include <gtest/gtest.h>

namespace corebot::sandbox {
namespace {

net::HttpRequest request(net::Headers headers, std::string body = "") {
  net::HttpRequest r;
  r.method = body.empty() ? "GET" : "POST";
  r.path = "/control/bots";
  r.headers = std::move(headers);
  r.body = std::move(body);
  return r;
}

TEST(ControlGuard, LocalToolsAndTheSandboxPageAreAllowed) {
  EXPECT_EQ(control_refusal(request({{"host", "127.0.0.1:8081"}}), "127.0.0.1"), std::nullopt);
  EXPECT_EQ(control_refusal(request({{"host", "LOCALHOST:8081"},
                                     {"origin", "http://localhost:8081"},
                                     {"content-type", "application/json; charset=utf-8"}},
                                    "{}"),
                            "127.0.0.1"),
            std::nullopt);
  EXPECT_EQ(control_refusal(request({{"host", "[::1]:8081"}}), "127.0.0.1"), std::nullopt);
  // A sandbox told to listen on another address answers requests that name it.
  EXPECT_EQ(control_refusal(request({{"host", "10.0.0.5:8081"}}), "10.0.0.5"), std::nullopt);
}

TEST(ControlGuard, ARebindingPageIsRefusedByItsHost) {
  const auto why = control_refusal(request({{"host", "evil.example:8081"}}), "127.0.0.1");
  ASSERT_TRUE(why);
  EXPECT_EQ(*why,
            "the control API answers only requests for 127.0.0.1 or localhost (Host: "
            "evil.example:8081)");
  EXPECT_TRUE(control_refusal(request({}), "127.0.0.1")) << "no Host at all";
}

TEST(ControlGuard, AnotherPagesRequestIsRefusedByItsOrigin) {
  const auto why = control_refusal(
      request({{"host", "127.0.0.1:8081"}, {"origin", "https://evil.example"}}), "127.0.0.1");
  ASSERT_TRUE(why);
  EXPECT_EQ(*why,
            "the control API refuses requests from other web pages (Origin: https://evil.example)");
  EXPECT_TRUE(
      control_refusal(request({{"host", "127.0.0.1:8081"}, {"origin", "null"}}), "127.0.0.1"));
}

TEST(ControlGuard, ABodyMustBeJson) {
  // A cross-site form can post text/plain without a preflight; JSON needs one, never granted.
  const auto why = control_refusal(
      request({{"host", "127.0.0.1:8081"}, {"content-type", "text/plain"}}, "{\"token\":1}"),
      "127.0.0.1");
  ASSERT_TRUE(why);
  EXPECT_EQ(*why, "the control API takes JSON bodies only: send Content-Type: application/json");
}

}  // namespace
}  // namespace corebot::sandbox
