#include "plugins/conformance_find.hpp"

#include <dlaunch/plugin.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <functional>
#include <set>
#include <thread>

#include "support/random_id.hpp"

namespace dlaunch {
namespace {

struct Record {
  std::size_t struct_size = 0;
  bool has_submission_id = false;
  std::string submission_id;
  std::string native_id;
};

struct Answer {
  bool refused = false;  // it returned an error
  std::string message;   // the error's
  std::vector<Record> records;
};

bool collect(void* context, const dlaunch_job_status* s) {
  Record r;
  r.struct_size = s != nullptr ? s->struct_size : 0;
  if (s != nullptr && s->struct_size >= DLAUNCH_JOB_STATUS_SIZE_1_0 && s->native_id != nullptr) r.native_id = s->native_id;
  r.has_submission_id = s != nullptr && DLAUNCH_HAS_FIELD(dlaunch_job_status, s, submission_id) && s->submission_id != nullptr;
  if (r.has_submission_id) r.submission_id = s->submission_id;
  static_cast<std::vector<Record>*>(context)->push_back(std::move(r));
  return true;
}

Answer ask(const dlaunch_plugin_api* api, const std::vector<std::string>& ids, const std::string& options_json) {
  std::vector<const char*> pointers;
  for (const auto& id : ids) pointers.push_back(id.c_str());
  static const char* const kNone[] = {nullptr};  // an empty batch still gets a valid pointer
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count();
  dlaunch_find_args args{DLAUNCH_FIND_ARGS_SIZE_1_1, pointers.empty() ? kNone : pointers.data(), pointers.size(),
                         options_json.c_str(), now_ms};
  Answer answer;
  dlaunch_status_sink sink{DLAUNCH_STATUS_SINK_SIZE_1_0, &answer.records, &collect};
  if (dlaunch_error* error = api->find_submissions(&args, &sink)) {
    answer.refused = true;
    const char* message = api->error_message(error);
    answer.message = message != nullptr ? message : "";
    api->error_destroy(error);
  }
  return answer;
}

// How a call tried in a child process went: what it returned, or kNotTried (the child could not set it up),
// or kFailed (it never returned: detail says why).
enum class Outcome : char { kRefused, kAnswered, kRefusedWithoutMessage, kNotTried, kFailed };
struct Tried {
  Outcome outcome;
  std::string detail;  // for kFailed: it crashed, hung, or could not be tried
};

Outcome returned(const dlaunch_plugin_api* api, dlaunch_error* error) {
  if (error == nullptr) return Outcome::kAnswered;
  const char* message = api->error_message(error);
  return message != nullptr && *message != '\0' ? Outcome::kRefused : Outcome::kRefusedWithoutMessage;
}

// Runs `call` in a child process, so that a plugin that crashes or hangs there fails this check instead of
// ending the others. The child writes what the call returned into a pipe once it has returned: its exit
// status tells nothing, since a crash handler (AddressSanitizer's, or the plugin's own) may end the process
// by exiting instead of by the signal. A child that ends without having written it crashed in the call.
Tried try_in_child(const std::function<Outcome()>& call) {
  constexpr unsigned kSeconds = 10;
  int result[2];
  if (pipe2(result, O_CLOEXEC | O_NONBLOCK) != 0) {
    return {Outcome::kFailed, std::string("it could not be tried: no pipe: ") + std::strerror(errno)};
  }
  std::fflush(nullptr);  // nothing buffered is written twice
  const pid_t child = fork();
  if (child < 0) {
    const int error = errno;
    close(result[0]);
    close(result[1]);
    return {Outcome::kFailed, std::string("it could not be tried: cannot fork: ") + std::strerror(error)};
  }
  if (child == 0) {
    close(result[0]);
    const Outcome outcome = call();
    _exit(write(result[1], &outcome, 1) == 1 ? 0 : 1);
  }
  close(result[1]);
  // The parent keeps the time, not an alarm in the child: a plugin may block or catch SIGALRM.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(kSeconds);
  int status = 0;
  bool hung = false;
  while (true) {
    const pid_t ended = waitpid(child, &status, WNOHANG);
    if (ended == child || (ended < 0 && errno != EINTR)) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      hung = true;
      kill(child, SIGKILL);
      while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
      }
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // Read once the child has ended, without waiting: a process the plugin forked may still hold the pipe.
  Outcome outcome = Outcome::kFailed;
  const bool reported = read(result[0], &outcome, 1) == 1;
  close(result[0]);
  if (hung && !reported) return {Outcome::kFailed, "it did not return within " + std::to_string(kSeconds) + " s"};
  if (!reported) {
    if (WIFSIGNALED(status)) return {Outcome::kFailed, std::string("it crashed: ") + strsignal(WTERMSIG(status))};
    return {Outcome::kFailed, "it crashed: its process exited with status " + std::to_string(WEXITSTATUS(status)) +
                                  " before the call returned"};
  }
  if (outcome == Outcome::kNotTried) return {Outcome::kFailed, "it could not be tried"};
  return {outcome, ""};
}

// Empty when the call was refused with a message.
std::string refusal_failure(const Tried& tried) {
  switch (tried.outcome) {
    case Outcome::kRefused:
      return "";
    case Outcome::kAnswered:
      return "it returned no error";
    case Outcome::kRefusedWithoutMessage:
      return "its error has no message";
    case Outcome::kNotTried:
    case Outcome::kFailed:
      break;
  }
  return tried.detail;
}

bool ignore_record(void*, const dlaunch_job_status*) { return true; }

// A copy of the first `covered` bytes of `args`, its struct_size saying so, placed to end where an unreadable
// page begins: a plugin that reads a field beyond struct_size crashes. Null when the pages cannot be had.
// Only for a call in a child of try_in_child, which ends without unmapping them.
template <typename Args>
Args* cut_at_unreadable_page(const Args& args, std::size_t covered) {
  const long page = sysconf(_SC_PAGESIZE);
  auto* pages = static_cast<char*>(mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  if (pages == MAP_FAILED || mprotect(pages + page, page, PROT_NONE) != 0) return nullptr;
  auto* cut = reinterpret_cast<Args*>(pages + page - covered);
  std::memcpy(static_cast<void*>(cut), &args, covered);
  cut->struct_size = covered;
  return cut;
}

}  // namespace

std::vector<ConformanceCheck> check_find_submissions(const Platform& platform, const std::string& options_json) {
  std::vector<ConformanceCheck> checks;
  auto check = [&](std::string name, const std::string& failure, std::string passed_detail = {}) {
    checks.push_back(ConformanceCheck{"find_submissions " + std::move(name), failure.empty(),
                                      failure.empty() ? std::move(passed_detail) : failure});
  };
  const dlaunch_plugin_api* api = platform.table();
  const std::string asked = "dlaunch-conformance-never-submitted-" + random_suffix();
  const char* asked_ids[] = {asked.c_str()};
  dlaunch_status_sink sink{DLAUNCH_STATUS_SINK_SIZE_1_0, nullptr, &ignore_record};
  dlaunch_find_args args{DLAUNCH_FIND_ARGS_SIZE_1_1, asked_ids, 1, options_json.c_str(), 0};

  check("refuses NULL args with an error",
        refusal_failure(try_in_child([&] { return returned(api, api->find_submissions(nullptr, &sink)); })));
  check("refuses a NULL sink with an error",
        refusal_failure(try_in_child([&] { return returned(api, api->find_submissions(&args, nullptr)); })));
  // Args of a size without since_ms, ending where an unreadable page begins: reading since_ms crashes.
  // Answering without since_ms is allowed too: only reading past struct_size is wrong.
  const Tried short_args = try_in_child([&] {
    auto* cut = cut_at_unreadable_page(args, offsetof(dlaunch_find_args, since_ms));
    return cut == nullptr ? Outcome::kNotTried : returned(api, api->find_submissions(cut, &sink));
  });
  check("reads nothing beyond struct_size (args without since_ms)",
        short_args.outcome == Outcome::kAnswered ? "" : refusal_failure(short_args),
        short_args.outcome == Outcome::kAnswered ? "answered without since_ms" : "refused");

  const Answer empty = ask(api, {}, options_json);
  check("answers an empty batch with no record",
        !empty.records.empty()            ? std::to_string(empty.records.size()) + " records for no submission"
        : empty.refused && empty.message.empty() ? "an error without a message"
                                                 : "",
        empty.refused ? "cannot tell here: " + empty.message : "no record");
  const Answer unknown = ask(api, {asked}, options_json);
  check("reports no job for a submission it never saw",
        !unknown.records.empty()              ? "reported " + std::to_string(unknown.records.size()) + " records for " + asked
        : unknown.refused && unknown.message.empty() ? "an error without a message"
                                                     : "",
        unknown.refused ? "cannot tell here: " + unknown.message : "no record");

  std::vector<Record> records = empty.records;
  records.insert(records.end(), unknown.records.begin(), unknown.records.end());
  std::string small;
  std::string unasked;
  for (const Record& r : records) {
    if (r.struct_size < DLAUNCH_JOB_STATUS_SIZE_1_1) {
      small += (small.empty() ? "" : ", ") + std::to_string(r.struct_size) + " bytes";
    } else if (!r.has_submission_id || r.submission_id != asked || r.native_id.empty()) {
      unasked += (unasked.empty() ? "'" : ", '") + r.submission_id + "' (native id '" + r.native_id + "')";
    }
  }
  check("records are large enough to carry submission_id (DLAUNCH_JOB_STATUS_SIZE_1_1)",
        small.empty() ? "" : "records of " + small, std::to_string(records.size()) + " records");
  check("records name only submissions asked about, with a native id",
        unasked.empty() ? "" : "records for " + unasked, std::to_string(records.size()) + " records");
  return checks;
}

std::vector<ConformanceCheck> check_wait_for_change(const Platform& platform, const std::string& options_json) {
  std::vector<ConformanceCheck> checks;
  auto check = [&](std::string name, const std::string& failure, std::string passed_detail = {}) {
    checks.push_back(ConformanceCheck{"wait_for_change " + std::move(name), failure.empty(),
                                      failure.empty() ? std::move(passed_detail) : failure});
  };
  const dlaunch_plugin_api* api = platform.table();
  const std::string missing = "dlaunch-conformance-no-such-job-" + random_suffix();
  dlaunch_wait_args args{DLAUNCH_WAIT_ARGS_SIZE_1_2, missing.c_str(), options_json.c_str(), DLAUNCH_STATE_RUNNING, 0,
                         100};
  check("refuses NULL args with an error",
        refusal_failure(try_in_child([&] { return returned(api, api->wait_for_change(nullptr)); })));
  // Args of a size without timeout_ms, ending where an unreadable page begins: reading timeout_ms crashes.
  const Tried short_args = try_in_child([&] {
    auto* cut = cut_at_unreadable_page(args, offsetof(dlaunch_wait_args, timeout_ms));
    return cut == nullptr ? Outcome::kNotTried : returned(api, api->wait_for_change(cut));
  });
  check("reads nothing beyond struct_size (args without timeout_ms)",
        short_args.outcome == Outcome::kAnswered ? "" : refusal_failure(short_args),
        short_args.outcome == Outcome::kAnswered ? "answered without timeout_ms" : "refused");
  // A wait on nothing would last until its timeout, and again after each status: the job's absence is said.
  check("on an unknown job is a well-formed error",
        refusal_failure(try_in_child([&] { return returned(api, api->wait_for_change(&args)); })));
  return checks;
}

}  // namespace dlaunch
