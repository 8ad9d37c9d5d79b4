// The HTTP server of `dlaunch ui` (Boost.Beast, synchronous, a thread per connection): it alone speaks HTTP
// and enforces what keeps the page private to the user who started it (docs/ui.md#security):
//   - a random token, from the printed URL (?token=), then from a cookie set on that first visit; a request
//     without it is refused (403);
//   - the Host header must name this server's address (localhost, 127.0.0.1, [::1] or the bound one, with its
//     port): a DNS-rebound name is refused (403);
//   - no CORS header is ever sent, so other origins cannot read answers;
//   - GET changes nothing; a POST must carry the token in the X-Dlaunch-Token header, which a cross-site form
//     cannot set, so the cookie alone never stops a job.
#ifndef APPS_UI_SERVER_HPP_
#define APPS_UI_SERVER_HPP_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace dlaunch::ui {

struct Request {
  std::string method;  // "GET", "POST"
  std::string path;    // without the query
  std::map<std::string, std::string> query;
};

// A Server-Sent Events stream to one client.
class EventStream {
 public:
  virtual ~EventStream() = default;
  // Sends one event; false once the client is gone, which ends the stream.
  virtual bool send(std::string_view event, std::string_view data) = 0;
};

struct Reply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Set for an event stream: called on the connection's thread, it sends until it returns.
  std::function<void(EventStream&)> stream;
};

using Handler = std::function<Reply(const Request&)>;

struct ServerSettings {
  std::string address = "127.0.0.1";
  unsigned short port = 0;  // 0: a free one
};

class Server {
 public:
  // Binds now, so that the port is known (and a port in use is an error here). Throws std::runtime_error.
  Server(const ServerSettings& settings, std::string token, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  unsigned short port() const;
  // "http://127.0.0.1:PORT/?token=TOKEN": what the user opens.
  std::string url() const;
  // Serves until `stop_requested` returns true (it is asked a few times a second).
  void serve(const std::function<bool()>& stop_requested);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace dlaunch::ui

#endif  // APPS_UI_SERVER_HPP_
