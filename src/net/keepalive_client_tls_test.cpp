// KeepAliveClient over TLS against a loopback HTTPS server whose certificates are made at test
// time (tls_test_support.hpp): verification against `ca_file` and the system's CAs, host-name
// checks for names and addresses, SNI, verify_tls=false, and connection reuse across requests.
// The loop runs on its own thread; the test thread waits on futures with generous deadlines.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <future>
#include <memory>
#include <stdexcept>
#include <thread>

#include "net/client_test_support.hpp"
#include "net/event_loop.hpp"
#include "net/keepalive_client.hpp"
#include "net/loop_test_support.hpp"
#include "net/tls_test_support.hpp"

namespace corebot::net {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using tls_test::Pem;
using tls_test::TempFile;
using tls_test::TlsEchoServer;

// Made once: key generation is cheap, but every test trusts the same CA.
struct Pki {
  Pem ca = tls_test::make_ca();
  Pem server = tls_test::make_server_cert(ca, "DNS:localhost,IP:127.0.0.1");
  Pem other = tls_test::make_server_cert(ca, "DNS:other.example");
};

const Pki& pki() {
  static const Pki made;
  return made;
}

class KeepAliveTlsTest : public KeepAliveFixture<TlsEchoServer> {
 protected:
  // Starts a server presenting `identity` and a client for https://<host>:<its port>.
  void start(const Pem& identity, const std::string& host, KeepAliveClientOptions options,
             bool ticket_on_demand = false) {
    auto& io = *static_cast<boost::asio::io_context*>(loop_.native_handle());
    server_ = std::make_unique<TlsEchoServer>(io, identity, ticket_on_demand);
    origin_ = "https://" + host + ":" + std::to_string(server_->port());
    options.origin = origin_;
    // Both are made before the loop runs, as the client's contract asks.
    client_ = std::make_unique<KeepAliveClient>(loop_, std::move(options));
    run_loop();
  }

  KeepAliveClientOptions trusting_ca() {
    ca_file_ = std::make_unique<TempFile>(pki().ca.cert);
    return {.ca_file = ca_file_->path()};
  }

  HttpClientResponse fetch(HttpClientRequest request) {
    auto future = send_request(*client_, std::move(request));
    return wait_response(future);
  }

  HttpClientResponse get(const std::string& path) { return fetch({.url = origin_ + path}); }

  KeepAliveClientStats stats() {
    KeepAliveClientStats out;
    on_loop([&] { out = client_->stats(); });
    return out;
  }

  TlsEchoServer::Counts server_counts() {
    TlsEchoServer::Counts out;
    on_loop([&] { out = server_->counts(); });
    return out;
  }

  // Asks the loop until `condition` (run there) holds; each look is a round trip through the
  // loop, not a sleep, and the deadline is generous.
  bool wait_on_loop(const std::function<bool()>& condition) {
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    while (std::chrono::steady_clock::now() < deadline) {
      bool holds = false;
      const auto look = [&] { holds = condition(); };
      if (!run_on_loop(loop_, look, kWait)) return false;
      if (holds) return true;
    }
    return false;
  }

  std::unique_ptr<TempFile> ca_file_;
  std::string origin_;
};

TEST_F(KeepAliveTlsTest, CaFileVerifiesServerAndPostIsEchoed) {
  start(pki().server, "localhost", trusting_ca());
  const auto response = fetch({.method = "POST",
                               .url = origin_ + "/bot123/sendMessage?x=1",
                               .body = R"({"chat_id":42})",
                               .content_type = "application/json"});
  ASSERT_EQ(response.status, 200) << response.error;
  EXPECT_EQ(response.body, R"(POST /bot123/sendMessage?x=1 {"chat_id":42})");
  EXPECT_EQ(find_header(response.headers, "content-type"), "text/plain");
  const auto served = server_counts();
  EXPECT_EQ(served.handshakes, 1u);
  EXPECT_EQ(served.last_sni, "localhost") << "SNI carries the origin's host name";
}

TEST_F(KeepAliveTlsTest, SequentialRequestsReuseOneTlsConnection) {
  start(pki().server, "localhost", trusting_ca());
  for (int i = 0; i < 5; ++i) {
    const auto response = get("/n/" + std::to_string(i));
    ASSERT_EQ(response.status, 200) << i << ": " << response.error;
    EXPECT_EQ(response.body, "GET /n/" + std::to_string(i) + " ");
  }
  const auto served = server_counts();
  EXPECT_EQ(served.accepted, 1u);
  EXPECT_EQ(served.handshakes, 1u);
  const auto s = stats();
  EXPECT_EQ(s.connects, 1u);
  EXPECT_EQ(s.reused, 4u);
  EXPECT_EQ(s.requests, 5u);
  EXPECT_EQ(s.stale_closed, 0u);
  EXPECT_EQ(s.failed, 0u);
  EXPECT_EQ(s.idle, 1u);
}

TEST_F(KeepAliveTlsTest, RecordsArrivingOnAnIdleConnectionDoNotMakeItStale) {
  // Unlike plain HTTP, where an unasked byte means the stream is out of step, a TLS record on an
  // idle connection (a session ticket here, a key update elsewhere) is no reason to drop it.
  start(pki().server, "localhost", trusting_ca(), /*ticket_on_demand=*/true);
  for (std::size_t i = 0; i < 3; ++i) {
    const auto response = get("/t/" + std::to_string(i));
    ASSERT_EQ(response.status, 200) << i << ": " << response.error;
    EXPECT_EQ(response.body, "GET /t/" + std::to_string(i) + " ");
    // The client has read the answer, but the server's own write completion may still be queued
    // behind the client's callback: wait for it, then send the ticket, which (loopback delivers
    // at once) waits in the client's socket when the next request looks for an idle connection.
    ASSERT_TRUE(wait_on_loop([&] { return server_->counts().waiting_for_ticket == 1; }));
    on_loop([&] { server_->send_tickets(); });
    ASSERT_TRUE(wait_on_loop([&] { return server_->counts().tickets_sent == i + 1; }));
  }
  EXPECT_EQ(server_counts().accepted, 1u);
  const auto s = stats();
  EXPECT_EQ(s.connects, 1u);
  EXPECT_EQ(s.reused, 2u);
  EXPECT_EQ(s.stale_closed, 0u);
}

TEST_F(KeepAliveTlsTest, AddressOriginVerifiesAgainstIpSan) {
  start(pki().server, "127.0.0.1", trusting_ca());
  const auto response = get("/ip");
  ASSERT_EQ(response.status, 200) << response.error;
  EXPECT_EQ(response.body, "GET /ip ");
  const auto served = server_counts();
  EXPECT_EQ(served.handshakes, 1u);
  EXPECT_EQ(served.last_sni, "") << "SNI carries names only (RFC 6066), never an address";
}

TEST_F(KeepAliveTlsTest, SystemCasRejectTheTestCa) {
  start(pki().server, "localhost", {});
  const auto response = get("/untrusted");
  EXPECT_EQ(response.status, 0);
  EXPECT_FALSE(response.maybe_sent);
  EXPECT_THAT(response.error, HasSubstr("TLS handshake with localhost failed"));
  EXPECT_THAT(response.error, HasSubstr("certificate verify failed"));
  const auto served = server_counts();
  EXPECT_EQ(served.handshakes, 0u) << "the client must abort before finishing the handshake";
  const auto s = stats();
  EXPECT_EQ(s.failed, 1u);
  EXPECT_EQ(s.open, 0u);
}

TEST_F(KeepAliveTlsTest, CertificateForAnotherNameFailsHostNameVerification) {
  // Signed by the trusted CA, so only the host-name check can reject it.
  start(pki().other, "localhost", trusting_ca());
  const auto response = get("/wrong-name");
  EXPECT_EQ(response.status, 0);
  EXPECT_FALSE(response.maybe_sent);
  EXPECT_THAT(response.error, HasSubstr("TLS handshake with localhost failed"));
  EXPECT_THAT(response.error, HasSubstr("certificate verify failed"));
  EXPECT_EQ(server_counts().handshakes, 0u);
}

TEST_F(KeepAliveTlsTest, CertificateWithoutTheAddressFailsForAnAddressOrigin) {
  start(pki().other, "127.0.0.1", trusting_ca());
  const auto response = get("/wrong-ip");
  EXPECT_EQ(response.status, 0);
  EXPECT_FALSE(response.maybe_sent);
  EXPECT_THAT(response.error, HasSubstr("certificate verify failed"));
}

TEST_F(KeepAliveTlsTest, VerifyTlsFalseAcceptsAnUntrustedServer) {
  // Neither the chain (no ca_file) nor the name (other.example) would pass a check.
  start(pki().other, "localhost", {.verify_tls = false});
  const auto response = fetch({.method = "PUT", .url = origin_ + "/x", .body = "y"});
  ASSERT_EQ(response.status, 200) << response.error;
  EXPECT_EQ(response.body, "PUT /x y");
  EXPECT_EQ(get("/again").status, 200);
  EXPECT_EQ(stats().connects, 1u);
}

TEST(KeepAliveTlsSetup, MissingCaFileThrowsNamingIt) {
  EventLoop loop;
  const std::string missing = "/nonexistent/corebot-test-ca.pem";
  try {
    KeepAliveClient client(loop, {.origin = "https://localhost:1", .ca_file = missing});
    FAIL() << "the constructor accepted a missing ca_file";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr(missing));
  }
}

TEST(KeepAliveTlsSetup, CaFileIsIgnoredForPlainHttp) {
  // Plain origins set up no TLS context, so a bad ca_file cannot break them.
  EventLoop loop;
  EXPECT_NO_THROW((KeepAliveClient(loop, {.origin = "http://localhost:1", .ca_file = "/x"})));
}

}  // namespace
}  // namespace corebot::net
