// The HTTP client's own HTTP/1.1 in clear text (plugins/support plain_http.cpp), which Ray's http:// dashboards
// and slurmrestd's UNIX sockets get without libcurl: against a stand-in server that answers each connection's
// requests from a script and records what it was sent. Each test runs twice: as it is, and with a proxy named
// in the environment (no_proxy exempting the stand-in), which sends the same exchanges through libcurl: both
// ways must send the same bytes and read the same answers. Here because the ray plugin's unit tests are the
// support library's first user that needs no cluster.
#include <dlaunch_support/http_client.hpp>

#include <arpa/inet.h>
#include <dlfcn.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "support/path_server.hpp"

// A resolver that never answers, made hermetically: the test binary's own getaddrinfo, which the client's
// calls (and libcurl's resolver thread's) reach before the C library's, holds every name ending in
// "never-answers.test" until the test lets go of it (NeverAnsweringResolver; 20 s at most), and hands any
// other to the C library's.
namespace {

struct HeldNames {
  std::mutex mutex;
  std::condition_variable changed;
  bool holding = false;
  int waiting = 0;   // calls in getaddrinfo
  int answered = 0;  // calls that returned since the NeverAnsweringResolver began
};
// Never freed: a resolver thread a client stopped waiting for may still be in getaddrinfo at exit.
HeldNames& held_names() {
  static auto* names = new HeldNames;
  return *names;
}

}  // namespace

extern "C" int getaddrinfo(const char* node, const char* service, const addrinfo* hints, addrinfo** found) {
  using Function = int (*)(const char*, const char*, const addrinfo*, addrinfo**);
  static const auto libc = reinterpret_cast<Function>(::dlsym(RTLD_NEXT, "getaddrinfo"));
  const bool numeric_only = hints != nullptr && (hints->ai_flags & AI_NUMERICHOST) != 0;  // asks no resolver
  if (node == nullptr || numeric_only || !std::string_view(node).ends_with("never-answers.test")) {
    return libc(node, service, hints, found);
  }
  HeldNames& names = held_names();
  std::unique_lock lock(names.mutex);
  ++names.waiting;
  names.changed.wait_for(lock, std::chrono::seconds(20), [&] { return !names.holding; });
  --names.waiting;
  ++names.answered;
  names.changed.notify_all();
  return EAI_NONAME;
}

namespace dlaunch::support {
namespace {

// Holds names while it lives.
class NeverAnsweringResolver {
 public:
  NeverAnsweringResolver() {
    std::lock_guard lock(held_names().mutex);
    held_names().holding = true;
    held_names().answered = 0;
  }
  ~NeverAnsweringResolver() {
    HeldNames& names = held_names();
    std::unique_lock lock(names.mutex);
    names.holding = false;
    names.changed.notify_all();
    names.changed.wait_for(lock, std::chrono::seconds(20), [&] { return names.waiting == 0; });
  }
  // The names answered (as unknown: at the end of the test, or after 20 s).
  int answered() const {
    std::lock_guard lock(held_names().mutex);
    return held_names().answered;
  }
};

// Accepts connections one after another; the n-th is sent the n-th list of answers, one per request read
// from it, and is then closed.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::vector<std::vector<std::string>> script, std::string unix_socket = {})
      : script_(std::move(script)), unix_socket_(std::move(unix_socket)) {
    if (unix_socket_.empty()) {
      listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in address{};
      address.sin_family = AF_INET;
      address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      socklen_t length = sizeof address;
      if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
          ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        ADD_FAILURE() << "cannot bind a loopback port";
      }
      port_ = ntohs(address.sin_port);
    } else {
      listener_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_un address{};
      address.sun_family = AF_UNIX;
      std::snprintf(address.sun_path, sizeof address.sun_path, "%s", unix_socket_.c_str());
      if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ADD_FAILURE() << "cannot bind " << unix_socket_;
      }
    }
    if (::listen(listener_, 8) != 0) ADD_FAILURE() << "cannot listen";
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedServer() {
    ::shutdown(listener_, SHUT_RDWR);
    thread_.join();
    ::close(listener_);
    if (!unix_socket_.empty()) std::filesystem::remove(unix_socket_);
  }

  std::string server() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<std::string> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void serve() {
    for (const auto& answers : script_) {
      const int connection = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (connection < 0) return;
      std::string pending;
      for (const std::string& answer : answers) {
        std::string request;
        if (!read_request(connection, pending, request)) break;
        {
          std::lock_guard lock(mutex_);
          requests_.push_back(request);
        }
        (void)!::send(connection, answer.data(), answer.size(), MSG_NOSIGNAL);
      }
      ::close(connection);
    }
  }

  // One request (its head and a Content-Length body) from the connection; false when it ends first.
  static bool read_request(int connection, std::string& pending, std::string& request) {
    char buffer[4096];
    std::size_t head_end;
    while ((head_end = pending.find("\r\n\r\n")) == std::string::npos) {
      const ssize_t n = ::recv(connection, buffer, sizeof buffer, 0);
      if (n <= 0) return false;
      pending.append(buffer, static_cast<std::size_t>(n));
    }
    std::size_t length = 0;
    if (auto at = pending.find("Content-Length: "); at != std::string::npos && at < head_end) {
      length = std::stoul(pending.substr(at + 16));
    }
    while (pending.size() < head_end + 4 + length) {
      const ssize_t n = ::recv(connection, buffer, sizeof buffer, 0);
      if (n <= 0) return false;
      pending.append(buffer, static_cast<std::size_t>(n));
    }
    request = pending.substr(0, head_end + 4 + length);
    pending.erase(0, request.size());
    return true;
  }

  std::vector<std::vector<std::string>> script_;
  std::string unix_socket_;
  int listener_ = -1;
  int port_ = 0;
  mutable std::mutex mutex_;
  std::vector<std::string> requests_;
  std::thread thread_;
};

// The parameter: whether the exchanges go through libcurl (a proxy in the environment that they bypass).
class PlainHttp : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) {
      setenv("http_proxy", "http://127.0.0.1:9", 1);
      setenv("no_proxy", "127.0.0.1,localhost,never-answers.test", 1);
    }
  }
  void TearDown() override {
    unsetenv("http_proxy");
    unsetenv("no_proxy");
  }
};

const std::string kOk = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

HttpRequest post(const std::string& url, std::string body) {
  HttpRequest request;
  request.method = "POST";
  request.url = url;
  request.body = std::move(body);
  request.content_type = "application/json";
  request.headers = {{"X-Ray-Token", "t"}};
  return request;
}

TEST_P(PlainHttp, AChunkedAnswerIsReadWholeAndTheConnectionServesTheNextClient) {
  ScriptedServer server({{"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\nX-Job: 7\r\n\r\n"
                          "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n",
                          kOk}});
  const HttpResponse first = HttpClient().send(post(server.server() + "/api/jobs/?x=1#frag", "{\"a\":1}"));
  ASSERT_TRUE(first.ok()) << first.transport_error;
  EXPECT_EQ(first.status, 201);
  EXPECT_EQ(first.body, "hello world");
  EXPECT_EQ(first.protocol, "HTTP/1.1");
  EXPECT_EQ(first.connections_opened, 1);
  EXPECT_EQ(first.headers, (std::vector<std::pair<std::string, std::string>>{
                               {"transfer-encoding", "chunked"}, {"x-job", "7"}}));
  // Another client, as a sweep's next submit: the kept connection, not a new one.
  const HttpResponse second = HttpClient().send(post(server.server() + "/api/jobs/", ""));
  ASSERT_TRUE(second.ok()) << second.transport_error;
  EXPECT_EQ(second.body, "ok");
  EXPECT_EQ(second.connections_opened, 0);

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0], "POST /api/jobs/?x=1 HTTP/1.1\r\nHost: 127.0.0.1:" + server.server().substr(17) +
                             "\r\nUser-Agent: dlaunch\r\nAccept: */*\r\nX-Ray-Token: t\r\n"
                             "Content-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}");
  // An empty POST still says its length (and, as libcurl does, the form type of a body named by none).
  EXPECT_NE(requests[1].find("\r\nContent-Length: 0\r\n"), std::string::npos) << requests[1];
}

TEST_P(PlainHttp, AKeptConnectionTheServerClosedIsReplacedByANewOne) {
  // The first connection answers once and closes without saying so; the second request must not fail.
  ScriptedServer server({{kOk}, {kOk}});
  ASSERT_TRUE(HttpClient().send(post(server.server() + "/a", "1")).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const HttpResponse second = HttpClient().send(post(server.server() + "/b", "2"));
  ASSERT_TRUE(second.ok()) << second.transport_error;
  EXPECT_EQ(second.connections_opened, 1);
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST_P(PlainHttp, AnHttp10AnswerWithoutLengthEndsWithItsConnection) {
  ScriptedServer server({{"HTTP/1.0 404 Not Found\r\nContent-Type: text/plain\r\n\r\nno such job"}, {kOk}});
  HttpRequest request;
  request.url = server.server() + "/api/jobs/x";
  const HttpResponse response = HttpClient().send(request);
  EXPECT_TRUE(response.transport_error.empty()) << response.transport_error;
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.protocol, "HTTP/1.0");
  EXPECT_EQ(response.body, "no such job");
  EXPECT_EQ(HttpClient().send(request).connections_opened, 1);  // that connection was not kept
  EXPECT_EQ(server.requests().front().substr(0, 26), "GET /api/jobs/x HTTP/1.1\r\n");
}

TEST_P(PlainHttp, OverAUnixSocketTheUrlsHostIsOnlyItsHostHeader) {
  const std::string socket_path = ::testing::TempDir() + "plain-http-" + std::to_string(::getpid()) + ".sock";
  ScriptedServer server({{kOk}}, socket_path);
  HttpOptions options;
  options.unix_socket = socket_path;
  HttpRequest request;
  request.url = "http://localhost/slurm/v0.0.38/diag";
  const HttpResponse response = HttpClient(options).send(request);
  ASSERT_TRUE(response.ok()) << response.transport_error;
  EXPECT_EQ(server.requests().front().rfind("GET /slurm/v0.0.38/diag HTTP/1.1\r\nHost: localhost\r\n", 0), 0u)
      << server.requests().front();
}

TEST_P(PlainHttp, ARefusedConnectionIsAConnectFailureNamingTheServer) {
  std::string url;
  {
    ScriptedServer closed({});
    url = closed.server() + "/api/version";
  }  // its port is free again: nothing listens
  HttpRequest request;
  request.url = url;
  const HttpResponse response = HttpClient().send(request);
  EXPECT_TRUE(response.connect_failed);
  EXPECT_EQ(response.transport_error.rfind("Failed to connect to 127.0.0.1 port ", 0), 0u) << response.transport_error;
}

TEST_P(PlainHttp, AStreamStopsWhenItsReaderHasHadEnoughAndAnAbortEndsAWait) {
  ScriptedServer server({{"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + std::string(100000, 'x')}});
  HttpRequest request;
  request.url = server.server() + "/logs";
  std::size_t seen = 0;
  const HttpResponse streamed = HttpClient().stream(request, [&](std::string_view data) {
    seen += data.size();
    return false;
  });
  EXPECT_TRUE(streamed.transport_error.empty()) << streamed.transport_error;
  EXPECT_GT(seen, 0u);
  EXPECT_LT(seen, 100000u);

  // A server that never answers (it accepts no connection; the kernel's backlog does): should_abort ends the
  // wait.
  ScriptedServer silent({});
  HttpOptions options;
  options.should_abort = [] { return true; };
  request.url = silent.server() + "/never";
  const HttpResponse aborted = HttpClient(options).send(request);
  EXPECT_TRUE(aborted.aborted) << aborted.transport_error;
}

TEST_P(PlainHttp, ANameTheResolverNeverAnswersForEndsAtTheConnectTimeoutOrAnAbort) {
  NeverAnsweringResolver resolver;
  HttpRequest request;
  request.url = "http://ray-head.never-answers.test:8265/api/version";
  HttpOptions options;
  options.connect_timeout = std::chrono::milliseconds(200);
  const HttpResponse timed_out = HttpClient(options).send(request);
  EXPECT_TRUE(timed_out.timed_out) << timed_out.transport_error;
  EXPECT_EQ(timed_out.transport_error.rfind("Resolving timed out after ", 0), 0u) << timed_out.transport_error;
  EXPECT_EQ(resolver.answered(), 0) << "the exchange ended without waiting for the resolver";

  options.connect_timeout = std::chrono::minutes(10);
  options.should_abort = [] { return true; };
  const HttpResponse aborted = HttpClient(options).send(request);
  EXPECT_TRUE(aborted.aborted) << aborted.transport_error;
  EXPECT_EQ(resolver.answered(), 0);
}

TEST_P(PlainHttp, LocalhostIsTheLoopbackAddresses) {
  ScriptedServer server({{kOk}});
  const std::string url = "http://localhost:" + server.server().substr(17) + "/api/version";
  const HttpResponse response = HttpClient().send(post(url, ""));
  ASSERT_TRUE(response.ok()) << response.transport_error;
  EXPECT_EQ(server.requests().front().find("\r\nHost: localhost:"), server.requests().front().find("\r\n"));
}

// The server sends more than the answer says and keeps the connection open: a next exchange on it would read
// the surplus as its answer. It must get its own, on a new connection. In clear text only: libcurl before
// 8.x (Debian 12's 7.88) takes a connection with bytes waiting for alive and reads "stale".
TEST(PlainHttpKeptConnections, AConnectionWithBytesAfterItsAnswerIsNotUsedAgain) {
  const std::string surplus = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale";
  const std::string big(100000, 'x');
  for (const std::string& first : {kOk + surplus, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + big + surplus}) {
    ScriptedServer server({{first, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nwrong"},
                           {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nright"}});
    const HttpResponse answered = HttpClient().send(post(server.server() + "/a", "1"));
    ASSERT_TRUE(answered.ok()) << answered.transport_error;
    EXPECT_EQ(answered.body.size(), first.size() - surplus.size() - (first.find("\r\n\r\n") + 4));
    const HttpResponse next = HttpClient().send(post(server.server() + "/b", "2"));
    ASSERT_TRUE(next.ok()) << next.transport_error;
    EXPECT_EQ(next.body, "right");
    EXPECT_EQ(next.connections_opened, 1);
  }
}

// What a broken or hostile server may answer, each refused by the client's own HTTP/1.1 with an error naming
// the server, in bounded memory: endless headers, a chunk longer than its size, numbers that are no numbers.
TEST(PlainHttpRefuses, AnswersThatAreNotHttpAsItIsWritten) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"HTTP/1.1 200 OK\r\nX-Filler: " + std::string(300 * 1024, 'a') + "\r\n\r\n", "are over 256 KiB"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n0\r\n\r\n",
       "is longer than its size says"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + std::string(20 * 1024, '1'), "is too long"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\nx\r\n0\r\n\r\n",
       "Illegal or missing hexadecimal sequence"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n",
       "Illegal or missing hexadecimal sequence"},
      {"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\nok", "Content-Length '-1'"},
      {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok", "two Content-Lengths"},
  };
  for (const auto& [answer, expected] : cases) {
    ScriptedServer server({{answer}});
    const HttpResponse response = HttpClient().send(post(server.server() + "/api/jobs/", "{}"));
    EXPECT_FALSE(response.ok()) << expected;
    EXPECT_NE(response.transport_error.find(expected), std::string::npos) << response.transport_error;
  }
}

// Holds each request until `at_once` requests wait together (or as many as remain of `total`), then answers
// them all with their paths; one that waits 2 s alone is answered then. Counts the requests it saw in flight
// at the same time.
class HoldingServer {
 public:
  HoldingServer(std::size_t total, std::size_t at_once) : total_(total), at_once_(at_once) {}

  std::string url(const std::string& path) const { return server_.url(path); }
  std::size_t most_in_flight() const {
    std::lock_guard lock(mutex_);
    return most_in_flight_;
  }

 private:
  void hold() {
    std::unique_lock lock(mutex_);
    const std::size_t ticket = arrived_++;
    most_in_flight_ = std::max(most_in_flight_, ++waiting_);
    if (waiting_ >= std::min(at_once_, total_ - released_)) {
      released_ += waiting_;
      waiting_ = 0;
      release_below_ = arrived_;
      released_changed_.notify_all();
    }
    if (!released_changed_.wait_for(lock, std::chrono::seconds(2), [&] { return ticket < release_below_; })) {
      --waiting_;  // answered alone
      ++released_;
    }
  }

  const std::size_t total_, at_once_;
  mutable std::mutex mutex_;
  std::condition_variable released_changed_;
  std::size_t arrived_ = 0, waiting_ = 0, released_ = 0, release_below_ = 0, most_in_flight_ = 0;
  // Last: made after the state its answers use, and ended (its threads joined) before it.
  test::PathServer server_{[this](const std::string& path) {
    hold();
    return path;
  }};
};

// In clear text each exchange of a batch has a connection of its own, so they go at once (at most 8): a
// server that answers slowly costs the batch one answer's time, not one per request. (Through libcurl an
// HTTP/1.1 batch queues for one connection: tests/kubernetes/http_connections_test.cpp.)
TEST(PlainHttpSendAll, ClearTextRequestsAreInFlightTogetherEightAtMost) {
  constexpr std::size_t kRequests = 10;
  HoldingServer server(kRequests, 8);
  std::vector<HttpRequest> requests(kRequests);
  for (std::size_t i = 0; i < kRequests; ++i) {
    requests[i].url = server.url("/job/" + std::to_string(i));
    requests[i].timeout = std::chrono::seconds(10);
  }
  const std::vector<HttpResponse> responses = HttpClient().send_all(requests);
  ASSERT_EQ(responses.size(), kRequests);
  for (std::size_t i = 0; i < kRequests; ++i) {
    EXPECT_TRUE(responses[i].ok()) << responses[i].transport_error;
    EXPECT_EQ(responses[i].body, "/job/" + std::to_string(i)) << "answers come in the requests' order";
  }
  EXPECT_EQ(server.most_in_flight(), 8u);
}

INSTANTIATE_TEST_SUITE_P(Transports, PlainHttp, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Libcurl" : "Own"; });

}  // namespace
}  // namespace dlaunch::support
