#include "ui/server.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <set>
#include <stdexcept>
#include <thread>

namespace dlaunch::ui {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// A client that connects and says nothing must not hold its thread for ever; an event stream is written to,
// not read, so this bounds only the wait for a request.
constexpr int kReadTimeoutSeconds = 30;
constexpr size_t kMaxRequestBytes = 64 * 1024;  // the page sends no bodies worth more

std::string decode_percent(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::map<std::string, std::string> parse_query(std::string_view query) {
  std::map<std::string, std::string> values;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    const size_t eq = pair.find('=');
    values[decode_percent(pair.substr(0, eq))] = eq == std::string_view::npos ? "" : decode_percent(pair.substr(eq + 1));
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
  }
  return values;
}

// The value of cookie `name` in a Cookie header, or "".
std::string cookie_value(std::string_view header, const std::string& name) {
  while (!header.empty()) {
    const size_t semi = header.find(';');
    std::string_view pair = header.substr(0, semi);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.starts_with(name + "=")) return std::string(pair.substr(name.size() + 1));
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
  }
  return "";
}

// In time independent of where the first difference is, so that the token cannot be guessed byte by byte.
bool same_secret(std::string_view a, std::string_view b) {
  unsigned char differ = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) differ |= static_cast<unsigned char>(a[i] ^ b[i]);
  return differ == 0;
}

class SocketEventStream : public EventStream {
 public:
  explicit SocketEventStream(tcp::socket& socket) : socket_(socket) {}

  bool send(std::string_view event, std::string_view data) override {
    std::string frame = "event: " + std::string(event) + "\n";
    // Each line of the data is its own data: field; the client joins them with newlines.
    size_t start = 0;
    while (true) {
      const size_t end = data.find('\n', start);
      frame += "data: " + std::string(data.substr(start, end - start)) + "\n";
      if (end == std::string_view::npos) break;
      start = end + 1;
    }
    frame += "\n";
    beast::error_code error;
    net::write(socket_, net::buffer(frame), error);
    return !error;
  }

 private:
  tcp::socket& socket_;
};

// Boost 1.74's string_view is its own type.
std::string_view view(beast::string_view text) { return {text.data(), text.size()}; }

}  // namespace

struct Server::State {
  net::io_context io;
  tcp::acceptor acceptor{io};
  std::string address;
  std::string token;
  Handler handler;
  std::set<std::string> hosts;  // what the Host header may say
  std::string cookie_name;

  void serve_connection(tcp::socket socket);
  // The reply to a request that is refused before any handler sees it, or nullopt.
  std::optional<http::response<http::string_body>> refusal(const http::request<http::string_body>& request,
                                                           bool& set_cookie) const;
};

Server::Server(const ServerSettings& settings, std::string token, Handler handler) : state_(std::make_unique<State>()) {
  beast::error_code error;
  const auto address = net::ip::make_address(settings.address, error);
  if (error) throw std::runtime_error("'" + settings.address + "' is not an IP address");
  const tcp::endpoint endpoint(address, settings.port);
  state_->acceptor.open(endpoint.protocol());
  state_->acceptor.set_option(net::socket_base::reuse_address(true));
  state_->acceptor.bind(endpoint, error);
  if (error) {
    throw std::runtime_error("cannot listen on " + settings.address + ":" + std::to_string(settings.port) + ": " +
                             error.message());
  }
  state_->acceptor.listen();
  state_->address = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  state_->token = std::move(token);
  state_->handler = std::move(handler);
  const std::string port = ":" + std::to_string(this->port());
  for (const std::string& host : {std::string("localhost"), std::string("127.0.0.1"), std::string("[::1]"),
                                  state_->address}) {
    state_->hosts.insert(host + port);
  }
  // Browsers share cookies between the ports of a host: each server has its own, so two never mix.
  state_->cookie_name = "dlaunch_ui_token_" + std::to_string(this->port());
}

Server::~Server() = default;

unsigned short Server::port() const { return state_->acceptor.local_endpoint().port(); }

std::string Server::url() const {
  const std::string host = state_->address == "0.0.0.0" || state_->address == "[::]" ? "127.0.0.1" : state_->address;
  return "http://" + host + ":" + std::to_string(port()) + "/?token=" + state_->token;
}

void Server::serve(const std::function<bool()>& stop_requested) {
  pollfd listening{state_->acceptor.native_handle(), POLLIN, 0};
  while (!stop_requested()) {
    if (::poll(&listening, 1, 200) <= 0) continue;
    beast::error_code error;
    tcp::socket socket = state_->acceptor.accept(error);
    if (error) continue;
    // The connection's thread may outlive serve() (a plugin call in a log stream): the process ends under it.
    std::thread([state = state_.get(), s = std::move(socket)]() mutable { state->serve_connection(std::move(s)); })
        .detach();
  }
}

std::optional<http::response<http::string_body>> Server::State::refusal(
    const http::request<http::string_body>& request, bool& set_cookie) const {
  auto refuse = [&](http::status status, const std::string& why) {
    http::response<http::string_body> response{status, request.version()};
    response.set(http::field::content_type, "text/plain; charset=utf-8");
    response.body() = why + "\n";
    return response;
  };
  if (!hosts.contains(std::string(request[http::field::host]))) {
    return refuse(http::status::forbidden, "dlaunch ui: the Host header names another server");
  }
  const std::string_view target = view(request.target());
  const size_t question = target.find('?');
  const auto query = parse_query(question == std::string_view::npos ? "" : target.substr(question + 1));
  const auto from_query = query.find("token");
  const std::string from_header(request["X-Dlaunch-Token"]);
  if (request.method() == http::verb::post) {
    if (!same_secret(from_header, token)) {
      return refuse(http::status::forbidden, "dlaunch ui: a POST needs the token in the X-Dlaunch-Token header");
    }
    return std::nullopt;
  }
  if (request.method() != http::verb::get) {
    return refuse(http::status::method_not_allowed, "dlaunch ui: only GET and POST");
  }
  if (from_query != query.end() && same_secret(from_query->second, token)) {
    set_cookie = true;
    return std::nullopt;
  }
  if (same_secret(from_header, token) ||
      same_secret(cookie_value(view(request[http::field::cookie]), cookie_name), token)) {
    return std::nullopt;
  }
  return refuse(http::status::forbidden,
                "dlaunch ui: open the URL `dlaunch ui` printed, with its ?token= (this request has no valid token)");
}

void Server::State::serve_connection(tcp::socket socket) {
  timeval timeout{kReadTimeoutSeconds, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  beast::flat_buffer buffer;
  beast::error_code error;
  while (true) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(kMaxRequestBytes);
    http::read(socket, buffer, parser, error);
    if (error) return;
    const auto& request = parser.get();
    bool set_cookie = false;
    auto refused = refusal(request, set_cookie);
    http::response<http::string_body> response;
    Reply reply;
    if (refused) {
      response = std::move(*refused);
    } else {
      const std::string_view target = view(request.target());
      const size_t question = target.find('?');
      Request mine{std::string(request.method_string()), decode_percent(target.substr(0, question)),
                   parse_query(question == std::string_view::npos ? "" : target.substr(question + 1))};
      reply = handler(mine);
      response = http::response<http::string_body>{static_cast<http::status>(reply.status), request.version()};
      response.set(http::field::content_type, reply.content_type);
      response.body() = std::move(reply.body);
      if (set_cookie) {
        response.set(http::field::set_cookie, cookie_name + "=" + token + "; Path=/; HttpOnly; SameSite=Strict");
      }
    }
    // The page runs only its own scripts, is never framed (a stop button under another site's clicks), and
    // nothing is taken for another content type than the one said.
    response.set("Content-Security-Policy",
                 "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
    response.set("X-Content-Type-Options", "nosniff");
    response.set("Referrer-Policy", "no-referrer");  // the token is in the page's URL
    response.set(http::field::cache_control, "no-store");
    if (reply.stream) {
      response.set(http::field::content_type, "text/event-stream");
      response.keep_alive(false);
      http::response_serializer<http::string_body> serializer(response);
      http::write_header(socket, serializer, error);
      if (error) return;
      SocketEventStream events(socket);
      reply.stream(events);
      return;
    }
    response.keep_alive(request.keep_alive());
    response.prepare_payload();
    http::write(socket, response, error);
    if (error || !response.keep_alive()) return;
  }
}

}  // namespace dlaunch::ui
