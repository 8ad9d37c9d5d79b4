#include "sweep_commands.hpp"


#include <cstdio>
#include <iostream>

#include <dlaunch/core/exit_codes.hpp>
#include "json_writer.hpp"

namespace dlaunch::cli {
namespace {

std::string values_text(const SweepPoint& point) {
  std::string text;
  for (const auto& [key, value] : point.values) text += (text.empty() ? "" : ", ") + key + "=" + value;
  return text;
}

// A job that did not succeed decides the exit code, the first by index.
struct Outcome {
  int exit_code = 0;
  void add(int code) {
    if (exit_code == 0) exit_code = code;
  }
};

// Each submitted job's final status, waited for in index order (a sweep ends when its last job does).
std::vector<std::optional<JobStatus>> wait_for_all(Orchestrator& orchestrator, const std::vector<JobHandle>& handles,
                                                    Outcome& outcome) {
  std::vector<std::optional<JobStatus>> statuses(handles.size());
  for (std::size_t i = 0; i < handles.size(); ++i) {
    if (handles[i].native_id.empty()) continue;
    auto status = wait_with_progress(orchestrator, handles[i]);
    if (!status) {
      outcome.add(report_job_failure(status.error(), handles[i]));
      if (status.error().code == ErrorCode::kCancelled) break;
      continue;
    }
    statuses[i] = *status;
    outcome.add(exit_code_of_job(*status));
  }
  return statuses;
}

}  // namespace


int run_sweep(Orchestrator& orchestrator, const SweepReport& sweep, OutputFormat format, bool dry_run, bool wait) {
  if (dry_run) {
    std::vector<std::pair<std::string, std::string>> texts;
    for (const SweepJob& job : sweep.jobs) {
      auto text = orchestrator.dry_run(job.prepared);
      if (!text) return report_failure(text.error());
      texts.emplace_back(job.prepared.job.name + " (" + values_text(job.point) + ")", *text);
    }
    if (format == OutputFormat::kJson) {
      JsonOut json;
      json.w().StartArray();
      for (std::size_t i = 0; i < texts.size(); ++i) {
        json.w().StartObject();
        json.field("name", sweep.jobs[i].prepared.job.name);
        json.field("platform", sweep.jobs[i].prepared.platform->id());
        json.field("request", texts[i].second);
        json.w().EndObject();
      }
      json.w().EndArray();
      return 0;
    }
    for (const auto& [title, text] : texts) {
      std::cout << "# " << title << "\n" << text;
      if (!text.empty() && text.back() != '\n') std::cout << "\n";
    }
    return 0;
  }

  std::vector<const PreparedJob*> prepared;
  for (const SweepJob& job : sweep.jobs) prepared.push_back(&job.prepared);
  const bool tty = terminal_takes_escape_codes();
  auto submitted = orchestrator.submit_all(prepared, [&](std::size_t done) {
    if (tty) std::fprintf(stderr, "\r\033[Kdlaunch: submitted %zu of %zu jobs", done, prepared.size());
  });
  if (tty) std::fprintf(stderr, "\r\033[K");
  Outcome outcome;
  std::vector<JobHandle> handles(sweep.jobs.size());
  for (std::size_t i = 0; i < sweep.jobs.size(); ++i) {
    if (!submitted[i]) {
      std::fprintf(stderr, "dlaunch: job %zu of the sweep (%s) was not submitted\n", i,
                   values_text(sweep.jobs[i].point).c_str());
      outcome.add(report_failure(submitted[i].error()));
      continue;
    }
    handles[i] = JobHandle{submitted[i]->platform, submitted[i]->native_id};
    std::fprintf(stderr, "dlaunch: submitted %s (%s)\n", submitted[i]->handle.c_str(),
                 values_text(sweep.jobs[i].point).c_str());
  }
  std::vector<std::optional<JobStatus>> statuses(handles.size());
  if (wait) statuses = wait_for_all(orchestrator, handles, outcome);
  if (format == OutputFormat::kJson) {
    JsonOut json;
    json.w().StartObject();
    json.field("sweep", sweep_handle(sweep.sweep_id));
    json.key("jobs");
    json.w().StartArray();
    for (std::size_t i = 0; i < sweep.jobs.size(); ++i) {
      json.w().StartObject();
      json.field("index", static_cast<int64_t>(i));
      json.field("name", sweep.jobs[i].prepared.job.name);
      json.key("values");
      json.w().StartObject();
      for (const auto& [key, value] : sweep.jobs[i].point.values) json.field(key, value);
      json.w().EndObject();
      if (submitted[i]) {
        json.field("handle", submitted[i]->handle);
        json.field("submission_id", submitted[i]->submission_id);
      } else {
        json.error(submitted[i].error());
      }
      if (statuses[i]) {
        json.field("state", state_name(statuses[i]->state));
        json.field("exit_code", statuses[i]->exit_code);
      }
      json.w().EndObject();
    }
    json.w().EndArray();
    json.w().EndObject();
    return outcome.exit_code;
  }
  for (std::size_t i = 0; i < handles.size(); ++i) {
    if (statuses[i]) std::fprintf(stderr, "dlaunch: %s %s\n", handles[i].text().c_str(), describe_state(*statuses[i]).c_str());
    if (!handles[i].native_id.empty()) std::printf("%s\n", handles[i].text().c_str());
  }
  std::printf("%s\n", sweep_handle(sweep.sweep_id).c_str());  // alone on the last line: scripts capture it
  return outcome.exit_code;
}

int sweep_status(Orchestrator& orchestrator, const std::string& sweep_id, OutputFormat format, bool wait) {
  auto entries = orchestrator.sweep_jobs(sweep_id);
  if (!entries) return report_failure(entries.error());
  Outcome outcome;
  std::vector<JobHandle> handles;
  for (const auto& e : *entries) handles.push_back(JobHandle{e.platform, e.native_id});
  std::vector<std::optional<JobStatus>> statuses(handles.size());
  if (wait) {
    statuses = wait_for_all(orchestrator, handles, outcome);
  } else {
    for (std::size_t i = 0; i < handles.size(); ++i) {
      if (handles[i].native_id.empty()) continue;
      auto status = orchestrator.status(handles[i]);
      if (status) statuses[i] = *status;
    }
  }
  for (std::size_t i = 0; i < handles.size(); ++i) {
    if (handles[i].native_id.empty()) outcome.add(1);  // its submit failed: it never ran
  }
  if (format == OutputFormat::kJson) {
    JsonOut json;
    json.w().StartArray();
    for (std::size_t i = 0; i < handles.size(); ++i) {
      if (statuses[i]) {
        json.status(*statuses[i], handles[i].platform);
        continue;
      }
      json.w().StartObject();
      json.field("submission_id", (*entries)[i].submission_id);
      json.field("name", (*entries)[i].job_name);
      json.key("state");
      json.w().Null();
      json.w().EndObject();
    }
    json.w().EndArray();
    return wait ? outcome.exit_code : 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 0; i < handles.size(); ++i) {
    const JournalEntry& e = (*entries)[i];
    const std::string state = statuses[i]                ? describe_state(*statuses[i])
                              : e.native_id.empty()      ? "(submit failed)"
                                                         : "?";
    rows.push_back({e.handle().empty() ? "(" + e.submission_id + ")" : e.handle(), e.job_name, state});
  }
  print_table({"HANDLE", "NAME", "STATE"}, rows);
  return wait ? outcome.exit_code : 0;
}

int sweep_stop(Orchestrator& orchestrator, const std::string& sweep_id) {
  auto entries = orchestrator.sweep_jobs(sweep_id);
  if (!entries) return report_failure(entries.error());
  Outcome outcome;
  for (const auto& e : *entries) {
    if (e.native_id.empty()) continue;
    const JobHandle handle{e.platform, e.native_id};
    if (auto stopped = orchestrator.stop(handle); !stopped) {
      outcome.add(report_failure(stopped.error()));
      continue;
    }
    std::cerr << "dlaunch: stopped " << handle.text() << "\n";
  }
  return outcome.exit_code;
}

}  // namespace dlaunch::cli
