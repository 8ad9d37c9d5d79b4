// dlaunch prune: forgets the finished jobs the journal holds that were submitted more than a duration ago, so
// that it keeps to the jobs still worth a handle. Only the journal changes; the platforms are asked, not told.
#include <dlaunch/core/journaled_jobs.hpp>
#include <dlaunch/core/orchestrator.hpp>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "cli.hpp"
#include <dlaunch/core/exit_codes.hpp>

namespace dlaunch::cli {
namespace {

constexpr const char* kDefaultAge = "30d";

// "90s", "30m", "12h", "7d", "2w": a whole number and one unit. Throws UsageError.
std::chrono::milliseconds parse_duration(const std::string& text) {
  struct Unit {
    char suffix;
    int64_t seconds;
  };
  static constexpr Unit kUnits[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}, {'w', 7 * 86400}};
  const auto bad = [&text] {
    return UsageError{"--older-than '" + text + "' is not a duration: a whole number and a unit, s, m, h, d or w "
                      "(e.g. 30d)"};
  };
  if (text.size() < 2) throw bad();
  int64_t count = 0;
  const char* number_end = text.data() + text.size() - 1;
  auto [end, error] = std::from_chars(text.data(), number_end, count);
  if (error != std::errc() || end != number_end || count < 0) throw bad();
  for (const Unit& unit : kUnits) {
    // Beyond a hundred years is no age a job has: refused rather than overflowing.
    if (text.back() == unit.suffix && count <= 100LL * 366 * 86400 / unit.seconds) {
      return std::chrono::seconds(count * unit.seconds);
    }
  }
  throw bad();
}

// A job worth keeping a handle for: its submit may have reached its platform (interrupted while submitting),
// it has not finished, or its platform could not say.
bool still_needed(const JournaledJob& job) {
  switch (job.entry.state) {
    case JournalEntry::State::kFailed:
      return false;  // never reached its platform
    case JournalEntry::State::kIntent:
      return true;
    case JournalEntry::State::kSubmitted:
      break;
  }
  if (job.state_unknown) return true;
  return job.status && !job.status->terminal();  // gone from its platform: finished there long ago
}

}  // namespace

int prune_command(const std::vector<std::string>& args) {
  std::string age = kDefaultAge;
  std::string platform;
  po::options_description options("Options");
  options.add_options()
      ("older-than", po::value(&age)->value_name("DURATION"),
       "only jobs submitted longer ago than this: a whole number and a unit, s, m, h, d or w (default 30d)")
      ("platform,p", po::value(&platform)->value_name("ID"), "only this platform's jobs");
  auto parsed = parse(args, options, {});
  if (parsed.help) {
    print_help("dlaunch prune [--older-than DURATION] [-p PLATFORM]", options);
    return 0;
  }
  const auto cutoff = std::chrono::system_clock::now() - parse_duration(age);
  auto orchestrator = make_orchestrator(parsed.global);
  if (!orchestrator) return exit_code_for(ErrorCode::kInvalidArgument);
  warn_about_refused_plugin_dirs(*orchestrator, parsed.global);

  JournalQuery query;
  query.platform = platform;
  query.created_before_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(cutoff.time_since_epoch()).count();
  auto entries = orchestrator->journal().entries(query);
  if (!entries) return report_failure(entries.error());
  std::vector<JournaledJob> jobs = journaled_jobs(std::move(*entries));
  print_warnings(fill_states(*orchestrator, jobs));
  std::vector<std::string> finished;
  for (const JournaledJob& job : jobs) {
    if (!still_needed(job)) finished.push_back(job.entry.submission_id);
  }
  auto removed = orchestrator->journal().erase(finished);
  if (!removed) return report_failure(removed.error());
  std::printf("removed %zu of the %zu jobs submitted more than %s ago", *removed, jobs.size(), age.c_str());
  if (*removed < jobs.size()) {
    std::printf(" (kept %zu: not finished, interrupted while submitting, or their state unknown)",
                jobs.size() - *removed);
  }
  std::printf("\n");
  return 0;
}

}  // namespace dlaunch::cli
