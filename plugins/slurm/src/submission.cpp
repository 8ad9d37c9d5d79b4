#include "submission.hpp"

#include "batch_script.hpp"
#include "job_record.hpp"

#include <dlaunch/secrets.hpp>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdlib>

namespace dlaunch::slurm {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// Whether the user's own job properties (platform.slurm.extra) set `key`: theirs wins.
bool extra_sets(const SchedulingOptions& options, const char* key) {
  rapidjson::Document extra;
  extra.Parse(options.extra_json.c_str());
  return extra.IsObject() && extra.HasMember(key);
}

// Writes the job properties; a template over the writer so dry runs can pretty-print the same code path.
template <class JsonWriter>
void write_job(JsonWriter& w, const Submission& in) {
  const sdk::Job& job = in.job;
  const SchedulingOptions& options = in.options;
  const Allocation& allocation = in.allocation;
  auto string = [&](const char* key, const std::string& value) {
    w.Key(key);
    w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  };
  auto optional_string = [&](const char* key, const std::string& value) {
    if (!value.empty()) string(key, value);
  };
  auto integer = [&](const char* key, int64_t value) {
    w.Key(key);
    w.Int64(value);
  };

  w.StartObject();
  string("name", job.name);
  string("comment", dlaunch_comment(in.submission_id, job.labels, job.start_timeout));
  string("current_working_directory", job.working_dir);
  w.Key("environment");
  w.StartObject();
  sdk::StringMap environment = in.inherited_env;
  for (const auto& [name, value] : job.env) environment[name] = value;
  environment["DLAUNCH_JOB"] = job.name;
  for (const auto& [name, value] : environment) string(name.c_str(), value);
  w.EndObject();
  string("standard_output", output_file_pattern(options.output_dir, job.name));
  // Append: a requeued attempt adds to the same file instead of replacing the earlier attempts' output.
  string("open_mode", "append");
  w.Key("requeue");
  w.Bool(job.failover.max_restarts > 0);
  // [min, max]: Slurm starts the job on as many nodes of that range as it can give (min_replicas).
  w.Key("nodes");
  w.StartArray();
  w.Int64(allocation.min_nodes);
  w.Int64(allocation.nodes);
  w.EndArray();
  // One slot per node holding every role's CPUs; the roles' steps divide them (allocation.hpp).
  // An elastic job leaves the task count to the node count Slurm gives (one task per node): a count of
  // tasks would fix the nodes.
  if (allocation.min_nodes == allocation.nodes) integer("tasks", allocation.nodes);
  integer("tasks_per_node", 1);
  integer("cpus_per_task", allocation.cpus_per_node);
  if (allocation.memory_mib_per_node > 0) integer("memory_per_node", allocation.memory_mib_per_node);
  if (allocation.gpus_per_node > 0) string("gres", "gpu:" + std::to_string(allocation.gpus_per_node));
  // priority: "low" is a nice value (any user may lower their job's priority); "high" is refused at
  // validation (only Slurm's operators may set a negative nice; sites raise priority with a QOS).
  if (job.priority == "low" && !extra_sets(options, "nice")) integer("nice", kLowPriorityNice);
  optional_string("partition", options.partition);
  optional_string("account", options.account);
  optional_string("qos", options.qos);
  optional_string("reservation", options.reservation);
  optional_string("constraints", options.constraint);
  if (options.time_limit_minutes) integer("time_limit", *options.time_limit_minutes);
  // v0.0.38 takes the words of sbatch's --exclusive[=user|mcs] here and refuses a boolean, or "true".
  if (options.exclusive) string("exclusive", "exclusive");
  rapidjson::Document extra;
  extra.Parse(options.extra_json.c_str());
  for (const auto& member : extra.GetObject()) {
    w.Key(member.name.GetString(), member.name.GetStringLength());
    member.value.Accept(w);
  }
  w.EndObject();
}

template <class JsonWriter>
std::string write_body(const Submission& in, JsonWriter& w, rapidjson::StringBuffer& buffer) {
  w.StartObject();
  w.Key("script");
  w.String(in.script.c_str(), static_cast<rapidjson::SizeType>(in.script.size()));
  w.Key("job");
  write_job(w, in);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

Submission prepare_submission(std::string_view job_json, std::string_view submission_id,
                              sdk::StringMap inherited_env, Purpose purpose) {
  Submission submission;
  submission.job = sdk::parse_job(job_json);
  if (purpose == Purpose::kShow) {
    sdk::mask_secret_env(submission.job);
    sdk::mask_secret_values(inherited_env);
  }
  submission.submission_id = std::string(submission_id);
  submission.options = read_scheduling_options(submission.job.platform, submission.job.working_dir);
  submission.allocation = plan_allocation(submission.job);
  submission.script =
      batch_script(submission.job, submission.allocation,
                   {submission.submission_id, output_file_stem(submission.options.output_dir, submission.job.name)});
  submission.inherited_env = std::move(inherited_env);
  return submission;
}

std::string submission_body(const Submission& input, bool pretty) {
  rapidjson::StringBuffer buffer;
  if (pretty) {
    rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
    writer.SetIndent(' ', 2);
    return write_body(input, writer, buffer);
  }
  Writer writer(buffer);
  return write_body(input, writer, buffer);
}

sdk::StringMap inherited_environment() {
  sdk::StringMap env;
  for (const char* name : {"PATH", "LANG", "LC_ALL"}) {
    if (const char* value = std::getenv(name); value != nullptr) env[name] = value;
  }
  if (env.find("PATH") == env.end()) env["PATH"] = "/usr/local/bin:/usr/bin:/bin";
  return env;
}

std::string output_file_stem(const std::string& output_dir, const std::string& job_name) {
  // '/' would leave the directory and '%' starts one of Slurm's file name patterns: neither may pass.
  std::string safe_name = job_name;
  for (char& c : safe_name) {
    if (c == '/' || c == '%') c = '_';
  }
  return output_dir + "/" + safe_name;
}

std::string output_file_pattern(const std::string& output_dir, const std::string& job_name) {
  return output_file_stem(output_dir, job_name) + "-%j.out";
}

}  // namespace dlaunch::slurm
