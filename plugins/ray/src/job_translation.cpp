#include "job_translation.hpp"

#include <dlaunch/role_variables.hpp>
#include <dlaunch/shell.hpp>

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cctype>

namespace dlaunch::ray {
namespace {

using rapidjson::Value;
using Allocator = rapidjson::Document::AllocatorType;

// The port rank 0 listens on when the job runs its entrypoint directly (torchrun's default); the gang
// driver picks a free one instead.
constexpr const char* kDirectMasterPort = "29500";
constexpr const char* kDirectMasterAddr = "127.0.0.1";

Value text(std::string_view s, Allocator& a) { return Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), a); }

Value string_object(const sdk::StringMap& map, Allocator& a) {
  Value object(rapidjson::kObjectType);
  for (const auto& [k, v] : map) object.AddMember(text(k, a), text(v, a), a);
  return object;
}

void set(Value& object, std::string_view key, Value value, Allocator& a) {
  if (auto it = object.FindMember(text(key, a)); it != object.MemberEnd()) {
    it->value = std::move(value);
  } else {
    object.AddMember(text(key, a), std::move(value), a);
  }
}

// GPUs are Ray's num_gpus; other accelerators (TPU, NPU) are Ray resources of that name.
bool uses_gpu_resource(const sdk::Job& job) { return job.device_type == "GPU" || job.device_type == "CPU"; }

// What a replica asks Ray for: whole devices, or a share of one (Ray's fractional num_gpus and resources).
double accelerators(const sdk::Resources& r) { return r.gpu_share > 0 ? r.gpu_share : static_cast<double>(r.gpu); }

// What the process of a single-replica job sees, as docs/job-spec.md defines it (one node: itself); then the
// job's and the role's env, which may override. DLAUNCH_CONFIG_FILE is set by the entrypoint's preamble.
sdk::StringMap direct_env(const SubmitInputs& in) {
  const sdk::Job& job = *in.job;
  const sdk::Role& role = job.roles.front();
  const std::string prefix = sdk::role_variable_prefix(role.name);
  sdk::StringMap env = {{"DLAUNCH_JOB", job.name},
                        {"DLAUNCH_ROLE", role.name},
                        {"DLAUNCH_SUBMISSION_ID", in.host_submission_id},
                        {"DLAUNCH_NNODES", "1:1"},
                        {"DLAUNCH_RESTART_COUNT", "0"},
                        {"RANK", "0"},
                        {"WORLD_SIZE", "1"},
                        {"LOCAL_RANK", "0"},
                        {"LOCAL_WORLD_SIZE", "1"},
                        {"NODE_RANK", "0"},
                        {"MASTER_ADDR", kDirectMasterAddr},
                        {"MASTER_PORT", kDirectMasterPort},
                        {prefix + "MASTER_ADDR", kDirectMasterAddr},
                        {prefix + "MASTER_PORT", kDirectMasterPort},
                        {prefix + "HOSTS", kDirectMasterAddr}};
  for (const auto& [k, v] : job.env) env[k] = v;
  for (const auto& [k, v] : role.env) env[k] = v;
  return env;
}

// The Ray job's entrypoint when it runs the single replica directly. Ray runs it with a shell: a preamble
// writes the job's config where DLAUNCH_CONFIG_FILE says (the node's temporary directory, named after the
// submission: nothing else on the node knows the job), then `exec` makes the process Ray waits for the
// job's own, so a signal that kills it reaches Ray as -N (a signal by name in the status) rather than the
// shell's 128 + N. The file goes when that process ends (it would pile up in the node's /tmp otherwise): a
// watcher started before the exec waits for it (GNU tail --pid, else a poll). It is detached (not the job's
// child, so neither the job's wait() nor Ray's stop, which signals the job's process tree, meets it) and kept
// off the job's log. Only Ray's last resort, killing the job's whole process group when its supervisor dies,
// takes the watcher with it.
std::string direct_entrypoint(const SubmitInputs& in) {
  const sdk::Job& job = *in.job;
  return "export DLAUNCH_CONFIG_FILE=\"${TMPDIR:-/tmp}/\"" + sdk::shell_quote(in.ray_id + ".config.json") +
         " && (umask 077 && printf '%s\\n' " + sdk::shell_quote(job.config.json()) +
         " >\"$DLAUNCH_CONFIG_FILE\") && (dlaunch_job=$$; (tail --pid=\"$dlaunch_job\" -f /dev/null 2>/dev/null || "
         "while kill -0 \"$dlaunch_job\" 2>/dev/null; do sleep 1; done; rm -f \"$DLAUNCH_CONFIG_FILE\") "
         "</dev/null >/dev/null 2>&1 &) && exec " + sdk::shell_join(job.roles.front().entrypoint);
}

// The gang driver's instructions (see driver/dlaunch_ray_driver/__main__.py).
std::string gang_plan(const SubmitInputs& in) {
  const sdk::Job& job = *in.job;
  rapidjson::Document plan(rapidjson::kObjectType);
  auto& a = plan.GetAllocator();
  plan.AddMember("job", text(job.name, a), a);
  plan.AddMember("submission_id", text(in.host_submission_id, a), a);
  plan.AddMember("config", text(job.config.json(), a), a);
  // Also in the Ray job's runtime_env (the driver's own environment), but a replica applies it over dlaunch's
  // variables, as every platform does.
  plan.AddMember("env", string_object(job.env, a), a);
  plan.AddMember("max_restarts", Value(static_cast<int64_t>(job.failover.max_restarts)), a);
  plan.AddMember("scope", text(job.failover.scope, a), a);
  plan.AddMember("start_timeout", Value(static_cast<int64_t>(job.start_timeout)), a);
  plan.AddMember("placement_strategy", text(in.options->placement_strategy, a), a);
  plan.AddMember("accelerator", text(uses_gpu_resource(job) ? "GPU" : job.device_type, a), a);
  Value roles(rapidjson::kArrayType);
  for (const auto& role : job.roles) {
    Value r(rapidjson::kObjectType);
    r.AddMember("name", text(role.name, a), a);
    Value argv(rapidjson::kArrayType);
    for (const auto& arg : role.entrypoint) argv.PushBack(text(arg, a), a);
    r.AddMember("entrypoint", argv, a);
    r.AddMember("replicas", Value(static_cast<int64_t>(role.replicas)), a);
    r.AddMember("min_replicas", Value(static_cast<int64_t>(role.min_replicas)), a);
    r.AddMember("per_node", Value(static_cast<int64_t>(role.per_node)), a);
    r.AddMember("cpu", Value(role.resources.cpu), a);
    r.AddMember("accelerators", Value(accelerators(role.resources)), a);
    r.AddMember("memory_bytes", Value(static_cast<int64_t>(role.resources.memory_bytes)), a);
    r.AddMember("env", string_object(role.env, a), a);
    r.AddMember("driver", Value(role.driver), a);
    r.AddMember("max_restarts", Value(static_cast<int64_t>(role.max_restarts)), a);
    r.AddMember("launcher", text(role.launcher, a), a);
    r.AddMember("nproc_per_node", Value(static_cast<int64_t>(role.nproc_per_node)), a);
    r.AddMember("rdzv_backend", text(role.rdzv_backend, a), a);
    r.AddMember("rdzv_port", Value(static_cast<int64_t>(role.rdzv_port)), a);
    r.AddMember("tf_task", text(role.tf_task, a), a);
    roles.PushBack(r, a);
  }
  plan.AddMember("roles", roles, a);
  Value colocations(rapidjson::kArrayType);
  for (const auto& colocation : job.colocations) {
    Value names(rapidjson::kArrayType);
    for (const auto& name : colocation.roles) names.PushBack(text(name, a), a);
    colocations.PushBack(names, a);
  }
  plan.AddMember("colocations", colocations, a);
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  plan.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string roles_summary(const sdk::Job& job) {
  std::string out;
  for (const auto& role : job.roles) {
    if (!out.empty()) out += ",";
    out += role.name + ":" + std::to_string(role.replicas);
  }
  return out;
}

Value runtime_env(const SubmitInputs& in, bool gang, Allocator& a) {
  const sdk::Job& job = *in.job;
  rapidjson::Document extra;
  extra.Parse(in.options->runtime_env_json.c_str());
  Value env(rapidjson::kObjectType);
  if (extra.IsObject()) env.CopyFrom(extra, a);

  sdk::StringMap variables = gang ? job.env : direct_env(in);
  if (gang) variables[kPlanVariable] = gang_plan(in);
  if (!variables.empty()) set(env, "env_vars", string_object(variables, a), a);
  if (!in.working_dir_uri.empty()) set(env, "working_dir", text(in.working_dir_uri, a), a);
  if (!in.options->pip.empty()) {
    Value pip(rapidjson::kArrayType);
    for (const auto& p : in.options->pip) pip.PushBack(text(p, a), a);
    set(env, "pip", std::move(pip), a);
  }
  if (gang) {
    auto it = env.FindMember("py_modules");
    if (it == env.MemberEnd()) {
      env.AddMember("py_modules", Value(rapidjson::kArrayType), a);
      it = env.FindMember("py_modules");
    }
    it->value.PushBack(text(in.driver_uri, a), a);
  }
  return env;
}

// entrypoint_* fields reserve resources for the entrypoint process; the gang driver itself needs none (its
// actors reserve theirs), so it only gets what the user asked for in entrypoint_resources.
void add_entrypoint_resources(const SubmitInputs& in, bool gang, Value& body, SubmitBody& out, Allocator& a) {
  const sdk::Job& job = *in.job;
  std::map<std::string, double> resources = in.options->entrypoint_resources;
  double cpus = 0, gpus = 0;
  int64_t memory = 0;
  if (!gang) {
    const sdk::Resources& r = job.roles.front().resources;
    cpus = r.cpu;
    memory = r.memory_bytes;
    if (uses_gpu_resource(job)) {
      gpus = accelerators(r);
    } else if (accelerators(r) > 0) {
      resources[job.device_type] = accelerators(r);
    }
  }
  bool wanted = cpus > 0 || gpus > 0 || !resources.empty();
  if (wanted && !in.server.has_entrypoint_resources()) {
    out.left_out.push_back("Ray " + in.server.ray_version +
                           " cannot reserve entrypoint CPUs, GPUs or resources (needs Ray 2.2); they were left out");
    wanted = false;
  }
  if (wanted) {
    if (cpus > 0) body.AddMember("entrypoint_num_cpus", Value(cpus), a);
    if (gpus > 0) body.AddMember("entrypoint_num_gpus", Value(gpus), a);
    if (!resources.empty()) {
      Value r(rapidjson::kObjectType);
      for (const auto& [name, amount] : resources) r.AddMember(text(name, a), Value(amount), a);
      body.AddMember("entrypoint_resources", r, a);
    }
  }
  if (memory > 0) {
    if (in.server.has_entrypoint_memory()) {
      body.AddMember("entrypoint_memory", Value(memory), a);
    } else {
      out.left_out.push_back("Ray " + in.server.ray_version +
                             " cannot reserve entrypoint memory (needs Ray 2.8); it was left out");
    }
  }
}

}  // namespace

bool needs_gang_driver(const sdk::Job& job) {
  // Ray itself never restarts a job, nor gives up waiting for resources, nor runs torchrun, nor learns the
  // address a TF_CONFIG names before the process runs: those need the driver too. (A one-replica role cannot
  // be elastic: min_replicas is at least 1.)
  const sdk::Role& first = job.roles.front();
  return job.roles.size() != 1 || first.replicas != 1 || job.failover.max_restarts > 0 || first.max_restarts > 0 ||
         first.launcher != "direct" || job.start_timeout > 0 || first.tf_task != "none";
}

std::string ray_submission_id(std::string_view host_submission_id) {
  constexpr std::string_view kPrefix = "dlaunch-";
  std::string id = host_submission_id.starts_with(kPrefix) ? "" : std::string(kPrefix);
  for (char c : host_submission_id) {
    bool safe = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    id += safe ? c : '_';
  }
  return id;
}

bool has_remote_working_dir(const RayOptions& options) {
  rapidjson::Document extra;
  extra.Parse(options.runtime_env_json.c_str());
  return extra.IsObject() && extra.HasMember("working_dir");
}

SubmitBody build_submit_body(const SubmitInputs& in) {
  const sdk::Job& job = *in.job;
  bool gang = needs_gang_driver(job);
  SubmitBody out;
  rapidjson::Document body(rapidjson::kObjectType);
  auto& a = body.GetAllocator();

  // Ray runs the entrypoint with a shell: `exec`, as in direct_entrypoint.
  std::string entrypoint =
      gang ? "exec " + sdk::shell_join({in.options->python, "-m", kDriverModule}) : direct_entrypoint(in);
  body.AddMember("entrypoint", text(entrypoint, a), a);
  body.AddMember("submission_id", text(in.ray_id, a), a);
  Value env = runtime_env(in, gang, a);
  if (env.MemberCount() > 0) body.AddMember("runtime_env", env, a);

  sdk::StringMap metadata = job.labels;
  metadata[kMetaJob] = job.name;
  metadata[kMetaSubmission] = in.host_submission_id;
  metadata[kMetaVersion] = in.plugin_version;
  metadata[kMetaRoles] = roles_summary(job);
  body.AddMember("metadata", string_object(metadata, a), a);

  add_entrypoint_resources(in, gang, body, out, a);

  rapidjson::StringBuffer compact;
  rapidjson::Writer<rapidjson::StringBuffer> writer(compact);
  body.Accept(writer);
  out.json.assign(compact.GetString(), compact.GetSize());
  rapidjson::StringBuffer pretty;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> pretty_writer(pretty);
  pretty_writer.SetIndent(' ', 2);
  body.Accept(pretty_writer);
  out.pretty_json.assign(pretty.GetString(), pretty.GetSize());
  return out;
}

}  // namespace dlaunch::ray
