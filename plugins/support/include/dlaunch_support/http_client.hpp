// A small HTTP client for the plugins that speak REST (ray, slurm, kubernetes). Without a proxy, HTTP/1.1 of its
// own: in clear text (http://, also over a UNIX socket) and over TLS (https://) through OpenSSL, whose libssl it
// loads on the first TLS exchange. Through a proxy (HttpOptions::proxy, or https_proxy / http_proxy / all_proxy
// in the environment) or with credentials in the URL, libcurl (HTTP/2 to the server when it offers it), loaded
// on the first exchange that needs it. Not part of the SDK: a static library linked into each plugin that needs
// it; the core loads neither library, nor does a command that makes no such exchange (validate, a dry run).
#ifndef DLAUNCH_SUPPORT_HTTP_CLIENT_HPP_
#define DLAUNCH_SUPPORT_HTTP_CLIENT_HPP_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dlaunch::support {

struct HttpRequest {
  std::string method = "GET";  // GET, POST, PUT, PATCH, DELETE
  std::string url;             // http(s)://host:port/path; with unix_socket set, the host part is ignored
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Sent as the body instead of `body`, read as it goes (a large upload never sits in memory).
  std::string body_file;
  std::string content_type;    // sets Content-Type when the body is non-empty
  // Called as the body goes out (about every 100 ms and at the end): bytes sent, bytes in all.
  std::function<void(std::uint64_t sent, std::uint64_t total)> on_upload_progress;
  // This exchange's limit instead of the client's request_timeout (a large upload), when not zero.
  std::chrono::milliseconds timeout{0};
  // When set, send() hands the body of a successful answer to it as it arrives instead of keeping it in the
  // response, and max_body_bytes does not apply to it (an error answer's body is kept as usual). Returning
  // false ends the exchange, which is then no failure.
  std::function<bool(std::string_view)> on_body;
};

struct HttpOptions {
  std::string unix_socket;                     // speak HTTP over this UNIX socket instead of TCP
  bool verify_tls = true;                      // only an explicit user option turns it off
  std::string ca_file;                         // extra CA bundle, for self-signed clusters
  std::string ca_pem;                          // CA certificates as PEM text (a kubeconfig's inline CA)
  std::string client_cert_file, client_key_file;  // TLS client authentication, from files
  std::string client_cert_pem, client_key_pem;    // ... or from PEM text
  std::string proxy;                           // a proxy URL (libcurl then); empty: the *_proxy variables
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(5)};
  std::chrono::milliseconds request_timeout{std::chrono::seconds(30)};
  // The most of an answer's body that send() keeps (and of an error answer's, stream() and on_body): a longer one ends
  // the exchange as a transport error naming the server, so a broken or hostile server cannot fill memory.
  std::size_t max_body_bytes = 64 * 1024 * 1024;
  std::string user_agent = "dlaunch";
  // Polled while a request is in flight (about every 100 ms); returning true aborts it. For Ctrl-C.
  std::function<bool()> should_abort;
};

struct HttpResponse {
  long status = 0;  // 0 when no response arrived (see transport_error)
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  // Why the exchange failed (connect refused, timeout, a certificate problem...), in libcurl's words (the own
  // HTTP/1.1 words them alike; OpenSSL's for a certificate: "SSL certificate problem: ...", naming the server).
  std::string transport_error;
  bool timed_out = false;
  bool connect_failed = false;  // no connection to the server (or proxy) was made: refused, unreachable
  bool aborted = false;  // should_abort returned true
  long connections_opened = 0;  // new connections this exchange made: 0 when it used one already open
  std::string protocol;         // what the exchange spoke: "HTTP/2", "HTTP/1.1", ...; empty without an answer

  bool ok() const { return transport_error.empty() && status >= 200 && status < 300; }
  bool transport_failed() const { return !transport_error.empty(); }
};

// A client keeps its connections open between exchanges (one per server, shared by send() and send_all()),
// so a sequence of requests pays for TCP and TLS set-up once; when it ends, they stay open for the process's
// next client (a sweep's jobs, each submitted by its own client, reuse them). A connection kept over TLS
// serves only an exchange with the same TLS settings (verification, CAs, client certificate). Safe to use from
// several threads: their exchanges through libcurl take turns on the connection; with the client's own
// HTTP/1.1 each exchange has a kept connection of its own. A stream has a connection of its own.
class HttpClient {
 public:
  explicit HttpClient(HttpOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Performs one exchange. Never throws for HTTP or transport failures: they are in the response.
  HttpResponse send(const HttpRequest& request) const;

  // Performs the exchanges at once: with the client's own HTTP/1.1 (http://, https://, a UNIX socket; no
  // proxy) up to 8 at a time, each over a connection of its own; through libcurl (a proxy) over one connection
  // per server, as concurrent HTTP/2 streams when the server speaks HTTP/2 (offered over TLS through ALPN),
  // else one after another on one kept-alive HTTP/1.1 connection. The answers are in the requests' order; each is as send() would give it, within
  // its own timeout. should_abort may be called from several threads at once, a request's callbacks from a
  // thread other than the caller's.
  std::vector<HttpResponse> send_all(std::span<const HttpRequest> requests) const;

  // Performs a GET and hands the body to `on_data` as it arrives (for streams); stops when it returns false.
  // request_timeout does not apply (a stream may last); connect_timeout and should_abort do.
  HttpResponse stream(const HttpRequest& request, const std::function<bool(std::string_view)>& on_data) const;

  const HttpOptions& options() const { return options_; }

 private:
  struct Connections;  // the open connections (a libcurl multi handle) and the lock taking turns on them

  // send_all's exchanges through libcurl: those of `requests` at `indexes`, answered at the same places of
  // `responses`.
  void send_with_libcurl(std::span<const HttpRequest> requests, const std::vector<std::size_t>& indexes,
                         std::vector<HttpResponse>& responses) const;

  HttpOptions options_;
  std::unique_ptr<Connections> connections_;
};

// Renders a request as text for dry runs: "METHOD URL", headers (values of Authorization, X-*-Token and the
// names in `secret_headers` as ***), and when there is a body, a blank line and the body.
std::string describe_request(const HttpRequest& request, const std::vector<std::string>& secret_headers = {});

}  // namespace dlaunch::support

#endif  // DLAUNCH_SUPPORT_HTTP_CLIENT_HPP_
