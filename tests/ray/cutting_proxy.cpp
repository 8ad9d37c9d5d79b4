#include "cutting_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <utility>

namespace dlaunch::ray_test {
namespace {

constexpr int kIoTimeoutMs = 30000;

sockaddr_in loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

bool wait_readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, timeout_ms) > 0;
}

bool send_all(int fd, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

// Reads one HTTP request: the header block and a Content-Length body.
std::string read_request(int fd) {
  std::string data;
  char buffer[8192];
  size_t wanted = std::string::npos;
  while (data.size() < wanted) {
    if (!wait_readable(fd, kIoTimeoutMs)) break;
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    data.append(buffer, static_cast<size_t>(n));
    auto end = data.find("\r\n\r\n");
    if (wanted == std::string::npos && end != std::string::npos) {
      size_t length = 0;
      for (const char* name : {"Content-Length:", "content-length:"}) {
        if (auto at = data.find(name); at != std::string::npos && at < end) {
          length = std::strtoul(data.c_str() + at + std::string(name).size(), nullptr, 10);
        }
      }
      wanted = end + 4 + length;
    }
  }
  return data;
}

// Everything the peer sends until it closes.
std::string read_until_closed(int fd) {
  std::string data;
  char buffer[8192];
  while (wait_readable(fd, kIoTimeoutMs)) {
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    data.append(buffer, static_cast<size_t>(n));
  }
  return data;
}

}  // namespace

CuttingProxy::CuttingProxy(int upstream_port, Faults faults) : CuttingProxy(upstream_port, "", 0, faults) {}

CuttingProxy::CuttingProxy(int upstream_port, std::string request_prefix, int cuts)
    : CuttingProxy(upstream_port, std::move(request_prefix), cuts, Faults{}) {}

CuttingProxy::CuttingProxy(int upstream_port, std::string request_prefix, int cuts, Faults faults)
    : upstream_port_(upstream_port), request_prefix_(std::move(request_prefix)), cuts_wanted_(cuts),
      faults_(faults), random_(faults.seed) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address = loopback(faults.listen_port);
  socklen_t length = sizeof address;
  int reuse = 1;  // the port of a proxy that just closed is free again at once
  if (listener_ >= 0) ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof reuse);
  if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener_, 16) != 0 || ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("cannot listen on loopback");
  }
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

CuttingProxy::~CuttingProxy() {
  {
    std::lock_guard lock(hold_mutex_);
    stopping_ = true;
  }
  hold_changed_.notify_all();
  ::shutdown(listener_, SHUT_RDWR);
  acceptor_.join();
  ::close(listener_);
  std::lock_guard lock(workers_mutex_);
  for (auto& worker : workers_) worker.join();
}

std::vector<std::string> CuttingProxy::request_lines() const {
  std::lock_guard lock(lines_mutex_);
  return lines_;
}

void CuttingProxy::hold_requests(std::string line_part, std::string answered) {
  std::lock_guard lock(hold_mutex_);
  hold_line_part_ = std::move(line_part);
  hold_answered_ = std::move(answered);
}

bool CuttingProxy::wait_until_holding(std::chrono::milliseconds deadline) {
  std::unique_lock lock(hold_mutex_);
  return hold_changed_.wait_for(lock, deadline, [this] { return held_ > 0; });
}

bool CuttingProxy::holds(const std::string& line) {
  std::lock_guard lock(hold_mutex_);
  return holding_ && line.find(hold_line_part_) != std::string::npos;
}

void CuttingProxy::note_answer(const std::string& line, const std::string& answer) {
  std::lock_guard lock(hold_mutex_);
  if (!hold_line_part_.empty() && line.find(hold_line_part_) != std::string::npos &&
      answer.find(hold_answered_) != std::string::npos) {
    holding_ = true;
  }
}

void CuttingProxy::hold(int client) {
  std::unique_lock lock(hold_mutex_);
  ++held_;
  hold_changed_.notify_all();
  hold_changed_.wait(lock, [this] { return stopping_.load(); });
  ::close(client);  // the head is gone, and the connection with it
}

void CuttingProxy::accept_loop() {
  while (!stopping_) {
    if (!wait_readable(listener_, 100)) continue;
    int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    std::lock_guard lock(workers_mutex_);
    workers_.emplace_back([this, client] { serve(client); });
  }
}

void CuttingProxy::serve(int client) {
  std::string request = read_request(client);
  ++requests_;
  const std::string line = request.substr(0, request.find("\r\n"));
  {
    std::lock_guard lock(lines_mutex_);
    lines_.push_back(line);
  }
  if (holds(line)) return hold(client);
  enum class Fault { none, drop_before, drop_after, stall } fault = Fault::none;
  {
    std::lock_guard lock(random_mutex_);
    double draw = std::uniform_real_distribution<double>(0, 1)(random_);
    if (draw < faults_.drop / 2) {
      fault = Fault::drop_before;
    } else if (draw < faults_.drop) {
      fault = Fault::drop_after;
    } else if (draw < faults_.drop + faults_.stall) {
      fault = Fault::stall;
    }
  }
  if (fault == Fault::drop_before) {
    ++cuts_;
    ::close(client);  // Ray never sees it
    return;
  }
  if (fault == Fault::stall) {
    ++stalls_;
    std::this_thread::sleep_for(faults_.stall_for);  // the client may give up meanwhile; Ray still gets it
  }
  // One exchange per upstream connection: asking Ray to close makes the end of its answer plain.
  auto line_end = request.find("\r\n");
  if (line_end != std::string::npos) request.insert(line_end + 2, "Connection: close\r\n");
  int upstream = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address = loopback(upstream_port_);
  std::string answer;
  if (upstream >= 0 && ::connect(upstream, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      send_all(upstream, request)) {
    answer = read_until_closed(upstream);
  }
  if (upstream >= 0) ::close(upstream);
  if (fault == Fault::drop_after || (request.starts_with(request_prefix_) && matches_++ < cuts_wanted_)) {
    ++cuts_;
    ::close(client);  // Ray has answered; the client never hears it
    return;
  }
  if (request.starts_with("POST ")) std::this_thread::sleep_for(faults_.hold_posts_for);
  // The client may keep its connection alive: tell it this one ends here.
  send_all(client, answer);
  note_answer(line, answer);
  ::shutdown(client, SHUT_WR);
  ::close(client);
}

}  // namespace dlaunch::ray_test
