// Test support for TLS: a throw-away PKI made at test time with OpenSSL's C API (so no key or
// certificate is checked in and none expires), and a minimal TLS HTTP/1.1 echo server on Asio +
// Beast for the client to talk to over loopback. Included by keepalive_client_tls_test.cpp only.
#pragma once

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace corebot::net::tls_test {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

// A certificate and its private key, both PEM.
struct Pem {
  std::string cert;
  std::string key;
};

namespace detail {

// OpenSSL objects freed on every path, so the sanitizer build's leak check stays quiet.
template <auto free_fn>
struct Free {
  void operator()(auto* p) const { free_fn(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Free<EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Free<X509_free>>;
using Bio = std::unique_ptr<BIO, Free<BIO_free>>;

inline void check(bool ok, const char* what) {
  if (ok) return;
  const unsigned long code = ERR_get_error();
  char reason[256] = "";
  ERR_error_string_n(code, reason, sizeof reason);
  throw std::runtime_error(std::string("tls_test: ") + what + ": " + reason);
}

inline Pem to_pem(X509* cert, EVP_PKEY* key) {
  Bio certs(BIO_new(BIO_s_mem()));
  Bio keys(BIO_new(BIO_s_mem()));
  check(certs && keys && PEM_write_bio_X509(certs.get(), cert) == 1 &&
            PEM_write_bio_PrivateKey(keys.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "PEM write");
  const auto text = [](BIO* bio) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);  // sets `data`: a statement of its own
    return std::string(data, static_cast<std::size_t>(size));
  };
  return {text(certs.get()), text(keys.get())};
}

inline std::pair<Cert, Key> from_pem(const Pem& pem) {
  Bio certs(BIO_new_mem_buf(pem.cert.data(), static_cast<int>(pem.cert.size())));
  Bio keys(BIO_new_mem_buf(pem.key.data(), static_cast<int>(pem.key.size())));
  Cert cert(PEM_read_bio_X509(certs.get(), nullptr, nullptr, nullptr));
  Key key(PEM_read_bio_PrivateKey(keys.get(), nullptr, nullptr, nullptr));
  check(cert && key, "PEM read");
  return {std::move(cert), std::move(key)};
}

inline void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value);
  check(ext != nullptr, value);
  const int added = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  check(added == 1, "add extension");
}

// A fresh P-256 key and a certificate for it named `cn`, valid from an hour ago for a day (the
// margin absorbs clock skew between the signing and the check).
inline std::pair<Cert, Key> new_cert(const char* cn) {
  Key key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  check(key != nullptr, "EC key generation");
  Cert cert(X509_new());
  check(cert != nullptr, "X509_new");
  static std::atomic<long> serial{1};
  X509_set_version(cert.get(), 2);  // v3, for the extensions
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  check(X509_set_pubkey(cert.get(), key.get()) == 1, "set public key");
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn),
                             -1, -1, 0);
  return {std::move(cert), std::move(key)};
}

}  // namespace detail

// A self-signed CA: what a test passes as `ca_file` to trust the servers it signs.
inline Pem make_ca() {
  auto [cert, key] = detail::new_cert("corebot test CA");
  X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
  detail::add_extension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  detail::add_extension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  detail::add_extension(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
  detail::check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "sign CA");
  return detail::to_pem(cert.get(), key.get());
}

// A server certificate signed by `ca` for `san`, e.g. "DNS:localhost,IP:127.0.0.1".
inline Pem make_server_cert(const Pem& ca, const std::string& san) {
  const auto [ca_cert, ca_key] = detail::from_pem(ca);
  auto [cert, key] = detail::new_cert("corebot test server");
  X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_cert.get()));
  detail::add_extension(cert.get(), ca_cert.get(), NID_basic_constraints, "CA:FALSE");
  detail::add_extension(cert.get(), ca_cert.get(), NID_key_usage, "critical,digitalSignature");
  detail::add_extension(cert.get(), ca_cert.get(), NID_ext_key_usage, "serverAuth");
  detail::add_extension(cert.get(), ca_cert.get(), NID_subject_alt_name, san.c_str());
  detail::add_extension(cert.get(), ca_cert.get(), NID_authority_key_identifier, "keyid:always");
  detail::check(X509_sign(cert.get(), ca_key.get(), EVP_sha256()) > 0, "sign server certificate");
  return detail::to_pem(cert.get(), key.get());
}

// A file holding `contents` for as long as the object lives (for options that take a path).
class TempFile {
 public:
  explicit TempFile(const std::string& contents) {
    std::string pattern = (std::filesystem::temp_directory_path() / "corebot-tls-XXXXXX").string();
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0) throw std::runtime_error("tls_test: mkstemp failed");
    ::close(fd);
    path_ = pattern;
    std::ofstream(path_, std::ios::binary) << contents;
  }
  ~TempFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// An HTTPS server on 127.0.0.1:<ephemeral> that answers every request with 200 and the body
// "<method> <target> <request body>", keeping the connection open when the request allows it.
// It runs on `io` (the test's EventLoop); port() may be read anywhere, everything else on the
// loop thread. Counters let tests see how many TCP connections and TLS sessions the client used.
// With `ticket_on_demand`, a connection waits after each answer until send_tickets() sends it a
// TLS 1.3 session ticket: a record the client did not ask for, arriving once the client has read
// the answer, so it finds the record on an idle connection (real servers send them too).
class TlsEchoServer {
  struct Shared;
  struct Session;

 public:
  struct Counts {
    std::size_t accepted = 0;            // TCP connections
    std::size_t handshakes = 0;          // TLS handshakes completed
    std::size_t tickets_sent = 0;        // by send_tickets()
    std::size_t waiting_for_ticket = 0;  // connections that answered and wait for send_tickets()
    std::string last_sni;                // of the latest handshake; empty when none was sent
  };

  TlsEchoServer(asio::io_context& io, const Pem& identity, bool ticket_on_demand = false)
      : shared_(std::make_shared<Shared>(io, ticket_on_demand)) {
    auto& tls = shared_->tls;
    tls.use_certificate_chain(asio::buffer(identity.cert));
    tls.use_private_key(asio::buffer(identity.key), asio::ssl::context::pem);
    auto& acceptor = shared_->acceptor;
    const tcp::endpoint local(asio::ip::make_address("127.0.0.1"), 0);
    acceptor.open(local.protocol());
    acceptor.bind(local);
    acceptor.listen();
    port_ = acceptor.local_endpoint().port();
    accept(shared_);
  }
  TlsEchoServer(const TlsEchoServer&) = delete;
  TlsEchoServer& operator=(const TlsEchoServer&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] Counts counts() const {
    Counts out = shared_->counts;
    out.waiting_for_ticket = shared_->waiting_for_ticket.size();
    return out;
  }

  // Sends a session ticket on every connection waiting for one, then reads its next request.
  void send_tickets() {
    auto waiting = std::move(shared_->waiting_for_ticket);
    shared_->waiting_for_ticket.clear();
    for (auto& session : waiting) session->send_ticket();
  }

  // Stops accepting and closes every connection; pending handlers end with an error.
  void stop() {
    error_code ignored;
    shared_->acceptor.close(ignored);
    for (auto& weak : shared_->sessions) {
      if (auto session = weak.lock()) session->stream.next_layer().close(ignored);
    }
    shared_->sessions.clear();
    shared_->waiting_for_ticket.clear();  // they hold `shared_`: a cycle until dropped
  }

 private:
  // Held by every handler and session, so nothing they touch dies before they run.
  struct Shared {
    Shared(asio::io_context& io, bool tickets) : acceptor(io), ticket_on_demand(tickets) {}
    asio::ssl::context tls{asio::ssl::context::tls_server};
    tcp::acceptor acceptor;
    bool ticket_on_demand;
    Counts counts;
    std::vector<std::weak_ptr<Session>> sessions;
    std::vector<std::shared_ptr<Session>> waiting_for_ticket;  // no operation pending
  };

  struct Session : std::enable_shared_from_this<Session> {
    Session(std::shared_ptr<Shared> s, tcp::socket socket)
        : shared(std::move(s)), stream(std::move(socket), shared->tls) {}

    void start() {
      stream.async_handshake(
          asio::ssl::stream_base::server, [self = shared_from_this()](error_code ec) {
            if (ec) return;  // e.g. the client rejected our certificate
            auto& counts = self->shared->counts;
            ++counts.handshakes;
            const char* sni =
                SSL_get_servername(self->stream.native_handle(), TLSEXT_NAMETYPE_host_name);
            counts.last_sni = sni != nullptr ? sni : "";
            self->read();
          });
    }

    void read() {
      request = {};
      http::async_read(stream, buffer, request,
                       [self = shared_from_this()](error_code ec, std::size_t) {
                         if (ec) return;  // the client closed (it sends no close_notify) or stop()
                         self->answer();
                       });
    }

    void answer() {
      response = {http::status::ok, request.version()};
      response.set(http::field::content_type, "text/plain");
      response.keep_alive(request.keep_alive());
      response.body() = std::string(request.method_string()) + " " + std::string(request.target()) +
                        " " + request.body();
      response.prepare_payload();
      http::async_write(stream, response, [self = shared_from_this()](error_code ec, std::size_t) {
        if (ec) return;
        if (!self->response.keep_alive()) {
          error_code ignored;
          self->stream.next_layer().close(ignored);
        } else if (self->shared->ticket_on_demand) {
          self->shared->waiting_for_ticket.push_back(self);
        } else {
          self->read();
        }
      });
    }

    void send_ticket() {
      // The ticket goes out with the next SSL_do_handshake(), which Asio's handshake runs.
      if (SSL_new_session_ticket(stream.native_handle()) != 1) return;
      stream.async_handshake(asio::ssl::stream_base::server,
                             [self = shared_from_this()](error_code ec) {
                               if (ec) return;
                               ++self->shared->counts.tickets_sent;
                               self->read();
                             });
    }

    std::shared_ptr<Shared> shared;
    asio::ssl::stream<tcp::socket> stream;
    boost::beast::flat_buffer buffer;
    http::request<http::string_body> request;
    http::response<http::string_body> response;
  };

  static void accept(const std::shared_ptr<Shared>& shared) {
    shared->acceptor.async_accept([shared](error_code ec, tcp::socket socket) {
      if (ec) return;  // stop() closed the acceptor
      ++shared->counts.accepted;
      auto session = std::make_shared<Session>(shared, std::move(socket));
      shared->sessions.push_back(session);
      session->start();
      accept(shared);
    });
  }

  std::shared_ptr<Shared> shared_;
  std::uint16_t port_ = 0;
};

}  // namespace corebot::net::tls_test
