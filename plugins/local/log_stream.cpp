#include "log_stream.hpp"

#include <chrono>
#include <fstream>
#include <optional>

#include "job_control.hpp"
#include "job_watch.hpp"

namespace dlaunch::local {
namespace {

// How long a follow waits for a change of the job's files before it looks for Ctrl-C again (the ABI asks for
// 250 ms at most), and looks again at a job whose supervisor may have died without a word.
constexpr auto kCancelCheck = std::chrono::milliseconds(100);

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
  // Set up before the first read, so that nothing written after it goes unnoticed.
  std::optional<JobWatch> watch;
  if (follow) watch.emplace(paths, JobWatch::Files::kStateAndLogs);
  while (true) {
    // The supervisor records the end only after the last line is written: once the job is terminal, one more
    // read gets everything.
    bool ended = !follow || is_terminal(observe(paths).state);
    if (!tail.forward_new_output(out) || ended) return;
    host.check_cancelled();
    watch->wait_for_change(kCancelCheck);
  }
}

}  // namespace dlaunch::local
