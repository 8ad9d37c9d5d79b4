// dlaunch list: the jobs this machine's journal holds, each with its state from its platform; or (-p) every
// job a platform shows. Newest first, filtered by --state, at most --limit, in columns as wide as their names.
#include <dlaunch/core/did_you_mean.hpp>
#include <dlaunch/core/journaled_jobs.hpp>
#include <dlaunch/core/orchestrator.hpp>

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "cli.hpp"
#include <dlaunch/core/exit_codes.hpp>
#include "json_writer.hpp"
#include "sweep_commands.hpp"

namespace dlaunch::cli {
namespace {

// Text is for a person: a screenful of the newest jobs, the terminal's height less the header, the note on
// what was left out and the next prompt; 20 when stdout is no terminal or it does not say its height, so that
// `dlaunch list | less` over a long journal stays as quick and small as on the terminal. JSON is for scripts:
// every job.
std::optional<size_t> default_limit(OutputFormat format) {
  if (format != OutputFormat::kText) return std::nullopt;
  constexpr size_t kNoHeight = 20, kAtLeast = 5;
  winsize size{};
  if (::isatty(STDOUT_FILENO) == 0 || ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) != 0 || size.ws_row == 0) {
    return kNoHeight;
  }
  return std::max<size_t>(size.ws_row > 3 ? size.ws_row - 3 : 0, kAtLeast);
}

constexpr JobState kStates[] = {JobState::kPending, JobState::kRunning, JobState::kSucceeded,
                                JobState::kFailed,  JobState::kStopped, JobState::kUnknown};

// --state running,failed: a set of states, any case.
std::set<JobState> parse_states(const std::vector<std::string>& values) {
  std::vector<std::string> names;
  for (JobState s : kStates) names.push_back(state_name(s));
  std::set<JobState> states;
  for (const auto& value : values) {
    std::stringstream list(value);
    for (std::string word; std::getline(list, word, ',');) {
      std::string upper = word;
      std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
      auto it = std::find(names.begin(), names.end(), upper);
      if (it == names.end()) {
        std::string hint = did_you_mean(upper, names);
        throw UsageError{"--state '" + word + "' is not a state (" + "PENDING, RUNNING, SUCCEEDED, FAILED, STOPPED, " +
                         "UNKNOWN)" + (hint.empty() ? "" : "; " + hint)};
      }
      states.insert(kStates[it - names.begin()]);
    }
  }
  return states;
}

std::optional<size_t> parse_limit(const po::variables_map& values, OutputFormat format) {
  auto limit = count_option(values, "limit");
  if (!limit) return default_limit(format);
  return *limit == 0 ? std::nullopt : limit;
}

// Keeps the first `limit` of `rows`; returns how many there were.
template <class T>
size_t apply_limit(std::vector<T>& rows, std::optional<size_t> limit) {
  const size_t total = rows.size();
  if (limit && rows.size() > *limit) rows.resize(*limit);
  return total;
}

// Says on stderr, after the table, how many jobs were left out, so a person knows there is more.
void note_left_out(size_t shown, size_t total) {
  if (shown == total) return;
  std::fprintf(stderr, "dlaunch: the newest %zu of %zu jobs shown (--limit N shows more, --limit 0 all)\n", shown,
               total);
}

std::string state_cell(const JournaledJob& job) {
  switch (job.entry.state) {
    case JournalEntry::State::kFailed:
      return "(submit failed)";
    case JournalEntry::State::kIntent:
      return "(submitting)";
    case JournalEntry::State::kSubmitted:
      break;
  }
  if (job.state_unknown) return "?";
  return job.status ? describe_state(*job.status) : "(gone)";
}

// The journal's jobs are streamed, never all held: each is read, given its state and written out on its own
// (text reads them twice, on one snapshot of the journal: to size the columns, then to print them), so that
// `--limit 0` over 100,000 jobs takes the memory of a screenful. The listing is the core's, as dl_list's.
int list_journal(Orchestrator& orchestrator, const std::set<JobState>& states, std::optional<size_t> limit,
                 OutputFormat format) {
  Journal& journal = orchestrator.journal();
  JournalListQuery query;
  query.states = states;
  query.limit = limit;
  auto listing = JournalListing::open(orchestrator, query);
  if (!listing) return report_failure(listing.error());
  print_warnings(listing->warnings());
  if (format == OutputFormat::kJson) {
    JsonStreamOut json;
    json.w().StartArray();
    auto listed = listing->each_shown([&](const JournaledJob& j) {
      const JournalEntry& e = j.entry;
      json.w().StartObject();
      journal_entry_fields(json, e);
      json.key("state");
      if (j.status) {
        json.string(state_name(j.status->state));
      } else {
        json.w().Null();
      }
      json.field("spec_file", e.spec_file);
      if (!e.error.empty()) json.field("error", e.error);
      json.w().EndObject();
    });
    json.w().EndArray();
    if (listed) return 0;
    // The array is out already: stdout keeps one JSON document, and the failure goes to stderr.
    std::cerr << "dlaunch: error: " << listed.error().message << "\n";
    return exit_code_for(listed.error().code);
  }
  auto cells = [](const JournaledJob& j) -> std::vector<std::string> {
    const JournalEntry& e = j.entry;
    const auto sweep = sweep_of_submission(e.submission_id);
    return {e.handle().empty() ? "(" + e.submission_id + ")" : e.handle(), e.job_name, state_cell(j),
            format_time(e.created_ms), sweep ? sweep_handle(*sweep) : "-"};
  };
  // The jobs of a sweep say which one, in a column shown only when a row is in one.
  Table table({"HANDLE", "NAME", "STATE", "SUBMITTED", "SWEEP"});
  size_t shown = 0, total = 0;
  auto listed = journal.read_snapshot([&]() -> Result<void> {
    bool any_sweep = false;
    auto measured = listing->each_shown([&](const JournaledJob& j) {
      any_sweep = any_sweep || sweep_of_submission(j.entry.submission_id).has_value();
      table.measure(cells(j));
    });
    if (!measured) return std::unexpected(measured.error());
    total = *measured;
    if (!any_sweep) table.drop_last_column();
    table.print_header();
    auto printed = listing->each_shown([&](const JournaledJob& j) {
      table.print(cells(j));
      ++shown;
    });
    if (!printed) return std::unexpected(printed.error());
    return {};
  });
  table.flush();
  if (!listed) return report_failure(listed.error());
  note_left_out(shown, total);
  return 0;
}

int list_platform(Orchestrator& orchestrator, const std::string& platform, const std::set<JobState>& states,
                  std::optional<size_t> limit, OutputFormat format) {
  auto jobs = orchestrator.list(platform);
  if (!jobs) return report_failure(jobs.error());
  if (!states.empty()) std::erase_if(*jobs, [&](const JobStatus& s) { return !states.contains(s.state); });
  const size_t total = apply_limit(*jobs, limit);
  if (format == OutputFormat::kJson) {
    JsonOut json;
    json.w().StartArray();
    for (const auto& s : *jobs) json.status(s, platform);
    json.w().EndArray();
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : *jobs) {
    rows.push_back({platform + ":" + s.native_id, s.name.empty() ? "-" : s.name, describe_state(s),
                    format_time(s.start_time_ms), s.submitted_by_dlaunch ? "yes" : "-"});
  }
  print_table({"HANDLE", "NAME", "STATE", "STARTED", "DLAUNCH"}, rows);
  note_left_out(jobs->size(), total);
  return 0;
}

}  // namespace

int list_command(const std::vector<std::string>& args) {
  std::string platform;
  std::vector<std::string> state_values;
  po::options_description options("Options");
  options.add_options()
      ("platform,p", po::value(&platform)->value_name("ID"),
       "every job this platform shows (default: the jobs this machine's journal holds)")
      ("state", po::value(&state_values)->composing()->value_name("STATE[,STATE]"),
       "only jobs in these states: PENDING, RUNNING, SUCCEEDED, FAILED, STOPPED, UNKNOWN (repeatable)")
      ("limit", po::value<std::string>()->value_name("N"),
       "at most the N newest jobs; 0 for all (default: text a screenful, json all)");
  add_output_option(options);
  add_platform_set_option(options);
  auto parsed = parse(args, options, {});
  if (parsed.help) {
    print_help("dlaunch list [-p PLATFORM [--set platform.ID.OPTION=VALUE]...] [--state STATE]... [--limit N]\n"
               "                    [--output text|json]",
               options);
    return 0;
  }
  const OutputFormat format = output_format(parsed.values);
  const std::set<JobState> states = parse_states(state_values);
  const std::optional<size_t> limit = parse_limit(parsed.values, format);
  const auto option_overrides = platform_set_values(parsed.values);
  if (platform.empty() && !option_overrides.empty()) {
    throw UsageError{"--set is for the platform that -p names; the journal needs none"};
  }
  auto orchestrator = make_orchestrator(parsed.global, option_overrides);
  if (!orchestrator) return exit_code_for(ErrorCode::kInvalidArgument);
  // Intents a killed dlaunch left are settled first (JournalListing does for the journal), so each job shows
  // with its handle, or not at all. A platform that cannot be asked now leaves them for the next list.
  if (platform.empty()) return list_journal(*orchestrator, states, limit, format);
  (void)orchestrator->resolve_intents(platform);
  warn_about_refused_plugin_dirs(*orchestrator, parsed.global);
  return list_platform(*orchestrator, platform, states, limit, format);
}

}  // namespace dlaunch::cli
