#include "ui/routes.hpp"

#include <dlaunch/core/orchestrator.hpp>
#include <dlaunch/core/job_document.hpp>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "cli.hpp"
#include <dlaunch/core/exit_codes.hpp>
#include <dlaunch/core/journaled_jobs.hpp>
#include "json_writer.hpp"
#include "ui/assets.hpp"

namespace dlaunch::ui {
namespace {

using Clock = std::chrono::steady_clock;
using Json = cli::CompactJson;

// How often event streams ask the platforms again: about the CLI's own wait interval.
constexpr auto kJobsInterval = std::chrono::seconds(2);
constexpr auto kStatusInterval = std::chrono::seconds(1);
constexpr auto kPlatformDeadline = std::chrono::milliseconds(1500);

// The fields of a status, inside an object the caller opened.
void status_fields(Json& json, const JobStatus& s) {
  json.field("state", state_name(s.state));
  json.field("exit_code", s.exit_code);
  json.field("restarts", static_cast<int64_t>(s.restarts));
  json.field("native_state", s.native_state);
  json.field("message", s.message);
  json.field("start_ms", s.start_time_ms);
  json.field("end_ms", s.end_time_ms);
  json.field("description", cli::describe_state(s));
}

Reply json_reply(std::string body, int status = 200) { return Reply{status, "application/json", std::move(body), {}}; }

Reply error_reply(const Error& failure) {
  Json json;
  json.w().StartObject();
  json.field("error", failure.message);
  json.field("exit_code", static_cast<int64_t>(exit_code_for(failure.code)));
  json.w().EndObject();
  const int status = failure.code == ErrorCode::kNotFound || failure.code == ErrorCode::kInvalidRequest ? 404 : 502;
  return json_reply(json.text(), status);
}

// Asks each platform of `jobs` for their states at once, each on its own thread with its own orchestrator (as
// `dlaunch list` asks: once per platform), and waits at most kPlatformDeadline: a platform that has not answered
// by then (an address that does not answer, a slow cluster) leaves its jobs unreachable, and never holds up the
// page. Its thread ends on its own; its answer is dropped.
void fill_states_within_deadline(const cli::GlobalOptions& global, std::vector<JournaledJob>& jobs) {
  struct Answers {
    std::mutex mutex;
    std::condition_variable changed;
    std::map<std::string, std::vector<JournaledJob>> by_platform;
  };
  auto answers = std::make_shared<Answers>();
  std::map<std::string, std::vector<JournaledJob>> questions;
  for (const auto& job : jobs) {
    if (!job.entry.native_id.empty()) questions[job.entry.platform].push_back(job);
  }
  for (auto& [platform, mine] : questions) {
    std::thread([answers, global, platform, mine = std::move(mine)]() mutable {
      if (auto orchestrator = cli::make_orchestrator(global)) {
        cli::print_warnings(fill_states(*orchestrator, mine));
      } else {
        for (auto& job : mine) job.state_unknown = true;
      }
      std::lock_guard lock(answers->mutex);
      answers->by_platform[platform] = std::move(mine);
      answers->changed.notify_all();
    }).detach();
  }
  std::unique_lock lock(answers->mutex);
  answers->changed.wait_for(lock, kPlatformDeadline, [&] { return answers->by_platform.size() == questions.size(); });
  std::map<std::string, const JournaledJob*> answered;
  for (const auto& [platform, mine] : answers->by_platform) {
    for (const auto& job : mine) answered[job.entry.submission_id] = &job;
  }
  for (auto& job : jobs) {
    if (job.entry.native_id.empty()) continue;
    auto it = answered.find(job.entry.submission_id);
    if (it == answered.end()) {
      job.state_unknown = true;
    } else {
      job.status = it->second->status;
      job.state_unknown = it->second->state_unknown;
    }
  }
}

// Every journaled job, newest first, with its state now.
std::string jobs_json(Orchestrator& orchestrator, const cli::GlobalOptions& global) {
  Json json;
  json.w().StartArray();
  auto entries = orchestrator.journal().entries();
  if (entries) {
    auto jobs = journaled_jobs(std::move(*entries));
    fill_states_within_deadline(global, jobs);
    for (const auto& job : jobs) {
      const JournalEntry& e = job.entry;
      json.w().StartObject();
      cli::journal_entry_fields(json, e);
      json.field("error", e.error);
      json.field("unreachable", job.state_unknown);
      if (job.status) status_fields(json, *job.status);
      json.w().EndObject();
    }
  }
  json.w().EndArray();
  return json.text();
}

// A job journaled before dlaunch kept documents: the document its spec file makes now for its platform, with
// its secrets as "***" as the journal keeps them (never the file's text, which may hold them in clear); empty
// when the file no longer makes a valid job.
std::string document_of_spec_now(Orchestrator& orchestrator, const JournalEntry& e) {
  if (e.spec_file.empty()) return "";
  ValidationReport report = orchestrator.validate_file(e.spec_file, e.platform, {});
  if (!report.prepared) return "";
  const PreparedJob& prepared = *report.prepared;
  return shown_job_document(prepared.job, prepared.options_json, prepared.platform->options());
}

Reply job_reply(Orchestrator& orchestrator, const JobHandle& handle) {
  auto entry = orchestrator.journal().find(handle.text());
  Json json;
  json.w().StartObject();
  json.field("handle", handle.text());
  json.field("platform", handle.platform);
  if (entry && *entry) {
    const JournalEntry& e = **entry;
    json.field("name", e.job_name);
    json.field("submission_id", e.submission_id);
    json.field("spec_file", e.spec_file);
    // The job as submitted: the document the platform was handed. Jobs journaled before dlaunch kept it have
    // only their spec file's name: the document of the file as it is now, which the page says.
    auto document = orchestrator.journal().document(e.submission_id);
    if (document && !document->empty()) {
      json.field("document", *document);
    } else {
      json.field("spec_document", document_of_spec_now(orchestrator, e));
    }
    json.field("options", e.options_json);
    json.field("created_ms", e.created_ms);
  }
  auto status = orchestrator.status(handle);
  if (status) {
    json.key("status");
    json.w().StartObject();
    status_fields(json, *status);
    json.w().EndObject();
  } else {
    json.field("status_error", status.error().message);
  }
  json.w().EndObject();
  return json_reply(json.text());
}

std::string plugins_json(Orchestrator& orchestrator) {
  Json json;
  json.w().StartArray();
  for (const auto& m : orchestrator.catalog().plugins()) {
    json.w().StartObject();
    json.field("id", m.id);
    json.field("version", m.version);
    json.field("description", m.description);
    json.key("options");
    json.w().StartArray();
    for (const auto& o : m.options) {
      json.w().StartObject();
      json.field("name", o.name);
      json.field("type", option_type_name(o.type));
      json.field("default", o.default_json);
      json.field("help", o.help);
      json.w().EndObject();
    }
    json.w().EndArray();
    json.w().EndObject();
  }
  json.w().EndArray();
  return json.text();
}

// Sends `make()` now and again whenever it changes, until the client goes or `done` says so.
void send_changes(EventStream& events, std::string_view event, Clock::duration interval,
                  const std::function<std::string()>& make, const std::function<bool(const std::string&)>& done) {
  std::string last;
  while (true) {
    std::string now = make();
    if (now != last && !events.send(event, now)) return;
    if (done(now)) return;
    last = std::move(now);
    std::this_thread::sleep_for(interval);
    // A quiet stream still writes, so that a client that left is noticed and its thread ends.
    if (!events.send("ping", "")) return;
  }
}

class Routes {
 public:
  explicit Routes(cli::GlobalOptions global) : global_(std::move(global)) {}

  Reply operator()(const Request& request) const {
    if (!request.path.starts_with("/api/")) return asset(request);
    auto orchestrator = cli::make_orchestrator(global_);
    if (!orchestrator) return error_reply(Error{ErrorCode::kInvalidArgument, "the configuration file is invalid"});
    const std::string& path = request.path;
    if (request.method == "GET" && path == "/api/jobs") return json_reply(jobs_json(*orchestrator, global_));
    if (request.method == "GET" && path == "/api/plugins") return json_reply(plugins_json(*orchestrator));
    if (request.method == "GET" && path == "/api/jobs/events") return jobs_events(std::move(orchestrator), global_);
    auto it = request.query.find("handle");
    if (!path.starts_with("/api/job/") || it == request.query.end()) return not_found();
    auto handle = parse_handle(it->second);
    if (!handle) return error_reply(handle.error());
    const std::string action = path.substr(9);
    if (request.method == "GET" && action == "info") return job_reply(*orchestrator, *handle);
    if (request.method == "GET" && action == "events") return job_events(std::move(orchestrator), *handle);
    if (request.method == "GET" && action == "logs") return logs(std::move(orchestrator), *handle);
    if (request.method == "POST" && (action == "stop" || action == "delete")) {
      auto done = action == "stop" ? orchestrator->stop(*handle) : orchestrator->delete_job(*handle);
      if (!done) return error_reply(done.error());
      std::fprintf(stderr, "dlaunch: %s %s (from the page)\n", action == "stop" ? "stopped" : "deleted",
                   handle->text().c_str());
      return json_reply("{\"ok\":true}");
    }
    return not_found();
  }

 private:
  static Reply not_found() { return Reply{404, "text/plain; charset=utf-8", "not found\n", {}}; }

  static Reply asset(const Request& request) {
    if (request.method != "GET") return not_found();
    const Asset* found = find_asset(request.path == "/" ? "/index.html" : request.path);
    if (found == nullptr) return not_found();
    return Reply{200, std::string(found->content_type), std::string(found->data), {}};
  }

  static Reply jobs_events(std::optional<Orchestrator> orchestrator, const cli::GlobalOptions& global) {
    auto shared = std::make_shared<Orchestrator>(std::move(*orchestrator));
    Reply reply;
    reply.stream = [shared, global](EventStream& events) {
      send_changes(events, "jobs", kJobsInterval, [&] { return jobs_json(*shared, global); },
                   [](const std::string&) { return false; });
    };
    return reply;
  }

  static Reply job_events(std::optional<Orchestrator> orchestrator, JobHandle handle) {
    auto shared = std::make_shared<Orchestrator>(std::move(*orchestrator));
    Reply reply;
    reply.stream = [shared, handle](EventStream& events) {
      bool terminal = false;
      send_changes(events, "job", kStatusInterval,
                   [&] {
                     auto status = shared->status(handle);
                     terminal = status && status->terminal();
                     return job_reply(*shared, handle).body;
                   },
                   [&](const std::string&) { return terminal; });
    };
    return reply;
  }

  // The job's output as the platform gives it (`dlaunch logs -f`), chunk by chunk, then "end".
  static Reply logs(std::optional<Orchestrator> orchestrator, JobHandle handle) {
    auto shared = std::make_shared<Orchestrator>(std::move(*orchestrator));
    Reply reply;
    reply.stream = [shared, handle](EventStream& events) {
      auto streamed = shared->logs(handle, true, [&](std::string_view chunk) { return events.send("log", chunk); });
      events.send("end", streamed ? "" : streamed.error().message);
    };
    return reply;
  }

  cli::GlobalOptions global_;
};

}  // namespace

Handler make_routes(const cli::GlobalOptions& global) { return Routes(global); }

}  // namespace dlaunch::ui
