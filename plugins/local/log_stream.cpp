#include "log_stream.hpp"

#include <chrono>
#include <fstream>
#include <thread>

#include "job_control.hpp"

namespace dlaunch::local {
namespace {

constexpr auto kFollowInterval = std::chrono::milliseconds(100);

// Reads what the log gained since the last call and hands it on. False when `out` wants no more.
class LogTail {
 public:
  explicit LogTail(std::filesystem::path path) : path_(std::move(path)) {}

  bool forward_new_output(const sdk::TextOut& out) {
    if (!in_.is_open()) {
      in_.open(path_, std::ios::binary);  // the supervisor may not have created it yet
      if (!in_.is_open()) return true;
    }
    char buffer[16 * 1024];
    while (true) {
      in_.read(buffer, sizeof buffer);
      std::streamsize n = in_.gcount();
      if (n > 0 && !out.write(std::string_view(buffer, static_cast<size_t>(n)))) return false;
      if (n < static_cast<std::streamsize>(sizeof buffer)) break;
    }
    in_.clear();  // at end of file for now; the supervisor may append more
    return true;
  }

 private:
  std::filesystem::path path_;
  std::ifstream in_;
};

}  // namespace

void stream_logs(const JobPaths& paths, bool follow, const sdk::Host& host, const sdk::TextOut& out) {
  read_state(paths);  // a job that does not exist is an error, not an empty log
  LogTail tail(paths.combined_log());
  while (true) {
    // The supervisor records the end only after the last line is written: once the job is terminal, one more
    // read gets everything.
    bool ended = !follow || is_terminal(observe(paths).state);
    if (!tail.forward_new_output(out) || ended) return;
    host.check_cancelled();
    std::this_thread::sleep_for(kFollowInterval);
  }
}

}  // namespace dlaunch::local
