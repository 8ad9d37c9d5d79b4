#include "plain_http.hpp"

#include "http_text.hpp"
#include "tls_transport.hpp"
#include "transport.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace dlaunch::support::plain_http {
namespace {

using http_text::lower;
using http_text::trim;

using Clock = std::chrono::steady_clock;
constexpr auto kNever = Clock::time_point::max();
constexpr auto kAbortPoll = std::chrono::milliseconds(100);  // how often should_abort is asked while waiting
// The most an answer's status line and headers, or one line of its chunked framing (a size or a trailer), may
// take: libcurl's limit for one header is 100 KiB. Past it a broken or hostile server is refused, so its
// headers cannot fill memory.
constexpr std::size_t kMaxHeadBytes = 256 * 1024;
constexpr std::size_t kMaxChunkLineBytes = 16 * 1024;

// A decimal or hexadecimal number made of digits alone, as Content-Length and a chunk's size are: no sign,
// no "0x", nothing after (bar a chunk's ";extension"), and no overflow. nullopt for anything else.
std::optional<std::uint64_t> digits_value(std::string_view text, unsigned base) {
  if (text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    unsigned digit;
    if (c >= '0' && c <= '9') {
      digit = static_cast<unsigned>(c - '0');
    } else if (base == 16 && c >= 'a' && c <= 'f') {
      digit = static_cast<unsigned>(c - 'a' + 10);
    } else if (base == 16 && c >= 'A' && c <= 'F') {
      digit = static_cast<unsigned>(c - 'A' + 10);
    } else {
      return std::nullopt;
    }
    if (digit >= base || value > (UINT64_MAX - digit) / base) return std::nullopt;
    value = value * base + digit;
  }
  return value;
}

long since_ms(Clock::time_point start) {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count());
}

// The parts of an http:// or https:// URL the exchange needs.
struct Target {
  bool tls = false;       // https://
  std::string host;       // without brackets for IPv6
  std::string port;       // "80" (https: "443") when the URL names none
  std::string authority;  // as in the URL: the Host header
  std::string path;       // path and query, "/" at least
};

std::optional<Target> parse(const std::string& url) {
  const std::size_t separator = url.find("://");
  const std::string scheme = separator == std::string::npos ? "" : lower(url.substr(0, separator + 3));
  if (scheme != "http://" && scheme != "https://") return std::nullopt;
  // Anything libcurl would escape, reject or read differently goes to libcurl.
  if (std::any_of(url.begin(), url.end(), [](unsigned char c) { return c <= ' ' || c >= 0x7f; })) return std::nullopt;
  const std::size_t begin = scheme.size();
  const std::size_t end = std::min(url.find_first_of("/?#", begin), url.size());
  Target target;
  target.tls = scheme == "https://";
  target.authority = url.substr(begin, end - begin);
  if (target.authority.empty() || target.authority.find('@') != std::string::npos) return std::nullopt;
  std::string_view port;
  if (target.authority.front() == '[') {
    const auto close = target.authority.find(']');
    if (close == std::string::npos) return std::nullopt;
    target.host = target.authority.substr(1, close - 1);
    if (close + 1 < target.authority.size()) {
      if (target.authority[close + 1] != ':') return std::nullopt;
      port = std::string_view(target.authority).substr(close + 2);
    }
  } else {
    const auto colon = target.authority.find(':');
    target.host = target.authority.substr(0, colon);
    if (colon != std::string::npos) port = std::string_view(target.authority).substr(colon + 1);
  }
  if (target.host.empty()) return std::nullopt;
  if (!port.empty() && !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return std::nullopt;
  }
  target.port = port.empty() ? (target.tls ? "443" : "80") : std::string(port);
  const auto fragment = url.find('#', end);
  const std::string path = url.substr(end, fragment == std::string::npos ? std::string::npos : fragment - end);
  target.path = path.empty() || path.front() != '/' ? "/" + path : path;
  return target;
}

// Whether the environment names a proxy libcurl would send the target's exchanges through.
bool proxy_in_environment(const Target& target) {
  const char* scheme_proxy = target.tls ? "https_proxy" : "http_proxy";
  const char* scheme_proxy_upper = target.tls ? "HTTPS_PROXY" : "HTTP_PROXY";
  for (const char* name : {scheme_proxy, scheme_proxy_upper, "all_proxy", "ALL_PROXY"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') return true;
  }
  return false;
}

// Connections whose last answer was read whole, left open for the process's next exchange with the same
// server (a sweep's submits, each from its own client) and, over TLS, the same TLS settings. Never freed: the
// process's end closes them.
class IdleConnections {
 public:
  static IdleConnections& instance() {
    static auto* idle = new IdleConnections;
    return *idle;
  }
  // An open connection to `server`, or null. One the server closed meanwhile (readable while idle: its end
  // of file, an alert, or bytes nobody asked for) is closed and skipped.
  std::unique_ptr<Transport> take(const std::string& server) {
    std::unique_lock lock(mutex_);
    while (true) {
      auto it = std::find_if(idle_.begin(), idle_.end(), [&](const auto& entry) { return entry.first == server; });
      if (it == idle_.end()) return nullptr;
      std::unique_ptr<Transport> connection = std::move(it->second);
      idle_.erase(it);
      pollfd probe{connection->fd(), POLLIN, 0};
      if (::poll(&probe, 1, 0) == 0) return connection;
    }
  }
  void give_back(const std::string& server, std::unique_ptr<Transport> connection) {
    std::lock_guard lock(mutex_);
    if (idle_.size() < kKept) idle_.emplace_back(server, std::move(connection));
  }

 private:
  static constexpr std::size_t kKept = 16;  // more than the host's submits at once (8)
  std::mutex mutex_;
  std::vector<std::pair<std::string, std::unique_ptr<Transport>>> idle_;
};

struct FileCloser {
  void operator()(FILE* file) const { std::fclose(file); }
};

// What ended an attempt early.
enum class Failure { none, retry, final };

class Exchange {
 public:
  // `stream`: HttpClient::stream's reader, which has no deadline; else the request's own on_body, if any, takes
  // the body of a successful answer within the request's time, as libcurl's path does.
  Exchange(const HttpOptions& options, const HttpRequest& request, const Target& target,
           const std::function<bool(std::string_view)>* stream)
      : options_(options),
        request_(request),
        target_(target),
        on_data_(stream != nullptr ? stream : request.on_body ? &request.on_body : nullptr),
        start_(Clock::now()) {
    const auto timeout = request.timeout.count() > 0 ? request.timeout : options.request_timeout;
    deadline_ = stream != nullptr ? kNever : start_ + timeout;
    server_ = options.unix_socket.empty() ? "tcp:" + target.host + ":" + target.port : "unix:" + options.unix_socket;
    if (target.tls) server_ += "\ntls:" + target.host + "\n" + tls_settings_key(options);
  }
  ~Exchange() { close_connection(); }
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  HttpResponse run() {
    // A kept connection the server closed just as it was taken fails before any answer: once more on a new
    // one, as libcurl does.
    for (int attempt = 0; attempt < 2; ++attempt) {
      response_ = HttpResponse{};
      received_ = 0;
      if (attempt_once() != Failure::retry) break;
      close_connection();
    }
    if (connection_ && keep_alive_) IdleConnections::instance().give_back(server_, std::move(connection_));
    return std::move(response_);
  }

 private:
  Failure attempt_once() {
    reused_ = false;
    handshaking_ = false;
    connection_ = IdleConnections::instance().take(server_);
    if (connection_) {
      reused_ = true;
    } else if (!open_connection()) {
      return Failure::final;
    } else {
      response_.connections_opened = 1;
    }
    if (Failure failure = send_request(); failure != Failure::none) return failure;
    return read_response();
  }

  void close_connection() { connection_.reset(); }

  Failure fail(std::string message) {
    response_.transport_error = std::move(message);
    keep_alive_ = false;
    return Failure::final;
  }

  // Waits until the connection's socket is ready for `events`, asking should_abort meanwhile; false (and the failure in the
  // response) on the deadline, an abort or a poll error.
  bool wait(short events, Clock::time_point deadline, bool connecting) {
    while (true) {
      const auto now = Clock::now();
      if (now >= deadline) {
        time_out(connecting);
        return false;
      }
      auto slice = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
      if (options_.should_abort) slice = std::min<std::chrono::milliseconds>(slice, kAbortPoll);
      slice = std::min<std::chrono::milliseconds>(slice, std::chrono::hours(1));
      pollfd entry{connection_->fd(), events, 0};
      const int ready = ::poll(&entry, 1, static_cast<int>(std::max<long>(1, slice.count())));
      if (ready > 0) return true;
      if (ready < 0 && errno != EINTR) {
        response_.transport_error = std::string("poll failed: ") + std::strerror(errno);
        return false;
      }
      if (aborted()) return false;
    }
  }

  // Records that the exchange ran out of time.
  void time_out(bool connecting) {
    response_.timed_out = true;
    if (handshaking_) {
      response_.transport_error = "TLS handshake with " + server_url() + " timed out after " +
                                  std::to_string(since_ms(start_)) + " milliseconds";
    } else if (connecting) {
      response_.transport_error = "Connection timed out after " + std::to_string(since_ms(start_)) + " milliseconds";
    } else {
      response_.transport_error = "Operation timed out after " + std::to_string(since_ms(start_)) +
                                  " milliseconds with " + std::to_string(received_) + " bytes received";
    }
  }

  // "http://host:port" of the request, to name the server in messages (never its path or query).
  std::string server_url() const { return http_text::server_of(request_.url); }

  bool aborted() {
    if (!options_.should_abort || !options_.should_abort()) return false;
    response_.aborted = true;
    response_.transport_error = "Callback aborted";
    return true;
  }

  std::string connect_failure() const {
    return "Failed to connect to " + target_.host + " port " + target_.port + " after " + std::to_string(since_ms(start_)) +
           " ms: Couldn't connect to server";
  }

  // Connects a new non-blocking socket (the connection) to `address`; false when it cannot, with the reason
  // in the response when it is final (a timeout or an abort) rather than worth trying the next address.
  bool connect_to(const sockaddr* address, socklen_t length, int family, Clock::time_point deadline, bool* final) {
    const int fd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    connection_ = std::make_unique<Transport>(fd);
    if (family != AF_UNIX) {
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // as libcurl: no wait to fill a packet
    }
    if (::connect(fd, address, length) == 0) return true;
    if (errno == EINPROGRESS) {
      if (!wait(POLLOUT, deadline, true)) {
        *final = true;
        close_connection();
        return false;
      }
      int error = 0;
      socklen_t size = sizeof error;
      if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) == 0 && error == 0) return true;
    }
    close_connection();
    return false;
  }

  using Addresses = std::unique_ptr<addrinfo, void (*)(addrinfo*)>;

  // The addresses of the target's host; none (and why in the response) when it has none, or when the
  // deadline or should_abort came first. An address is taken as it is and "localhost" is the loopback
  // addresses, as libcurl has it; another name is resolved on a thread of its own (resolve_name).
  Addresses resolve(Clock::time_point deadline) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    const bool loopback = lower(target_.host) == "localhost";
    hints.ai_flags = loopback ? 0 : AI_NUMERICHOST;  // no node and no AI_PASSIVE: the loopback addresses
    addrinfo* found = nullptr;
    int status = ::getaddrinfo(loopback ? nullptr : target_.host.c_str(), target_.port.c_str(), &hints, &found);
    if (status == EAI_NONAME && !loopback) {
      hints.ai_flags = 0;
      if (!resolve_name(hints, deadline, &status, &found)) return Addresses(nullptr, &::freeaddrinfo);
    }
    if (status != 0 || found == nullptr) response_.transport_error = "Could not resolve host: " + target_.host;
    return Addresses(status == 0 ? found : nullptr, &::freeaddrinfo);
  }

  // getaddrinfo of the target's host on a thread, waited for until `deadline` and asking should_abort
  // meanwhile: a resolver that does not answer (getaddrinfo has no deadline of its own) holds neither the
  // exchange past its time nor Ctrl-C. The thread and the exchange share the outcome, and whichever lets go
  // last frees it, so a thread the exchange stopped waiting for ends on its own. False when the wait ended
  // first, with why in the response.
  bool resolve_name(const addrinfo& hints, Clock::time_point deadline, int* status, addrinfo** found) {
    struct Outcome {
      std::mutex mutex;
      std::condition_variable changed;
      bool done = false;
      int status = EAI_AGAIN;
      addrinfo* found = nullptr;
      ~Outcome() {
        if (found != nullptr) ::freeaddrinfo(found);
      }
    };
    auto outcome = std::make_shared<Outcome>();
    try {
      std::thread([outcome, host = target_.host, port = target_.port, hints] {
        addrinfo* addresses = nullptr;
        const int result = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &addresses);
        std::lock_guard lock(outcome->mutex);
        outcome->status = result;
        outcome->found = addresses;
        outcome->done = true;
        outcome->changed.notify_all();
      }).detach();
    } catch (const std::system_error&) {  // no thread to be had: here, without a deadline, as before
      *status = ::getaddrinfo(target_.host.c_str(), target_.port.c_str(), &hints, found);
      return true;
    }
    std::unique_lock lock(outcome->mutex);
    while (!outcome->done) {
      const auto now = Clock::now();
      if (now >= deadline) {
        response_.timed_out = true;
        response_.transport_error = "Resolving timed out after " + std::to_string(since_ms(start_)) + " milliseconds";
        return false;
      }
      auto slice = std::min<Clock::duration>(deadline - now, std::chrono::hours(1));
      if (options_.should_abort) slice = std::min<Clock::duration>(slice, kAbortPoll);
      if (outcome->changed.wait_for(lock, slice, [&] { return outcome->done; })) break;
      lock.unlock();
      if (aborted()) return false;
      lock.lock();
    }
    *status = outcome->status;
    *found = std::exchange(outcome->found, nullptr);
    return true;
  }

  // Connects to the target and, for https://, makes the TLS handshake, within the connect timeout (as
  // libcurl's covers both); false when it cannot, with why in the response.
  bool open_connection() {
    const auto deadline = std::min(deadline_, start_ + options_.connect_timeout);
    if (!connect_socket(deadline)) return false;
    return !target_.tls || secure(deadline);
  }

  // Makes the connection a TLS one and its handshake.
  bool secure(Clock::time_point deadline) {
    std::string error;
    std::unique_ptr<TlsTransport> tls = TlsTransport::begin(connection_->release(), options_, target_.host, &error);
    connection_ = nullptr;
    if (!tls) {
      response_.transport_error = std::move(error);
      return false;
    }
    TlsTransport& handshake = *tls;
    connection_ = std::move(tls);
    handshaking_ = true;
    while (true) {
      const Io io = handshake.handshake();
      if (io == Io::done) break;
      if (io == Io::want_read || io == Io::want_write) {
        if (!wait(poll_events(io), deadline, true)) return false;
        continue;
      }
      // A certificate problem in libcurl's words ("SSL certificate problem: ..."), which the plugins' messages
      // (naming the server) and users know.
      response_.transport_error = io == Io::closed ? "the server closed the connection during the TLS handshake"
                                                   : handshake.error();
      return false;
    }
    handshaking_ = false;
    return true;
  }

  // Connects the connection's socket, over TCP or a UNIX socket.
  bool connect_socket(Clock::time_point deadline) {
    bool final = false;
    if (!options_.unix_socket.empty()) {
      sockaddr_un address{};
      address.sun_family = AF_UNIX;
      if (options_.unix_socket.size() >= sizeof address.sun_path) {
        response_.transport_error = "UNIX socket path too long: " + options_.unix_socket;
        return false;
      }
      std::memcpy(address.sun_path, options_.unix_socket.c_str(), options_.unix_socket.size() + 1);
      if (connect_to(reinterpret_cast<const sockaddr*>(&address), sizeof address, AF_UNIX, deadline, &final)) return true;
    } else {
      const Addresses addresses = resolve(deadline);
      if (!addresses) return false;
      for (const addrinfo* address = addresses.get(); address != nullptr && !final; address = address->ai_next) {
        if (connect_to(address->ai_addr, address->ai_addrlen, address->ai_family, deadline, &final)) return true;
      }
    }
    if (!final) {
      response_.connect_failed = true;
      response_.transport_error = connect_failure();
    }
    return false;
  }

  // Sends all of `data`; Failure::retry when a kept connection turned out closed.
  Failure send_bytes(std::string_view data) {
    while (!data.empty()) {
      std::size_t sent = 0;
      const Io io = connection_->write(data, &sent);
      if (io == Io::done) {
        data.remove_prefix(sent);
      } else if (io == Io::want_read || io == Io::want_write) {  // TLS may need to read to write
        if (!wait(poll_events(io), deadline_, false)) return Failure::final;
      } else {
        const int error = connection_->system_error();
        if (reused_ && (io == Io::closed || error == EPIPE || error == ECONNRESET)) return Failure::retry;
        std::string why = io == Io::closed ? std::string("the server closed the connection") : connection_->error();
        // A TLS server may have said why before it closed (an alert: the client certificate it requires): its
        // words, when they can still be read, rather than the write's.
        char unread[256];
        std::size_t got = 0;
        if (connection_->read(unread, sizeof unread, &got) == Io::failed && connection_->system_error() == 0) {
          why = connection_->error();
        }
        return fail("Send failure: " + why);
      }
    }
    return Failure::none;
  }

  bool has_header(std::string_view name) const {
    return std::any_of(request_.headers.begin(), request_.headers.end(),
                       [&](const auto& header) { return lower(header.first) == lower(name); });
  }

  Failure send_request() {
    // As libcurl sends it: a body given as text is "POST fields" (the method POST unless another is named),
    // one read from a file an upload (PUT unless another is named); Content-Length for either.
    const bool upload = !request_.body_file.empty();
    const bool fields = !upload && (request_.method == "POST" || request_.method == "PUT" || !request_.body.empty());
    std::string method = request_.method;
    if (upload && (method == "GET" || method == "POST")) method = "PUT";
    if (fields && method == "GET") method = "POST";
    method_ = method;

    std::unique_ptr<FILE, FileCloser> file;
    std::uint64_t total = request_.body.size();
    if (upload) {
      file.reset(std::fopen(request_.body_file.c_str(), "rb"));
      std::error_code ec;
      total = std::filesystem::file_size(request_.body_file, ec);
      if (!file || ec) return fail("cannot read " + request_.body_file + ": " + std::strerror(errno));
    }

    std::string head = method + " " + target_.path + " HTTP/1.1\r\n";
    auto add = [&](std::string_view name, std::string_view value) {
      head.append(name).append(": ").append(value).append("\r\n");
    };
    if (!has_header("Host")) add("Host", target_.authority);
    if (!has_header("User-Agent") && !options_.user_agent.empty()) add("User-Agent", options_.user_agent);
    if (!has_header("Accept")) add("Accept", "*/*");
    for (const auto& [name, value] : request_.headers) {
      if (!trim(value).empty()) add(name, value);  // an empty value removes the header, as in libcurl
    }
    const bool has_body = !request_.body.empty() || upload;
    if (has_body && !request_.content_type.empty()) {
      add("Content-Type", request_.content_type);
    } else if (fields && !has_header("Content-Type")) {
      add("Content-Type", "application/x-www-form-urlencoded");
    }
    if ((fields || upload) && !has_header("Content-Length")) add("Content-Length", std::to_string(total));
    head += "\r\n";

    if (!upload) {
      head += request_.body;  // one write: the head and a small body in one packet
      return send_bytes(head);
    }
    if (Failure failure = send_bytes(head); failure != Failure::none) return failure;
    std::vector<char> chunk(64 * 1024);
    std::uint64_t sent = 0;
    auto last_report = Clock::now();
    auto report = [&] {
      if (request_.on_upload_progress && total > 0) request_.on_upload_progress(sent, total);
      last_report = Clock::now();
    };
    while (sent < total) {
      const std::size_t got = std::fread(chunk.data(), 1, chunk.size(), file.get());
      if (got == 0) return fail("cannot read " + request_.body_file + ": " + (std::ferror(file.get()) ? std::strerror(errno) : "it got shorter"));
      if (Failure failure = send_bytes(std::string_view(chunk.data(), got)); failure != Failure::none) return failure;
      sent += got;
      if (Clock::now() - last_report >= kAbortPoll) {
        report();
        if (aborted()) return Failure::final;
      }
    }
    report();
    return Failure::none;
  }

  // Reads more of the answer into buffer_: false at the end of the connection or on a failure (in the
  // response, or *retry when a kept connection closed before any answer).
  bool receive(bool* eof, Failure* failure) {
    *eof = false;
    char block[16 * 1024];
    while (true) {
      std::size_t got = 0;
      const Io io = connection_->read(block, sizeof block, &got);
      if (io == Io::done) {
        buffer_.append(block, got);
        received_ += got;
        // A server that never pauses never makes a read wait: the deadline and Ctrl-C are checked here too.
        if (Clock::now() >= deadline_) {
          time_out(false);
          *failure = fail(response_.transport_error);
          return false;
        }
        if (aborted()) {
          *failure = fail(response_.transport_error);
          return false;
        }
        return true;
      }
      if (io == Io::closed) {
        *eof = true;
        if (received_ == 0 && reused_) *failure = Failure::retry;
        return false;
      }
      if (io == Io::want_read || io == Io::want_write) {  // TLS may need to write to read
        if (!wait(poll_events(io), deadline_, false)) {
          *failure = fail(response_.transport_error);
          return false;
        }
        continue;
      }
      if (received_ == 0 && reused_ && connection_->system_error() == ECONNRESET) {
        *failure = Failure::retry;
        return false;
      }
      *failure = fail("Recv failure: " + connection_->error());
      return false;
    }
  }

  // Hands a piece of the body to the reader (a stream's 2xx answer) or keeps it; false to stop reading.
  bool deliver(std::string_view data) {
    if (data.empty()) return true;
    if (on_data_ != nullptr && response_.status < 300) {
      if (!(*on_data_)(data)) {
        stopped_by_reader_ = true;
        keep_alive_ = false;
        return false;
      }
      return true;
    }
    if (response_.body.size() + data.size() > options_.max_body_bytes) {
      response_.body.clear();
      fail("the answer from " + server_url() + " is larger than " +
           std::to_string(options_.max_body_bytes) + " bytes, the most dlaunch reads");
      return false;
    }
    response_.body.append(data);
    return true;
  }

  // Parses the status line and headers of the final answer (after any 1xx) from buffer_.
  Failure read_head() {
    while (true) {
      std::size_t end;
      std::size_t searched = 0;
      while ((end = buffer_.find("\r\n\r\n", searched)) == std::string::npos) {
        if (buffer_.size() > kMaxHeadBytes) {
          return fail("the answer's headers from " + server_url() + " are over " + std::to_string(kMaxHeadBytes / 1024) +
                      " KiB");
        }
        searched = buffer_.size() < 3 ? 0 : buffer_.size() - 3;
        bool eof = false;
        Failure failure = Failure::none;
        if (!receive(&eof, &failure)) {
          if (failure != Failure::none) return failure;
          return fail(received_ == 0 ? "Empty reply from server" : "Weird server reply");
        }
      }
      if (end > kMaxHeadBytes) {
        return fail("the answer's headers from " + server_url() + " are over " + std::to_string(kMaxHeadBytes / 1024) + " KiB");
      }
      std::string_view head(buffer_.data(), end);
      const auto line_end = head.find("\r\n");
      std::string_view status_line = head.substr(0, line_end);
      if (!status_line.starts_with("HTTP/1.") || status_line.size() < 12 || status_line[8] != ' ') {
        return fail("Weird server reply");
      }
      const std::string code(status_line.substr(9, 3));
      if (!std::all_of(code.begin(), code.end(), [](unsigned char c) { return std::isdigit(c); })) {
        return fail("Weird server reply");
      }
      response_.status = std::atol(code.c_str());
      response_.protocol = std::string(status_line.substr(0, 8));
      response_.headers.clear();
      std::size_t at = line_end == std::string_view::npos ? head.size() : line_end + 2;
      while (at < head.size()) {
        auto next = head.find("\r\n", at);
        if (next == std::string_view::npos) next = head.size();
        std::string_view line = head.substr(at, next - at);
        if (auto colon = line.find(':'); colon != std::string_view::npos) {
          response_.headers.emplace_back(lower(trim(line.substr(0, colon))), trim(line.substr(colon + 1)));
        }
        at = next + 2;
      }
      buffer_.erase(0, end + 4);
      if (response_.status >= 200 || response_.status < 100) return Failure::none;
      // 1xx: an interim answer; the final one follows.
    }
  }

  const std::string* header(std::string_view name) const {
    for (const auto& entry : response_.headers) {
      if (entry.first == name) return &entry.second;
    }
    return nullptr;
  }

  Failure read_response() {
    buffer_.clear();
    if (Failure failure = read_head(); failure != Failure::none) return failure;
    const std::string* connection = header("connection");
    const std::string connection_value = connection != nullptr ? lower(*connection) : "";
    keep_alive_ = response_.protocol == "HTTP/1.1" ? connection_value.find("close") == std::string::npos
                                                   : connection_value.find("keep-alive") != std::string::npos;
    const bool no_body = method_ == "HEAD" || response_.status == 204 || response_.status == 304;
    const std::string* encoding = header("transfer-encoding");
    const std::string* length = header("content-length");
    Failure failure = Failure::none;
    if (no_body) {
      // nothing to read
    } else if (encoding != nullptr && lower(*encoding).find("chunked") != std::string::npos) {
      failure = read_chunked();
    } else if (length != nullptr) {
      const std::optional<std::uint64_t> size = digits_value(*length, 10);
      if (!size) return fail("Weird server reply: Content-Length '" + *length + "'");
      for (const auto& [name, value] : response_.headers) {
        if (name == "content-length" && value != *length) return fail("Weird server reply: two Content-Lengths");
      }
      failure = read_length(*size);
    } else {
      keep_alive_ = false;  // the body ends with the connection
      failure = read_until_close();
    }
    if (failure == Failure::retry) failure = fail("Empty reply from server");  // an answer had begun
    if (!buffer_.empty()) keep_alive_ = false;  // bytes beyond the answer: the connection is not reusable
    return failure;
  }

  // More of the body into buffer_; the failure when the connection ends first.
  Failure need_more(std::uint64_t remaining) {
    bool eof = false;
    Failure failure = Failure::none;
    if (receive(&eof, &failure)) return Failure::none;
    if (failure != Failure::none) return failure;
    return fail("transfer closed with " + std::to_string(remaining) + " bytes remaining to read");
  }

  Failure read_length(std::uint64_t size) {
    while (size > 0) {
      if (buffer_.empty()) {
        if (Failure failure = need_more(size); failure != Failure::none) return failure;
      }
      const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(size, buffer_.size()));
      const bool more = deliver(std::string_view(buffer_.data(), take));
      buffer_.erase(0, take);
      size -= take;
      if (!more) return stopped_by_reader_ ? Failure::none : Failure::final;
    }
    return Failure::none;
  }

  Failure read_until_close() {
    while (true) {
      if (!deliver(buffer_)) return stopped_by_reader_ ? Failure::none : Failure::final;
      buffer_.clear();
      bool eof = false;
      Failure failure = Failure::none;
      if (!receive(&eof, &failure)) return eof ? Failure::none : failure;
    }
  }

  // A line of the chunked encoding (a size or a trailer), without its CRLF.
  Failure read_line(std::string* line) {
    std::size_t end;
    std::size_t searched = 0;
    while ((end = buffer_.find("\r\n", searched)) == std::string::npos) {
      if (buffer_.size() > kMaxChunkLineBytes) return fail("a line of the chunked answer from " + server_url() + " is too long");
      searched = buffer_.empty() ? 0 : buffer_.size() - 1;
      if (Failure failure = need_more(0); failure != Failure::none) return failure;
    }
    if (end > kMaxChunkLineBytes) return fail("a line of the chunked answer from " + server_url() + " is too long");
    line->assign(buffer_, 0, end);
    buffer_.erase(0, end + 2);
    return Failure::none;
  }

  Failure read_chunked() {
    std::string line;
    while (true) {
      if (Failure failure = read_line(&line); failure != Failure::none) return failure;
      // The size in hexadecimal, then perhaps ";name=value" extensions (ignored), with optional blanks.
      std::string_view digits(line);
      digits = digits.substr(0, digits.find(';'));
      while (!digits.empty() && (digits.back() == ' ' || digits.back() == '\t')) digits.remove_suffix(1);
      const std::optional<std::uint64_t> size = digits_value(digits, 16);
      if (!size) return fail("Illegal or missing hexadecimal sequence in chunked-encoding");
      if (*size == 0) break;
      if (Failure failure = read_length(*size); failure != Failure::none || stopped_by_reader_) return failure;
      if (Failure failure = read_line(&line); failure != Failure::none) return failure;  // the chunk's CRLF
      if (!line.empty()) return fail("a chunk of the answer from " + server_url() + " is longer than its size says");
    }
    do {  // trailers, up to the empty line
      if (Failure failure = read_line(&line); failure != Failure::none) return failure;
    } while (!line.empty());
    return Failure::none;
  }

  const HttpOptions& options_;
  const HttpRequest& request_;
  const Target& target_;
  const std::function<bool(std::string_view)>* on_data_;
  const Clock::time_point start_;
  Clock::time_point deadline_;
  std::string server_;
  std::string method_;
  HttpResponse response_;
  std::string buffer_;
  std::size_t received_ = 0;
  std::unique_ptr<Transport> connection_;  // the socket, in clear text or TLS
  bool reused_ = false;
  bool handshaking_ = false;  // a wait's timeout is the TLS handshake's
  bool keep_alive_ = false;
  bool stopped_by_reader_ = false;
};

}  // namespace

bool handles(const HttpOptions& options, const HttpRequest& request) {
  const std::optional<Target> target = parse(request.url);
  return options.proxy.empty() && target.has_value() && !proxy_in_environment(*target);
}

HttpResponse exchange(const HttpOptions& options, const HttpRequest& request,
                      const std::function<bool(std::string_view)>* on_data) {
  const std::optional<Target> target = parse(request.url);
  if (!target) {
    HttpResponse response;
    response.transport_error = "not an http:// or https:// URL: " + request.url;
    return response;
  }
  return Exchange(options, request, *target, on_data).run();
}

}  // namespace dlaunch::support::plain_http
