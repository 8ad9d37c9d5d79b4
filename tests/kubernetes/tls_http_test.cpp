// The HTTP client's own TLS (plugins/support tls_transport.cpp, OpenSSL loaded at run time), which an
// https:// exchange without a proxy (an API server's) goes through instead of libcurl: against a stand-in
// HTTPS server made here with OpenSSL, with a CA and certificates the test makes with openssl. Verification
// with ca_pem and ca_file, the problem named when it fails (another CA, another host), insecure mode, client
// certificates, keep-alive under the same TLS settings only, the body limit, streaming, a batch at once, and a
// server that stalls the handshake (the connect timeout and should_abort).
#include <dlaunch_support/http_client.hpp>

#include <dlfcn.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/connection_server.hpp"
#include "support/loopback_listener.hpp"
#include "support/path_server.hpp"
#include "support/process.hpp"
#include "support/test_certificates.hpp"

namespace dlaunch::support {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// An HTTPS server on a loopback port with `certificate`.pem/.key of `dir` (signed by its ca.pem), keeping
// connections alive, each served on a thread of its own: a request's answer is 200 with the body `answer`
// gives for its path, chunked in two halves for a path beginning with /chunked. With `require_client`, a
// client must show a certificate the same CA signed.
class TlsServer {
 public:
  using Answer = std::function<std::string(const std::string& path)>;

  TlsServer(const std::string& dir, const std::string& certificate, bool require_client, Answer answer)
      : answer_(std::move(answer)) {
    // OpenSSL writes (an alert, a ticket) to a client that may have hung up: the server's end, not the test's.
    std::signal(SIGPIPE, SIG_IGN);
    context_ = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_chain_file(context_, (dir + "/" + certificate + ".pem").c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(context_, (dir + "/" + certificate + ".key").c_str(), SSL_FILETYPE_PEM) != 1) {
      ADD_FAILURE() << "the server cannot use its certificate";
    }
    if (require_client) {
      if (SSL_CTX_load_verify_locations(context_, (dir + "/ca.pem").c_str(), nullptr) != 1) ADD_FAILURE() << "no CA";
      SSL_CTX_set_verify(context_, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    }
    server_ = std::make_unique<test::ConnectionServer>(
        [this](int connection, const std::atomic<bool>& stopping) { serve(connection, stopping); });
  }
  ~TlsServer() {
    server_.reset();  // its threads end before the context they use
    SSL_CTX_free(context_);
  }
  TlsServer(const TlsServer&) = delete;
  TlsServer& operator=(const TlsServer&) = delete;

  std::string url(const std::string& path, const std::string& host = "127.0.0.1") const {
    return "https://" + host + ":" + std::to_string(server_->port()) + path;
  }
  int connections_accepted() const { return server_->connections_accepted(); }
  int handshakes_completed() const { return handshakes_; }

 private:
  void serve(int connection, const std::atomic<bool>& stopping) {
    SSL* ssl = SSL_new(context_);
    SSL_set_fd(ssl, connection);
    if (SSL_accept(ssl) == 1) {
      ++handshakes_;
      std::string pending;
      char buffer[4096];
      while (!stopping) {
        const std::optional<std::string> requested = test::take_request_path(pending);
        if (!requested) {
          const int n = SSL_read(ssl, buffer, sizeof buffer);
          if (n <= 0) break;  // the client hung up, or the server stops
          pending.append(buffer, static_cast<std::size_t>(n));
          continue;
        }
        const std::string& path = *requested;
        const std::string body = answer_(path);
        std::string answer;
        if (path.rfind("/chunked", 0) == 0) {
          const std::string first = body.substr(0, body.size() / 2), second = body.substr(body.size() / 2);
          std::ostringstream chunked;
          chunked << "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" << std::hex << first.size() << "\r\n"
                  << first << "\r\n" << second.size() << "\r\n" << second << "\r\n0\r\n\r\n";
          answer = chunked.str();
        } else {
          answer = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
        }
        if (SSL_write(ssl, answer.data(), static_cast<int>(answer.size())) <= 0) break;
      }
    }
    ERR_clear_error();
    SSL_free(ssl);
  }

  const Answer answer_;
  SSL_CTX* context_ = nullptr;
  std::atomic<int> handshakes_{0};
  std::unique_ptr<test::ConnectionServer> server_;
};

HttpRequest get(const std::string& url) {
  HttpRequest request;
  request.url = url;
  return request;
}

// The path as the body; for a path ending in /big, 64 KiB.
std::string echo_path(const std::string& path) { return path.ends_with("/big") ? std::string(64 * 1024, 'x') : path; }

// The certificates of every test: a CA (ca.pem), a server's certificate for 127.0.0.1 (server), a client's
// (client), and another CA nothing is signed by (other/ca.pem).
class OwnTls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    certificates_ = new test::TempDir;
    std::filesystem::create_directory(dir() + "/other");
    test::make_test_ca(dir());
    test::make_test_certificate(dir(), "server", "IP:127.0.0.1");
    test::make_test_certificate(dir(), "client", "");
    test::make_test_ca(dir() + "/other");
  }
  static void TearDownTestSuite() {
    delete certificates_;
    certificates_ = nullptr;
  }
  static std::string dir() { return certificates_->path(); }
  static HttpOptions trusting_ca_pem() {
    HttpOptions options;
    options.ca_pem = read_file(dir() + "/ca.pem");
    return options;
  }

  static test::TempDir* certificates_;
};
test::TempDir* OwnTls::certificates_ = nullptr;

TEST_F(OwnTls, TheServersCertificateIsVerifiedWithCaPemOrCaFileWithoutLibcurl) {
  // Whether an earlier test of this process (HttpConnections: through a proxy) loaded libcurl; ctest runs each
  // test in a process of its own, where it has not.
  const bool libcurl_before = dlopen("libcurl.so.4", RTLD_NOW | RTLD_NOLOAD) != nullptr;
  TlsServer server(dir(), "server", false, echo_path);
  const HttpResponse with_pem = HttpClient(trusting_ca_pem()).send(get(server.url("/api/v1/pods")));
  ASSERT_TRUE(with_pem.ok()) << with_pem.transport_error;
  EXPECT_EQ(with_pem.body, "/api/v1/pods");
  EXPECT_EQ(with_pem.protocol, "HTTP/1.1");
  EXPECT_EQ(with_pem.connections_opened, 1);

  HttpOptions with_file;
  with_file.ca_file = dir() + "/ca.pem";
  const HttpResponse answered = HttpClient(with_file).send(get(server.url("/version")));
  ASSERT_TRUE(answered.ok()) << answered.transport_error;
  EXPECT_EQ(answered.body, "/version");
  // The exchanges went the client's own way: libcurl was never loaded.
  if (!libcurl_before) EXPECT_EQ(dlopen("libcurl.so.4", RTLD_NOW | RTLD_NOLOAD), nullptr);
}

TEST_F(OwnTls, ACertificateOfAnotherCaIsRefusedNamingTheProblem) {
  TlsServer server(dir(), "server", false, echo_path);
  for (const std::string& ca_file : {dir() + "/other/ca.pem", std::string()}) {  // another CA; the system's alone
    HttpOptions options;
    options.ca_file = ca_file;
    const HttpResponse refused = HttpClient(options).send(get(server.url("/version")));
    EXPECT_FALSE(refused.ok());
    EXPECT_EQ(refused.status, 0);
    // libcurl's words, which the plugins' messages (naming the server) and their documentation show.
    EXPECT_EQ(refused.transport_error, "SSL certificate problem: unable to get local issuer certificate");
  }
  EXPECT_EQ(server.handshakes_completed(), 0);
}

TEST_F(OwnTls, ACertificateForAnotherHostIsRefusedUnlessVerificationIsOff) {
  TlsServer server(dir(), "server", false, echo_path);  // for 127.0.0.1, asked for as localhost
  const HttpResponse refused = HttpClient(trusting_ca_pem()).send(get(server.url("/version", "localhost")));
  EXPECT_FALSE(refused.ok());
  EXPECT_EQ(refused.transport_error, "SSL certificate problem: hostname mismatch");

  HttpOptions insecure;
  insecure.verify_tls = false;  // neither the CA nor the host checked
  const HttpResponse answered = HttpClient(insecure).send(get(server.url("/version", "localhost")));
  ASSERT_TRUE(answered.ok()) << answered.transport_error;
  EXPECT_EQ(answered.body, "/version");
}

TEST_F(OwnTls, AServerThatRequiresAClientCertificateAcceptsOneFromFilesOrPem) {
  TlsServer server(dir(), "server", true, echo_path);
  const HttpResponse without = HttpClient(trusting_ca_pem()).send(get(server.url("/version")));
  EXPECT_FALSE(without.ok());
  EXPECT_NE(without.transport_error.find("certificate required"), std::string::npos) << without.transport_error;

  HttpOptions files = trusting_ca_pem();
  files.client_cert_file = dir() + "/client.pem";
  files.client_key_file = dir() + "/client.key";
  const HttpResponse from_files = HttpClient(files).send(get(server.url("/from-files")));
  ASSERT_TRUE(from_files.ok()) << from_files.transport_error;
  EXPECT_EQ(from_files.body, "/from-files");

  HttpOptions pem = trusting_ca_pem();  // a kubeconfig's client-certificate-data and client-key-data
  pem.client_cert_pem = read_file(dir() + "/client.pem");
  pem.client_key_pem = read_file(dir() + "/client.key");
  const HttpResponse from_pem = HttpClient(pem).send(get(server.url("/from-pem")));
  ASSERT_TRUE(from_pem.ok()) << from_pem.transport_error;
  EXPECT_EQ(from_pem.body, "/from-pem");

  HttpOptions wrong_key = pem;
  wrong_key.client_key_pem = read_file(dir() + "/server.key");
  const HttpResponse mismatched = HttpClient(wrong_key).send(get(server.url("/x")));
  EXPECT_NE(mismatched.transport_error.find("cannot use the client key given as PEM text: "), std::string::npos)
      << mismatched.transport_error;
  EXPECT_NE(mismatched.transport_error.find("key values mismatch"), std::string::npos)
      << mismatched.transport_error;
}

TEST_F(OwnTls, AConnectionServesTheNextClientWithTheSameTlsSettingsOnly) {
  TlsServer server(dir(), "server", false, echo_path);
  EXPECT_EQ(HttpClient(trusting_ca_pem()).send(get(server.url("/first"))).connections_opened, 1);
  const HttpResponse again = HttpClient(trusting_ca_pem()).send(get(server.url("/again")));
  ASSERT_TRUE(again.ok()) << again.transport_error;
  EXPECT_EQ(again.connections_opened, 0);
  EXPECT_EQ(server.connections_accepted(), 1);
  // Other settings (no verification): not the connection made with verification.
  HttpOptions insecure;
  insecure.verify_tls = false;
  EXPECT_EQ(HttpClient(insecure).send(get(server.url("/other"))).connections_opened, 1);
  EXPECT_EQ(server.connections_accepted(), 2);
}

TEST_F(OwnTls, AnAnswerOverTheBodyLimitIsRefusedAndAStreamIsReadAsItComes) {
  TlsServer server(dir(), "server", false, echo_path);
  HttpOptions options = trusting_ca_pem();
  options.max_body_bytes = 1024;
  const HttpResponse big = HttpClient(options).send(get(server.url("/big")));
  EXPECT_FALSE(big.ok());
  EXPECT_NE(big.transport_error.find("is larger than 1024 bytes"), std::string::npos) << big.transport_error;
  EXPECT_TRUE(big.body.empty());

  std::string streamed;
  const HttpResponse stream = HttpClient(options).stream(get(server.url("/chunked/big")), [&](std::string_view data) {
    streamed.append(data);
    return true;
  });
  EXPECT_TRUE(stream.ok()) << stream.transport_error;
  EXPECT_EQ(streamed.size(), 64u * 1024) << "a stream is not held to the limit";
  EXPECT_EQ(streamed.find_first_not_of('x'), std::string::npos);
}

TEST_F(OwnTls, ABatchGoesAtOnceWithAnswersInTheRequestsOrder) {
  TlsServer server(dir(), "server", false, echo_path);
  std::vector<HttpRequest> requests;
  for (int i = 0; i < 5; ++i) requests.push_back(get(server.url("/job/" + std::to_string(i))));
  const std::vector<HttpResponse> responses = HttpClient(trusting_ca_pem()).send_all(requests);
  ASSERT_EQ(responses.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(responses[i].ok()) << responses[i].transport_error;
    EXPECT_EQ(responses[i].body, "/job/" + std::to_string(i));
  }
}

TEST_F(OwnTls, AServerThatStallsTheHandshakeEndsAtTheConnectTimeoutOrAnAbort) {
  // It listens and never accepts: the connection is made (the kernel's backlog) and the handshake waits.
  const test::LoopbackListener silent = test::listen_on_loopback(4);
  const std::string url = "https://127.0.0.1:" + std::to_string(silent.port) + "/version";
  HttpOptions options = trusting_ca_pem();
  options.connect_timeout = std::chrono::milliseconds(300);
  const HttpResponse timed_out = HttpClient(options).send(get(url));
  EXPECT_TRUE(timed_out.timed_out) << timed_out.transport_error;
  EXPECT_FALSE(timed_out.connect_failed);
  EXPECT_NE(timed_out.transport_error.find("TLS handshake with https://127.0.0.1:"), std::string::npos)
      << timed_out.transport_error;

  options.connect_timeout = std::chrono::minutes(10);
  options.should_abort = [] { return true; };
  const HttpResponse aborted = HttpClient(options).send(get(url));
  EXPECT_TRUE(aborted.aborted) << aborted.transport_error;
  ::close(silent.fd);
}

}  // namespace
}  // namespace dlaunch::support
