#include "dlaunch_support/http_client.hpp"

#include "curl_library.hpp"
#include "plain_http.hpp"
#include "http_text.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>

namespace dlaunch::support {
namespace {

using http_text::lower;
using http_text::server_of;
using http_text::trim;

// libcurl's functions, once an exchange that needs it has loaded it (curl_library below): only called on the
// handles that exist because it did.
const CurlLibrary& lib() { return *curl_library(nullptr); }

// The most exchanges of one send_all in flight at once over the client's own HTTP/1.1 (clear text or TLS): as
// many as the host's submits at once.
constexpr std::size_t kMaxPlainAtOnce = 8;

struct CurlDeleter {
  void operator()(CURL* handle) const { lib().easy_cleanup(handle); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { lib().slist_free_all(list); }
};
struct FileCloser {
  void operator()(FILE* file) const { std::fclose(file); }
};

// Everything one exchange needs while libcurl runs it. libcurl holds pointers into it: it never moves.
struct Exchange {
  const HttpRequest* request = nullptr;
  HttpResponse response;
  const std::function<bool(std::string_view)>* on_data = nullptr;  // streaming; else the body is collected
  const std::function<bool()>* should_abort = nullptr;
  bool stopped_by_reader = false;
  std::size_t max_body_bytes = 0;
  bool body_too_large = false;
  char error_buffer[CURL_ERROR_SIZE] = {};
  std::unique_ptr<FILE, FileCloser> body_file;  // the request's body_file, opened for this exchange
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  std::unique_ptr<CURL, CurlDeleter> handle;  // declared last: cleaned up first, before what it points at
};

// Keeps a piece of the body, unless the body would grow past the limit; false makes libcurl stop.
bool collect(Exchange& exchange, const char* data, size_t bytes) {
  if (exchange.response.body.size() + bytes > exchange.max_body_bytes) {
    exchange.body_too_large = true;
    return false;
  }
  exchange.response.body.append(data, bytes);
  return true;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  size_t bytes = size * count;
  // Error answers are collected whole, so the caller gets the server's message rather than a stream.
  if (exchange->on_data == nullptr || exchange->response.status >= 300) {
    return collect(*exchange, data, bytes) ? bytes : 0;
  }
  if (!(*exchange->on_data)(std::string_view(data, bytes))) {
    exchange->stopped_by_reader = true;
    return 0;  // makes libcurl end the transfer
  }
  return bytes;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  size_t bytes = size * count;
  std::string_view line(data, bytes);
  if (line.starts_with("HTTP/")) {
    // A new response begins (e.g. after "100 Continue"): forget the previous one's headers.
    exchange->response.headers.clear();
    auto space = line.find(' ');
    if (space != std::string_view::npos) exchange->response.status = std::atol(std::string(line.substr(space + 1, 3)).c_str());
    return bytes;
  }
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    exchange->response.headers.emplace_back(lower(trim(line.substr(0, colon))), trim(line.substr(colon + 1)));
  }
  return bytes;
}

size_t on_read_body(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  size_t got = std::fread(data, 1, size * count, exchange->body_file.get());
  return std::ferror(exchange->body_file.get()) ? CURL_READFUNC_ABORT : got;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t upload_total, curl_off_t uploaded) {
  auto* exchange = static_cast<Exchange*>(user);
  if (exchange->request->on_upload_progress && upload_total > 0) {
    exchange->request->on_upload_progress(static_cast<std::uint64_t>(uploaded), static_cast<std::uint64_t>(upload_total));
  }
  return exchange->should_abort != nullptr && (*exchange->should_abort)() ? 1 : 0;
}

// Sets up the exchange's handle for `request`; false (and the reason in its response) when libcurl cannot
// make one.
bool prepare(Exchange& exchange, const HttpOptions& options, const HttpRequest& request,
             const std::function<bool(std::string_view)>* on_data) {
  exchange.request = &request;
  exchange.on_data = on_data != nullptr ? on_data : request.on_body ? &request.on_body : nullptr;
  exchange.max_body_bytes = options.max_body_bytes;
  exchange.handle.reset(lib().easy_init());
  if (!exchange.handle) {
    exchange.response.transport_error = "could not create a libcurl handle";
    return false;
  }
  CURL* curl = exchange.handle.get();
  lib().easy_setopt(curl, CURLOPT_PRIVATE, reinterpret_cast<char*>(&exchange));
  lib().easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  lib().easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM for timeouts: we run inside a host process
  // A name the resolver has not answered for by the connect timeout is left to its thread: libcurl would
  // otherwise wait for it (getaddrinfo has no deadline) before the exchange returns. libcurl 7.87 and later.
  lib().easy_setopt(curl, CURLOPT_QUICK_EXIT, 1L);
  lib().easy_setopt(curl, CURLOPT_USERAGENT, options.user_agent.c_str());
  lib().easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count()));
  if (on_data == nullptr) {
    const auto timeout = request.timeout.count() > 0 ? request.timeout : options.request_timeout;
    lib().easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  }
  // HTTP/2 when the server agrees to it in the TLS handshake (ALPN), HTTP/1.1 otherwise and in clear text.
  // A request waits for the connection being opened to the same server rather than opening its own, so
  // that requests sent together share it.
  lib().easy_setopt(curl, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  lib().easy_setopt(curl, CURLOPT_PIPEWAIT, 1L);
  if (!options.unix_socket.empty()) lib().easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, options.unix_socket.c_str());
  lib().easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, options.verify_tls ? 1L : 0L);
  lib().easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, options.verify_tls ? 2L : 0L);
  if (!options.ca_file.empty()) lib().easy_setopt(curl, CURLOPT_CAINFO, options.ca_file.c_str());
  // libcurl copies blobs (CURL_BLOB_COPY), so the options may go before the handle.
  auto set_blob = [curl](CURLoption option, const std::string& pem) {
    curl_blob blob{const_cast<char*>(pem.data()), pem.size(), CURL_BLOB_COPY};
    lib().easy_setopt(curl, option, &blob);
  };
  if (!options.ca_pem.empty()) set_blob(CURLOPT_CAINFO_BLOB, options.ca_pem);
  if (!options.client_cert_file.empty()) lib().easy_setopt(curl, CURLOPT_SSLCERT, options.client_cert_file.c_str());
  if (!options.client_key_file.empty()) lib().easy_setopt(curl, CURLOPT_SSLKEY, options.client_key_file.c_str());
  if (!options.client_cert_pem.empty()) set_blob(CURLOPT_SSLCERT_BLOB, options.client_cert_pem);
  if (!options.client_key_pem.empty()) set_blob(CURLOPT_SSLKEY_BLOB, options.client_key_pem);
  if (!options.proxy.empty()) lib().easy_setopt(curl, CURLOPT_PROXY, options.proxy.c_str());

  if (!request.body_file.empty()) {
    exchange.body_file.reset(std::fopen(request.body_file.c_str(), "rb"));
    std::error_code ec;
    auto size = std::filesystem::file_size(request.body_file, ec);
    if (!exchange.body_file || ec) {
      exchange.response.transport_error = "cannot read " + request.body_file + ": " + std::strerror(errno);
      return false;
    }
    // UPLOAD makes libcurl read the body through on_read_body; the method stays the request's (below).
    lib().easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    lib().easy_setopt(curl, CURLOPT_READFUNCTION, &on_read_body);
    lib().easy_setopt(curl, CURLOPT_READDATA, &exchange);
    lib().easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(size));
  } else if (request.method == "POST" || request.method == "PUT" || !request.body.empty()) {
    // POSTFIELDS sends the body (also an empty one, as Content-Length: 0) for POST and, with the custom
    // method below, for PUT.
    lib().easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    lib().easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
  }
  if (request.method != "GET" && request.method != "POST") {
    lib().easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  curl_slist* headers = nullptr;
  for (const auto& [name, value] : request.headers) headers = lib().slist_append(headers, (name + ": " + value).c_str());
  if ((!request.body.empty() || !request.body_file.empty()) && !request.content_type.empty()) {
    headers = lib().slist_append(headers, ("Content-Type: " + request.content_type).c_str());
  }
  headers = lib().slist_append(headers, "Expect:");  // no 100-continue round trip before large bodies
  exchange.headers.reset(headers);
  lib().easy_setopt(curl, CURLOPT_HTTPHEADER, headers);

  lib().easy_setopt(curl, CURLOPT_WRITEFUNCTION, &on_body);
  lib().easy_setopt(curl, CURLOPT_WRITEDATA, &exchange);
  lib().easy_setopt(curl, CURLOPT_HEADERFUNCTION, &on_header);
  lib().easy_setopt(curl, CURLOPT_HEADERDATA, &exchange);
  if (options.should_abort) exchange.should_abort = &options.should_abort;
  if (options.should_abort || request.on_upload_progress) {
    lib().easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &on_progress);
    lib().easy_setopt(curl, CURLOPT_XFERINFODATA, &exchange);
    lib().easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  }
  lib().easy_setopt(curl, CURLOPT_ERRORBUFFER, exchange.error_buffer);
  return true;
}

const char* protocol_name(long version) {
  switch (version) {
    case CURL_HTTP_VERSION_1_0: return "HTTP/1.0";
    case CURL_HTTP_VERSION_1_1: return "HTTP/1.1";
    case CURL_HTTP_VERSION_2_0: return "HTTP/2";
    case CURL_HTTP_VERSION_3: return "HTTP/3";
    default: return "";
  }
}

// Turns libcurl's outcome of the exchange into its response.
void finish(Exchange& exchange, CURLcode code, const HttpOptions& options) {
  HttpResponse& response = exchange.response;
  CURL* curl = exchange.handle.get();
  lib().easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &response.connections_opened);
  long version = 0;
  lib().easy_getinfo(curl, CURLINFO_HTTP_VERSION, &version);
  response.protocol = protocol_name(version);
  if (code == CURLE_WRITE_ERROR && exchange.stopped_by_reader) return;  // the reader had enough
  if (code == CURLE_WRITE_ERROR && exchange.body_too_large) {
    response.body.clear();
    response.transport_error = "the answer from " + server_of(exchange.request->url) + " is larger than " +
                               std::to_string(options.max_body_bytes) + " bytes, the most dlaunch reads";
    return;
  }
  if (code != CURLE_OK) {
    response.timed_out = code == CURLE_OPERATION_TIMEDOUT;
    response.connect_failed = code == CURLE_COULDNT_CONNECT;
    response.aborted = code == CURLE_ABORTED_BY_CALLBACK;
    response.transport_error = exchange.error_buffer[0] != '\0' ? exchange.error_buffer : lib().easy_strerror(code);
    return;
  }
  long status = 0;
  lib().easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  response.status = status;
}

bool is_secret_header(const std::string& name, const std::vector<std::string>& secret_headers) {
  std::string n = lower(name);
  if (n.ends_with("authorization") || n == "cookie") return true;  // Authorization, Proxy-/X-Ray-Authorization
  if (n.starts_with("x-") && n.ends_with("-token")) return true;
  return std::any_of(secret_headers.begin(), secret_headers.end(),
                     [&](const std::string& secret) { return lower(secret) == n; });
}

}  // namespace

// Multi handles of clients that ended, each with the connections it kept open: the next client of the
// process takes one, so a run of clients (a sweep's submits, each from its own thread and its own client)
// reuses connections instead of opening one per client. libcurl reuses a connection only for a request to the
// same server with the same TLS and proxy settings, so any client may take any handle. Never freed: the
// process's end closes the connections (freeing them at exit could run after OpenSSL's own clean-up).
class IdleMultis {
 public:
  static IdleMultis& instance() {
    static auto* idle = new IdleMultis;
    return *idle;
  }
  CURLM* take() {
    std::lock_guard lock(mutex_);
    if (handles_.empty()) return nullptr;
    CURLM* multi = handles_.back();
    handles_.pop_back();
    return multi;
  }
  void give_back(CURLM* multi) {
    std::lock_guard lock(mutex_);
    if (handles_.size() < kKept) {
      handles_.push_back(multi);
    } else {
      lib().multi_cleanup(multi);
    }
  }

 private:
  static constexpr std::size_t kKept = 16;  // more than the host's submits at once (8)
  std::mutex mutex_;
  std::vector<CURLM*> handles_;
};

// A multi handle for a client's libcurl exchanges: one a client before it left, else a new one.
static CURLM* take_multi() {
  CURLM* multi = IdleMultis::instance().take();
  if (multi == nullptr && (multi = lib().multi_init()) != nullptr) {
    // HTTP/2 streams share a connection; without HTTP/2, requests queue for the one connection per server
    // (kept alive) rather than opening more.
    lib().multi_setopt(multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
    lib().multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, 1L);
  }
  return multi;
}

struct HttpClient::Connections {
  struct MultiReturner {
    void operator()(CURLM* multi) const { IdleMultis::instance().give_back(multi); }
  };
  std::mutex turn;  // one thread at a time drives the multi handle
  std::unique_ptr<CURLM, MultiReturner> multi;
};

HttpClient::HttpClient(HttpOptions options) : options_(std::move(options)), connections_(new Connections) {}

HttpClient::~HttpClient() = default;

HttpResponse HttpClient::send(const HttpRequest& request) const {
  return std::move(send_all(std::span<const HttpRequest>(&request, 1)).front());
}

std::vector<HttpResponse> HttpClient::send_all(std::span<const HttpRequest> requests) const {
  std::vector<HttpResponse> responses(requests.size());
  // Over the client's own HTTP/1.1 (clear text or TLS, no proxy) an exchange has its connection to itself:
  // they go without libcurl and at once, each on a connection of its own (taken from the kept ones, or new),
  // so a batch to a server that answers slowly costs one request's time, not the sum.
  std::vector<std::size_t> plain;
  std::vector<std::size_t> curl;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    (plain_http::handles(options_, requests[i]) ? plain : curl).push_back(i);
  }
  std::atomic<std::size_t> next_plain{0};
  std::mutex failure_mutex;
  std::exception_ptr failure;
  auto run_plain = [&] {
    for (std::size_t k; (k = next_plain.fetch_add(1)) < plain.size();) {
      try {
        responses[plain[k]] = plain_http::exchange(options_, requests[plain[k]], nullptr);
      } catch (...) {  // for the calling thread to rethrow (std::bad_alloc)
        std::lock_guard lock(failure_mutex);
        if (!failure) failure = std::current_exception();
      }
    }
  };
  {
    // Helpers and the calling thread share the work, at most kMaxPlainAtOnce at once. A helper that cannot
    // start leaves its share to the others.
    std::vector<std::jthread> helpers;
    try {
      while (helpers.size() + 1 < std::min(plain.size(), kMaxPlainAtOnce)) helpers.emplace_back(run_plain);
    } catch (const std::system_error&) {
    }
    if (!curl.empty()) send_with_libcurl(requests, curl, responses);
    run_plain();
  }  // the helpers have ended
  if (failure) std::rethrow_exception(failure);
  return responses;
}

// Concurrently as libcurl allows: HTTP/2 streams; HTTP/1.1 requests queue for the one connection per server.
void HttpClient::send_with_libcurl(std::span<const HttpRequest> requests, const std::vector<std::size_t>& indexes,
                                   std::vector<HttpResponse>& responses) const {
  std::vector<std::unique_ptr<Exchange>> exchanges;
  std::lock_guard<std::mutex> turn(connections_->turn);
  for (std::size_t index : indexes) {
    const HttpRequest& request = requests[index];
    auto& exchange = *exchanges.emplace_back(std::make_unique<Exchange>());
    std::string error;
    if (curl_library(&error) == nullptr) {
      exchange.response.transport_error = error;
      continue;
    }
    if (!connections_->multi) connections_->multi.reset(take_multi());
    CURLM* multi = connections_->multi.get();
    if (multi == nullptr) {
      exchange.response.transport_error = "could not create a libcurl multi handle";
    } else if (prepare(exchange, options_, request, nullptr)) {
      if (CURLMcode code = lib().multi_add_handle(multi, exchange.handle.get()); code != CURLM_OK) {
        exchange.response.transport_error = lib().multi_strerror(code);
        exchange.handle.reset();
      }
    }
  }
  // Drives libcurl's transfers until all have ended; each one's timeout and should_abort apply as in send().
  CURLM* multi = connections_->multi.get();
  std::size_t pending = 0;
  for (const auto& exchange : exchanges) pending += exchange->handle ? 1 : 0;
  while (pending > 0) {
    int running = 0;
    CURLMcode code = lib().multi_perform(multi, &running);
    if (code == CURLM_OK && running > 0) code = lib().multi_poll(multi, nullptr, 0, 100, nullptr);
    for (int left = 0; CURLMsg* message = lib().multi_info_read(multi, &left);) {
      if (message->msg != CURLMSG_DONE) continue;
      char* private_data = nullptr;
      lib().easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &private_data);
      auto* exchange = reinterpret_cast<Exchange*>(private_data);
      finish(*exchange, message->data.result, options_);
      lib().multi_remove_handle(multi, message->easy_handle);
      exchange->handle.reset();
      --pending;
    }
    if (code != CURLM_OK) {
      for (auto& exchange : exchanges) {
        if (!exchange->handle) continue;
        lib().multi_remove_handle(multi, exchange->handle.get());
        exchange->handle.reset();
        exchange->response.transport_error = lib().multi_strerror(code);
      }
      break;
    }
  }
  for (std::size_t k = 0; k < indexes.size(); ++k) responses[indexes[k]] = std::move(exchanges[k]->response);
}

HttpResponse HttpClient::stream(const HttpRequest& request,
                                const std::function<bool(std::string_view)>& on_data) const {
  if (plain_http::handles(options_, request)) return plain_http::exchange(options_, request, &on_data);
  Exchange exchange;
  if (curl_library(&exchange.response.transport_error) == nullptr) return exchange.response;
  if (!prepare(exchange, options_, request, &on_data)) return exchange.response;
  finish(exchange, lib().easy_perform(exchange.handle.get()), options_);
  return exchange.response;
}

std::string describe_request(const HttpRequest& request, const std::vector<std::string>& secret_headers) {
  std::string out = request.method + " " + request.url + "\n";
  for (const auto& [name, value] : request.headers) {
    out += name + ": " + (is_secret_header(name, secret_headers) ? std::string("***") : value) + "\n";
  }
  if (request.body.empty()) return out;
  if (!request.content_type.empty()) out += "Content-Type: " + request.content_type + "\n";
  out += "\n" + request.body;
  if (request.body.back() != '\n') out += "\n";
  return out;
}

}  // namespace dlaunch::support
