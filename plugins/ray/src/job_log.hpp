// A Ray job's log as the user wants it: the job's own output. Ray writes its own lines into every job's
// log: "2026-12-01 18:06:18,997<TAB>INFO job_manager.py:581 -- Runtime env is setting up." at the top (with
// the runtime_env's set-up), and "Running entrypoint for job ID: ENTRYPOINT", which its job supervisor
// buffers while the entrypoint already writes to the same file, so it lands after the job's first lines.
#ifndef DLAUNCH_RAY_JOB_LOG_HPP_
#define DLAUNCH_RAY_JOB_LOG_HPP_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace dlaunch::ray {

// The job's output from its log as the log is read: the log's bytes go in once each, in pieces of any size,
// and what is known to be the job's output comes out. Left out: the leading lines in Ray's log format, and
// the "Running entrypoint for job `id`: ..." line wherever it is (from the marker to the line's end). What
// comes out is never taken back, so `logs -f` prints it as it comes; memory stays bounded (kMaxHeld) however
// long a line is.
class JobOutput {
 public:
  // The most of a line held back while it may still become one of Ray's (a longer one is the job's).
  static constexpr size_t kMaxHeld = 64 * 1024;

  JobOutput(std::string_view id, std::function<bool(std::string_view)> out);
  // The log's next bytes. False when `out` wants no more.
  bool write(std::string_view log);
  // The log read so far is all there is for now: lets out the unfinished last line too, unless it may still
  // become one of Ray's lines (a leading line that starts with a digit, a part that may be the marker).
  bool flush();
  // The log is whole (the job ended): lets out all that is held but Ray's lines.
  bool finish();

 private:
  bool end_line();
  bool release(bool whole);
  bool emit(std::string_view text);
  bool send();

  std::string marker_;
  std::function<bool(std::string_view)> out_;
  bool leading_ = true;        // still in the leading lines in Ray's format
  bool marker_done_ = false;   // the "Running entrypoint" line was left out
  bool dropping_ = false;      // leaving out the rest of that line
  bool line_started_ = false;  // part of the current line went out already
  std::string line_;           // the current line's bytes held back
  std::string ready_;          // output not yet sent
};

// The whole log so far at once: what JobOutput lets out of it, flushed.
std::string job_output(std::string_view log, std::string_view id);

}  // namespace dlaunch::ray

#endif  // DLAUNCH_RAY_JOB_LOG_HPP_
