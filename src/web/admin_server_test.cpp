// The admin server's answers, called directly (no sockets): what is open, what needs the token,
// what is refused on the headers before a body is read, and each route's body limit.
#include "web/admin_server.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace corebot::web {
namespace {

namespace json = boost::json;

constexpr const char* kToken = "a-strong-admin-token-of-32-chars";

net::HttpRequest request(std::string method, std::string path,
                         std::optional<std::string> token = std::nullopt, std::string body = "") {
  net::HttpRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.target = r.path;
  r.body = std::move(body);
  if (token) r.headers.emplace_back("authorization", "Bearer " + *token);
  return r;
}

class AdminServerTest : public ::testing::Test {
 protected:
  AdminServer& make(std::string token = kToken) {
    AdminHandlers handlers;
    handlers.health = [this] { return state_; };
    handlers.metrics = [] { return std::string("corebot_updates_received_total 7\n"); };
    // A module serving /admin/broadcast, as the mailing module does.
    handlers.module_route = [](std::string_view route) { return route == "broadcast"; };
    handlers.module_api = [this](const std::string& method, const std::string& route,
                                 std::vector<std::string> rest, json::object body, ReplyFn reply) {
      EXPECT_EQ(route, "broadcast");
      if (method == "POST" && rest.empty()) {
        broadcasts_.push_back(body);
        return reply({202, json::object{{"ok", true}}});
      }
      if (method == "GET" && rest.size() == 1 && rest[0] == "m1") {
        return reply({200, json::object{{"ok", true}, {"result", {{"id", "m1"}}}}});
      }
      reply({404, json::object{{"ok", false}, {"error", "no mailing"}}});
    };
    server_ = std::make_unique<AdminServer>(loop_, AdminServerOptions{.token = std::move(token)},
                                            std::move(handlers));
    return *server_;
  }
  // The answer to a whole request (bodies are JSON but /metrics).
  net::HttpResponse answer(const net::HttpRequest& r) {
    std::optional<net::HttpResponse> got;
    server_->handle(r, [&](net::HttpResponse response) { got = std::move(response); });
    EXPECT_TRUE(got.has_value());
    return got.value_or(net::HttpResponse{.status = 0});
  }
  int status(const net::HttpRequest& r) { return answer(r).status; }

  net::EventLoop loop_;  // never run: handle() and check_head() are called directly
  json::object state_{{"status", "ok"}, {"bot", "shop_bot"}, {"outbox_queued", 3}};
  std::vector<json::object> broadcasts_;
  std::unique_ptr<AdminServer> server_;
};

TEST_F(AdminServerTest, HealthIsOpenAndSaysOnlyTheStatus) {
  make();
  auto r = answer(request("GET", "/health"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body), json::parse(R"({"ok":true,"result":{"status":"ok"}})"));
  state_["status"] = "degraded";
  r = answer(request("GET", "/health"));
  EXPECT_EQ(json::parse(r.body), json::parse(R"({"ok":true,"result":{"status":"degraded"}})"));
  EXPECT_EQ(r.body.find("shop_bot"), std::string::npos);
}

TEST_F(AdminServerTest, TheEnginesStateAndMetricsNeedTheToken) {
  make();
  for (const char* path : {"/metrics", "/admin/status", "/admin/broadcast/m1"}) {
    EXPECT_EQ(status(request("GET", path)), 401) << path;
    EXPECT_EQ(status(request("GET", path, "wrong")), 401) << path;
    EXPECT_EQ(status(request("GET", path, std::string(kToken) + "x")), 401) << path;
    EXPECT_EQ(status(request("GET", path, std::string(kToken).substr(1))), 401) << path;
  }
  auto metrics = answer(request("GET", "/metrics", kToken));
  EXPECT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.content_type, "text/plain; version=0.0.4");
  EXPECT_EQ(metrics.body, "corebot_updates_received_total 7\n");
  auto state = answer(request("GET", "/admin/status", kToken));
  EXPECT_EQ(state.status, 200);
  EXPECT_EQ(json::parse(state.body).at("result"), state_);
  EXPECT_EQ(status(request("GET", "/admin/broadcast/m1", kToken)), 200);
  EXPECT_EQ(status(request("GET", "/admin/broadcast/m2", kToken)), 404);
}

TEST_F(AdminServerTest, WithoutAConfiguredTokenOnlyHealthIsServed) {
  make("");
  EXPECT_EQ(status(request("GET", "/health")), 200);
  EXPECT_EQ(status(request("GET", "/metrics")), 403);
  EXPECT_EQ(status(request("GET", "/admin/status", "")), 403);
  EXPECT_EQ(status(request("POST", "/admin/broadcast", "", R"({"text":"x","to":"all"})")), 403);
  EXPECT_TRUE(broadcasts_.empty());
}

TEST_F(AdminServerTest, RefusalsComeFromTheHeadersBeforeTheBodyIsRead) {
  auto& server = make();
  auto decide = [&](const net::HttpRequest& r) { return server.check_head(r); };
  const auto wrong = decide(request("POST", "/admin/broadcast", "wrong"));
  ASSERT_TRUE(wrong.refuse.has_value());
  EXPECT_EQ(wrong.refuse->status, 401);
  const auto missing = decide(request("POST", "/admin/broadcast"));
  ASSERT_TRUE(missing.refuse.has_value());
  EXPECT_EQ(missing.refuse->status, 401);
  ASSERT_TRUE(decide(request("GET", "/nowhere")).refuse.has_value());
  EXPECT_EQ(decide(request("GET", "/nowhere")).refuse->status, 404);
  EXPECT_EQ(decide(request("POST", "/health")).refuse->status, 405);
  EXPECT_EQ(decide(request("DELETE", "/admin/broadcast", kToken)).refuse->status, 405);
  // A route no module serves is unknown.
  EXPECT_EQ(decide(request("POST", "/admin/elsewhere", kToken)).refuse->status, 404);

  const auto right = decide(request("POST", "/admin/broadcast", kToken));
  EXPECT_FALSE(right.refuse.has_value());
  EXPECT_EQ(right.max_body_bytes, std::optional<std::size_t>(AdminServer::kMaxJsonBody));
  EXPECT_EQ(AdminServer::kMaxJsonBody, 2u * 1024 * 1024);  // ~200,000 listed chat ids
  // Nothing on the GET routes has a body: 413 before it is read.
  for (const char* path : {"/metrics", "/admin/status", "/admin/broadcast/m1"}) {
    EXPECT_EQ(decide(request("GET", path, kToken)).max_body_bytes, std::optional<std::size_t>(0))
        << path;
  }
  EXPECT_EQ(decide(request("GET", "/health")).max_body_bytes, std::optional<std::size_t>(0));
}

TEST_F(AdminServerTest, ABroadcastNeedsAJsonObject) {
  make();
  EXPECT_EQ(status(request("POST", "/admin/broadcast", kToken, "[1]")), 400);
  EXPECT_EQ(status(request("POST", "/admin/broadcast", kToken, "{")), 400);
  EXPECT_TRUE(broadcasts_.empty());
  EXPECT_EQ(status(request("POST", "/admin/broadcast", kToken, R"({"text":"x","to":"all"})")), 202);
  ASSERT_EQ(broadcasts_.size(), 1u);
  EXPECT_EQ(broadcasts_[0].at("text"), "x");
}

}  // namespace
}  // namespace corebot::web
