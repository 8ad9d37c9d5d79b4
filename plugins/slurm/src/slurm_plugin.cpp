// The `slurm` platform: dlaunch jobs as Slurm batch jobs, submitted and watched through slurmrestd.
// See docs/slurm.md for the mapping and the choices behind it.
#include "allocation.hpp"
#include "connection.hpp"
#include "deleted_jobs.hpp"
#include "job_record.hpp"
#include "options.hpp"
#include "output_file.hpp"
#include "rest_api.hpp"
#include "submission.hpp"

#include <dlaunch/job_document.hpp>
#include <dlaunch/key_path.hpp>
#include <dlaunch/plugin.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <optional>
#include <set>
#include <vector>

namespace dlaunch::slurm {
namespace {

// Slurm job ids are numbers; anything else never reaches a URL.
std::string checked_job_id(std::string_view native_id) {
  bool numeric = !native_id.empty() && native_id.size() <= 10 &&
                 std::all_of(native_id.begin(), native_id.end(), [](unsigned char c) { return std::isdigit(c); });
  if (!numeric) throw sdk::Error(DLAUNCH_ERR_NOT_FOUND, "'" + std::string(native_id) + "' is not a Slurm job id");
  return std::string(native_id);
}

// GET /job/{id}. A job Slurm does not know (never, or no more) is NOT_FOUND in a user's words.
rapidjson::Document job_answer(RestApi& api, const std::string& id) {
  try {
    return api.get("job/" + id);
  } catch (const sdk::Error& e) {
    if (e.code() != DLAUNCH_ERR_NOT_FOUND) throw;
    throw sdk::Error(DLAUNCH_ERR_NOT_FOUND,
                     "there is no Slurm job " + id + " (Slurm forgets an ended job after its MinJobAge)");
  }
}

// A torchrun role spends its own max_restarts inside torchrun (--max_restarts); any other role fails the job,
// which Slurm requeues whole, so only failover.max_restarts can count its restarts.
void refuse_role_restart_limits(const sdk::Job& job, const sdk::DiagnosticsOut& out) {
  for (size_t i = 0; i < job.roles.size(); ++i) {
    const auto& role = job.roles[i];
    if (role.launcher == "torchrun" || role.max_restarts == job.failover.max_restarts) continue;
    out.error(sdk::KeyPath("roles").element(i).member("max_restarts"),
              "the slurm platform cannot honour max_restarts for role '" + role.name +
                  "': a failed task fails the batch job, which Slurm requeues whole (failover.max_restarts)",
              "use launcher = \"torchrun\" (its restarts stay within the role), or failover.max_restarts");
  }
}

// min_replicas is a range of nodes for the start (--nodes=min-max); once started, the role's step is whole.
void note_elastic_roles(const sdk::Job& job, const sdk::DiagnosticsOut& out) {
  for (size_t i = 0; i < job.roles.size(); ++i) {
    const auto& role = job.roles[i];
    if (role.min_replicas == role.replicas) continue;
    out.warning(sdk::KeyPath("roles").element(i).member("min_replicas"),
                "on Slurm, min_replicas lets role '" + role.name + "' start on fewer nodes; once it runs, a failed "
                "replica fails the job (srun ends the role's step), as without it");
  }
}

class SlurmPlugin : public sdk::Plugin {
 public:
  static constexpr bool kFindsSubmissions = true;

  void init(const sdk::InitContext& context) override {
    host_ = context.host;
    if (!context.state_dir.empty()) api_versions_dir_ = std::filesystem::path(context.state_dir) / "api-versions";
    deleted_.emplace(context.state_dir);
  }

  void validate(const sdk::JobRequest& request, const sdk::DiagnosticsOut& out) override {
    sdk::Job job = sdk::parse_job(request.job_json);
    check_options(job.platform, out);
    sdk::refuse_fields_not_honoured(
        job, "slurm",
        {"roles.min_replicas", "roles.launcher", "roles.nproc_per_node", "roles.rdzv_backend", "roles.rdzv_port", "roles.max_restarts", "roles.tf_task",
         "config", "priority", "start_timeout"},
        {{"failover.scope", "Slurm requeues a failed batch job whole"},
         {"roles.resources.gpu_share", "Slurm's gres hands a job step whole GPUs"},
         {"colocations", "each job step gets GPUs of its own: steps do not share a device"}},
        out);
    refuse_role_restart_limits(job, out);
    note_elastic_roles(job, out);
    if (job.priority == "high") {
      out.error("priority",
                "the slurm platform cannot honour priority = \"high\": only Slurm's operators and administrators "
                "may give a job a negative nice value",
                "ask your site for a QOS of higher priority and set platform.slurm.qos");
    }
    for (const auto& [path, message] : fractional_cpu_notes(job)) out.warning(path, message);
  }

  void dry_run(const sdk::JobRequest& request, const sdk::TextOut& out) override {
    Submission submission =
        prepare_submission(request.job_json, request.submission_id, inherited_environment(), Purpose::kShow);
    RestApi api(resolve_connection(submission.job.platform), {});
    const std::string& version = known_api_versions().back();
    std::string body = submission_body(submission, /*pretty=*/true);
    const Connection& connection = api.connection();
    out.write("# Slurm: " + (connection.configured() ? connection.describe() : "no slurmrestd configured yet") +
              "\n# API " + version + ": the newest this plugin speaks; a submission uses the newest the server "
              "also offers\n");
    out.write(support::describe_request(api.request("POST", "/slurm/" + version + "/job/submit", body)));
    out.write("\n# The batch script (\"script\" above), as the job runs it:\n");
    out.write(submission.script);
  }

  std::string submit(const sdk::JobRequest& request) override {
    Submission submission =
        prepare_submission(request.job_json, request.submission_id, inherited_environment(), Purpose::kSend);
    RestApi api = connect(submission.job.platform);
    rapidjson::Document answer = api.post("job/submit", submission_body(submission, /*pretty=*/false));
    auto job_id = answer.FindMember("job_id");
    std::string errors = error_text(answer);
    if (job_id == answer.MemberEnd() || !job_id->value.IsInt64()) {
      throw sdk::Error(DLAUNCH_ERR_INVALID_ARGUMENT,
                       "Slurm refused the job: " + (errors.empty() ? "no reason given" : errors));
    }
    std::string id = std::to_string(job_id->value.GetInt64());
    // Slurm may queue a job it already knows it cannot start (e.g. more CPUs than any node has).
    if (!errors.empty()) host_.warn("Slurm queued job " + id + " but says: " + errors);
    return id;
  }

  sdk::JobStatus status(const sdk::JobRef& ref) override {
    std::string id = checked_job_id(ref.native_id);
    RestApi api = connect(sdk::Options::parse(ref.options_json));
    rapidjson::Document answer = job_answer(api, id);
    sdk::JobStatus status = job_status(undeleted_record(answer, id));
    // Slurm has no limit on how long a job pends: dlaunch's start_timeout ends it here.
    if (needs_cancel(status)) api.remove("job/" + id);
    return status;
  }

  void logs(const sdk::JobRef& ref, bool follow, const sdk::TextOut& out) override {
    std::string id = checked_job_id(ref.native_id);
    RestApi api = connect(sdk::Options::parse(ref.options_json));
    auto snapshot = [&](std::chrono::milliseconds timeout) {
      api.set_request_timeout(timeout);
      rapidjson::Document answer = job_answer(api, id);
      const rapidjson::Value& record = undeleted_record(answer, id);
      return JobSnapshot{job_status(record), script_started(record), output_path(record)};
    };
    copy_job_output(snapshot, follow, api.connection().describe(), out, host_);
  }

  void stop(const sdk::JobRef& ref) override {
    std::string id = checked_job_id(ref.native_id);
    RestApi api = connect(sdk::Options::parse(ref.options_json));
    rapidjson::Document answer = job_answer(api, id);
    undeleted_record(answer, id);
    // Cancelling a job that already ended is accepted by Slurm and changes nothing.
    api.remove("job/" + id);
  }

  // Slurm keeps a finished job's record for MinJobAge and lets nobody change or remove it: deleting refuses
  // while the job runs, else marks it deleted here (deleted_jobs.hpp). A job Slurm forgot already is gone.
  void delete_job(const sdk::JobRef& ref) override {
    std::string id = checked_job_id(ref.native_id);
    RestApi api = connect(sdk::Options::parse(ref.options_json));
    rapidjson::Document answer = job_answer(api, id);
    const rapidjson::Value& record = undeleted_record(answer, id);
    sdk::JobStatus status = job_status(record);
    if (!is_terminal(status.state)) {
      throw sdk::Error(DLAUNCH_ERR_FAILED_PRECONDITION,
                       "Slurm job " + id + " is " + status.native_state + "; stop it first");
    }
    deleted_->add(instance_key(record));
  }

  void list(std::string_view options_json, const sdk::StatusOut& out) override {
    RestApi api = connect(sdk::Options::parse(options_json));
    for_each_own_job(api, [&](const rapidjson::Value& record) { return out.report(job_status(record)); });
  }

  // The submission id travels in the job's comment (dlaunch_comment). Slurm forgets an ended job after its
  // MinJobAge, so a job not listed proves only for submits more recent than that (listed_window_ms): older ones
  // cannot be told. The age is checked again once the answer is in: a slow answer may have been built after
  // Slurm forgot one. MinJobAge is not asked of the cluster: no slurmrestd endpoint (v0.0.36-38) shows
  // slurmctld's config (/diag is statistics only), hence the option. One GET /jobs per call, whatever the count.
  void find_submissions(const std::vector<std::string_view>& submission_ids, std::string_view options_json,
                        int64_t since_ms, const sdk::StatusOut& out) override {
    const sdk::Options options = sdk::Options::parse(options_json);
    const int64_t window_ms = listed_window_ms(options);
    auto check_age = [&] {
      const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch()).count();
      if (now_ms - since_ms >= window_ms) {
        throw sdk::Error(DLAUNCH_ERR_FAILED_PRECONDITION,
                         "Slurm may have forgotten a job submitted that long ago (min_job_age_s = " +
                             std::to_string(options.integer("min_job_age_s", kDefaultMinJobAgeS)) + ")");
      }
    };
    check_age();
    std::set<std::string, std::less<>> wanted(submission_ids.begin(), submission_ids.end());
    RestApi api = connect(options);
    std::vector<sdk::JobStatus> found;
    for_each_own_job(api, [&](const rapidjson::Value& record) {
      auto comment = record.FindMember("comment");
      if (comment == record.MemberEnd() || !comment->value.IsString()) return true;
      std::string submission = submission_of(comment->value.GetString());
      if (!wanted.contains(submission)) return true;
      found.push_back(job_status(record));
      found.back().submission_id = submission;
      return true;
    });
    check_age();
    for (const auto& status : found) {
      if (!out.report(status)) return;
    }
  }

 private:
  // The one record of GET /job/{id}, unless `dlaunch delete` forgot that job: then, as when Slurm has no
  // record, NOT_FOUND.
  const rapidjson::Value& undeleted_record(const rapidjson::Document& answer, const std::string& id) const {
    const rapidjson::Value& record = single_record(answer, id);
    if (deleted_->contains(instance_key(record))) {
      throw sdk::Error(DLAUNCH_ERR_NOT_FOUND, "there is no Slurm job " + id + ": it was deleted (dlaunch delete)");
    }
    return record;
  }

  // Calls `visit` with each record of GET /jobs of the connection's user that `dlaunch delete` did not forget,
  // until it returns false. An answer without its list of jobs is an error, never "no jobs": find_submissions
  // would take it for proof that none of its submits reached Slurm.
  template <class Visit>
  void for_each_own_job(RestApi& api, Visit visit) const {
    rapidjson::Document answer = api.get("jobs");
    auto jobs = answer.FindMember("jobs");
    if (jobs == answer.MemberEnd() || !jobs->value.IsArray()) {
      throw sdk::Error(DLAUNCH_ERR_UNAVAILABLE,
                       api.connection().describe() + " answered GET /jobs without a list of jobs");
    }
    for (const auto& record : jobs->value.GetArray()) {
      auto user = record.FindMember("user_name");
      if (user == record.MemberEnd() || !user->value.IsString() || api.connection().user != user->value.GetString()) {
        continue;
      }
      if (deleted_->contains(instance_key(record))) continue;
      if (!visit(record)) return;
    }
  }

  RestApi connect(const sdk::Options& options) const {
    return RestApi(resolve_connection(options), [host = host_] { return host.cancelled(); }, api_versions_dir_);
  }

  sdk::Host host_;
  std::filesystem::path api_versions_dir_;  // the API version chosen with each slurmrestd (rest_api.hpp)
  std::optional<DeletedJobs> deleted_;  // set by init
};

}  // namespace
}  // namespace dlaunch::slurm

DLAUNCH_PLUGIN(dlaunch::slurm::SlurmPlugin, "slurm", DLAUNCH_PLUGIN_VERSION, DLAUNCH_PLUGIN_DESCRIPTION)
