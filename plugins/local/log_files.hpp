// The supervisor's log writers: each replica's own file, and the combined log where every complete line of
// every replica appears as "[role/rank] line" in the order lines arrive (what `dlaunch logs` prints).
#ifndef DLAUNCH_LOCAL_LOG_FILES_HPP_
#define DLAUNCH_LOCAL_LOG_FILES_HPP_

#include <filesystem>
#include <string>
#include <string_view>

namespace dlaunch::local {

// An append-only file, written through without buffering so that a follower sees every line at once.
class AppendFile {
 public:
  explicit AppendFile(const std::filesystem::path& path);  // throws sdk::Error(INTERNAL)
  ~AppendFile();
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;
  AppendFile(AppendFile&& other) noexcept;
  AppendFile& operator=(AppendFile&&) = delete;

  // Best effort: a full disk must not bring the job down, so errors are ignored.
  void write(std::string_view data) const;

 private:
  int fd_;
};

class CombinedLog {
 public:
  explicit CombinedLog(const std::filesystem::path& path) : file_(path) {}
  void line(std::string_view label, std::string_view text) const;
  // A line of dlaunch's own, e.g. why the job restarts: "[dlaunch] ...".
  void note(std::string_view text) const { line("dlaunch", text); }

 private:
  AppendFile file_;
};

// One replica's output: kept as is in its own file, and split into lines for the combined log.
class ReplicaLog {
 public:
  ReplicaLog(const std::filesystem::path& path, std::string label) : file_(path), label_(std::move(label)) {}

  void append(std::string_view data, const CombinedLog& combined);
  // Writes a last line that had no newline.
  void finish(const CombinedLog& combined);
  // A line dlaunch adds about this replica (e.g. that it could not start), in both logs.
  void note(std::string_view text, const CombinedLog& combined);

 private:
  AppendFile file_;
  std::string label_;
  std::string partial_line_;
};

}  // namespace dlaunch::local

#endif  // DLAUNCH_LOCAL_LOG_FILES_HPP_
