// Test support: run a program to completion and capture what it printed. Shared by every test that drives
// the built dlaunch binary or a helper script.
#ifndef DLAUNCH_TESTS_SUPPORT_PROCESS_HPP_
#define DLAUNCH_TESTS_SUPPORT_PROCESS_HPP_

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace dlaunch::test {

struct ProcessResult {
  int exit_code = -1;  // 128 + signal when killed by a signal
  bool timed_out = false;
  std::string out;
  std::string err;
  long peak_rss_kib = 0;  // the most the child held resident at once (its ru_maxrss)
};

struct ProcessOptions {
  std::map<std::string, std::string> env;  // added to (or replacing in) the test's own environment
  std::string working_dir;                 // empty: the test's own
  std::string input;                       // written to the child's stdin, then closed
  std::chrono::milliseconds timeout{std::chrono::seconds(120)};
};

// Runs argv[0] (looked up in PATH when it has no '/') with the given arguments. On timeout the whole
// process group is killed and timed_out is set.
ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// The path of the built dlaunch binary (from the build system).
std::string dlaunch_binary();

// Runs the built dlaunch with `args`.
ProcessResult run_dlaunch(const std::vector<std::string>& args, const ProcessOptions& options = {});

// A fresh temporary directory, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  // Writes `content` to path()/name (creating parent directories) and returns the full path.
  std::string write(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

// The last non-empty line of `text` (run's handle line).
std::string last_line(const std::string& text);

// The entries of `directory`; 0 when there is no such directory.
std::size_t entries_in(const std::filesystem::path& directory);

// The shortest of `times` runs of `once` here: the span a test draws the moments of its random kills from.
template <class Once>
std::chrono::steady_clock::duration quickest_of(int times, Once once) {
  auto quickest = std::chrono::steady_clock::duration::max();
  for (int i = 0; i < times; ++i) {
    const auto started = std::chrono::steady_clock::now();
    once();
    quickest = std::min(quickest, std::chrono::steady_clock::now() - started);
  }
  return quickest;
}

}  // namespace dlaunch::test

#endif  // DLAUNCH_TESTS_SUPPORT_PROCESS_HPP_
