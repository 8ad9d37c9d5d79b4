// A TCP proxy in front of Ray that drops answers: it forwards the first `cuts` requests that start with
// `request_prefix` to Ray, waits for Ray's answer, and then closes the client's connection without passing
// the answer on (so a submission becomes ambiguous, or a log poll fails). Every other request is forwarded
// normally. Loopback only; one request per connection.
//
// With Faults instead, it cuts or stalls any request at random: a dropped request is cut before Ray sees it
// or after Ray answered (half each: the client cannot tell which), a stalled one is held before it goes on.
// Faults::hold_posts_for holds every POST's answer after Ray gave it: a submit Ray has accepted whose client
// has not heard so yet, the window in which a killed dlaunch leaves an intent without a handle.
//
// hold_requests() makes it a head that stops answering at a known point: once an answer to a request whose
// line contains some text carried a marker (a job's output), every later such request is held, neither
// forwarded nor answered, until the proxy closes and its connection with it. wait_until_holding() tells a
// test that such a request is in flight, the moment to close the proxy (a head killed mid-request) or to let
// the client's own timeout run out (a head that never answers).
#ifndef DLAUNCH_TESTS_RAY_CUTTING_PROXY_HPP_
#define DLAUNCH_TESTS_RAY_CUTTING_PROXY_HPP_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace dlaunch::ray_test {

class CuttingProxy {
 public:
  struct Faults {
    double drop = 0;   // the odds that a request is dropped
    double stall = 0;  // the odds that a request is held for stall_for first
    std::chrono::milliseconds stall_for{0};
    unsigned seed = 1;
    std::chrono::milliseconds hold_posts_for{0};
    int listen_port = 0;  // 0: any free one; another proxy's port, to stand in for it once it is gone
  };

  explicit CuttingProxy(int upstream_port, std::string request_prefix = "POST /api/jobs/ ", int cuts = 1);
  CuttingProxy(int upstream_port, Faults faults);
  ~CuttingProxy();
  CuttingProxy(const CuttingProxy&) = delete;
  CuttingProxy& operator=(const CuttingProxy&) = delete;

  std::string address() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }
  // How many answers were cut, and how many requests were forwarded in all.
  int cut_count() const { return cuts_; }
  int stall_count() const { return stalls_; }
  int request_count() const { return requests_; }
  // The request lines seen, in order ("GET /api/version HTTP/1.1").
  std::vector<std::string> request_lines() const;
  // Holds every request whose line contains `line_part` from the first answer to one of them that contains
  // `answered`.
  void hold_requests(std::string line_part, std::string answered);
  // Whether a request is held within `deadline`.
  bool wait_until_holding(std::chrono::milliseconds deadline);

 private:
  CuttingProxy(int upstream_port, std::string request_prefix, int cuts, Faults faults);
  void accept_loop();
  void serve(int client);
  bool holds(const std::string& line);
  void note_answer(const std::string& line, const std::string& answer);
  void hold(int client);

  int upstream_port_;
  std::string request_prefix_;
  int cuts_wanted_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> matches_{0};  // requests that started with request_prefix
  std::atomic<int> cuts_{0};
  std::atomic<int> requests_{0};
  std::atomic<int> stalls_{0};
  mutable std::mutex lines_mutex_;
  std::vector<std::string> lines_;
  std::mutex hold_mutex_;
  std::condition_variable hold_changed_;
  std::string hold_line_part_;
  std::string hold_answered_;
  bool holding_ = false;  // an answer carried hold_answered_
  int held_ = 0;
  Faults faults_;
  std::mutex random_mutex_;
  std::mt19937 random_;
  std::thread acceptor_;
  std::mutex workers_mutex_;
  std::vector<std::thread> workers_;
};

}  // namespace dlaunch::ray_test

#endif  // DLAUNCH_TESTS_RAY_CUTTING_PROXY_HPP_
