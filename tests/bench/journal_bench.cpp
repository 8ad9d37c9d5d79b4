// The journal's share of a submit, timed inside one process per submit as dlaunch does it (open the journal,
// write the intent, write the native id, close), and a writer for the concurrency check. Run by
// scripts/bench.sh journal; never a timed test.
//   dlaunch_journal_bench submit DIR RUNS    prints the median, mean, 90th percentile and worst of RUNS submits
//   dlaunch_journal_bench write DIR PREFIX N  writes N submits (intent, then submitted), ids PREFIX-0 ...
#include <dlaunch/core/journal.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

using dlaunch::Journal;
using dlaunch::JournalEntry;

// What Orchestrator::submit writes, twice.
bool submit(Journal& journal, const std::string& id) {
  JournalEntry entry;
  entry.submission_id = id;
  entry.platform = "local";
  entry.job_name = "bench";
  entry.spec_file = "/bench/job.toml";
  entry.options_json = R"({"stop_grace_seconds":10})";
  if (!journal.put(entry)) return false;
  entry.state = JournalEntry::State::kSubmitted;
  entry.native_id = id + "-1a2b3c";
  return journal.put(entry).has_value();
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "submit" && argc == 4) {
    const int runs = std::atoi(argv[3]);
    std::vector<double> ms;
    for (int i = 0; i < runs; ++i) {
      const auto start = std::chrono::steady_clock::now();
      {
        Journal journal(argv[2]);  // a new connection each time, as each dlaunch process opens its own
        if (!submit(journal, "bench-" + std::to_string(std::rand()) + "-" + std::to_string(i))) return 1;
      }
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(ms.begin(), ms.end());
    double total = 0;
    for (const double one : ms) total += one;
    std::printf("journal share of a submit (open, intent, native id, close), %d runs: median %.3f ms, "
                "mean %.3f ms, p90 %.3f ms, worst %.3f ms\n",
                runs, ms[ms.size() / 2], total / runs, ms[ms.size() * 9 / 10], ms.back());
    return 0;
  }
  if (mode == "write" && argc == 5) {
    Journal journal(argv[2]);
    const int count = std::atoi(argv[4]);
    for (int i = 0; i < count; ++i) {
      if (!submit(journal, std::string(argv[3]) + "-" + std::to_string(i))) return 1;
    }
    return 0;
  }
  std::fprintf(stderr, "usage: dlaunch_journal_bench submit DIR RUNS | write DIR PREFIX COUNT\n");
  return 64;
}
