#include "job_status.hpp"

#include "job_plan.hpp"
#include "json.hpp"

#include <algorithm>
#include <charconv>
#include <ctime>

namespace dlaunch::kubernetes {
namespace {

using json::Value;

// The condition of `type` when its status is "True", else nullptr.
const Value* true_condition(const Value& object, const char* type) {
  const Value& conditions = json::at(object, "status.conditions");
  if (!conditions.IsArray()) return nullptr;
  for (const auto& c : conditions.GetArray()) {
    if (json::text(c, "type") == type && json::text(c, "status") == "True") return &c;
  }
  return nullptr;
}

bool any_pod_running(const Value& pods) {
  if (!pods.IsArray()) return false;
  return std::any_of(pods.Begin(), pods.End(),
                     [](const Value& pod) { return json::text(pod, "status.phase") == "Running"; });
}

int64_t earliest_start(const Value& objects) {
  int64_t start = 0;
  if (!objects.IsArray()) return start;
  for (const auto& o : objects.GetArray()) {
    int64_t t = time_ms(json::text(o, "status.startTime"));
    if (t > 0 && (start == 0 || t < start)) start = t;
  }
  return start;
}

void set_exit_code(sdk::JobStatus& status, const Value& pods) {
  if (status.state == DLAUNCH_STATE_SUCCEEDED) status.exit_code = 0;
  if (status.state != DLAUNCH_STATE_FAILED) return;
  if (auto failed = first_failed_container(pods)) {
    status.exit_code = failed->exit_code;
    status.message += (status.message.empty() ? "" : "; ") + std::string("pod ") + failed->pod + " exited with code " +
                      std::to_string(failed->exit_code) + (failed->reason.empty() ? "" : " (" + failed->reason + ")");
  }
}

std::string condition_text(const Value& condition) {
  std::string reason = json::text(condition, "reason");
  std::string message = json::text(condition, "message");
  if (message.empty()) return reason;
  return reason.empty() ? message : reason + ": " + message;
}

sdk::JobStatus base_status(const std::string& native_id, const Value& object) {
  sdk::JobStatus status;
  status.native_id = native_id;
  const Value& labels = json::at(object, "metadata.labels");
  status.name = json::member(labels, kNameLabel);
  status.submitted_by_dlaunch = json::member(labels, kManagedByLabel) == kManagedByValue;
  return status;
}

}  // namespace

int64_t time_ms(const std::string& text) {
  std::tm tm{};
  if (text.size() < 20 || strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) return 0;
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

std::optional<FailedContainer> first_failed_container(const Value& pods) {
  std::optional<FailedContainer> first;
  int64_t first_time = 0;
  if (!pods.IsArray()) return first;
  for (const auto& pod : pods.GetArray()) {
    const Value& statuses = json::at(pod, "status.containerStatuses");
    if (!statuses.IsArray()) continue;
    for (const auto& container : statuses.GetArray()) {
      for (const char* which : {"state.terminated", "lastState.terminated"}) {
        const Value& terminated = json::at(container, which);
        int64_t code = json::integer(terminated, "exitCode", 0);
        if (code == 0) continue;
        int64_t finished = time_ms(json::text(terminated, "finishedAt"));
        if (!first || finished < first_time) {
          first = FailedContainer{json::text(pod, "metadata.name"), static_cast<int32_t>(code),
                                  json::text(terminated, "reason")};
          first_time = finished;
        }
      }
    }
  }
  return first;
}

sdk::JobStatus status_of_jobs(const std::string& native_id, const Value& jobs, const Value& pods) {
  static const Value kNone;
  sdk::JobStatus status = base_status(native_id, jobs.IsArray() && !jobs.Empty() ? jobs[0] : kNone);
  bool failed = false, all_drivers_done = true, all_open_suspended = true, any_ready = false;
  int64_t failures = 0, end = 0;
  size_t roles = 0;  // role Jobs the Jobs announce (dlaunch.io/roles); 0 when they do not say
  std::string states;
  for (const auto& job : jobs.GetArray()) {
    const std::string announced = json::member(json::at(job, "metadata.annotations"), kRolesAnnotation);
    size_t count = 0;
    std::from_chars(announced.data(), announced.data() + announced.size(), count);
    roles = std::max(roles, count);
    std::string role = json::member(json::at(job, "metadata.labels"), kRoleLabel);
    bool driver = json::member(json::at(job, "metadata.annotations"), kDriverAnnotation) != "false";
    failures += json::integer(job, "status.failed");
    std::string state;
    if (const Value* c = true_condition(job, "Failed")) {
      failed = true;
      --failures;  // the failure that ended the Job was not restarted
      state = "Failed";
      status.message += (status.message.empty() ? "" : "; ") + role + ": " + condition_text(*c);
      end = std::max(end, time_ms(json::text(*c, "lastTransitionTime")));
    } else if (true_condition(job, "Complete") != nullptr) {
      state = "Complete";
      end = std::max(end, time_ms(json::text(job, "status.completionTime")));
    } else {
      if (driver) all_drivers_done = false;
      bool suspended = true_condition(job, "Suspended") != nullptr;
      if (!suspended) all_open_suspended = false;
      int64_t ready = json::integer(job, "status.ready");
      any_ready = any_ready || ready > 0;
      state = suspended ? "Suspended"
                        : std::to_string(json::integer(job, "status.active")) + " active, " + std::to_string(ready) +
                              " ready, " + std::to_string(json::integer(job, "status.succeeded")) + "/" +
                              std::to_string(json::integer(job, "spec.completions", 1)) + " done";
    }
    states += (states.empty() ? "" : ", ") + role + ": " + state;
  }
  // A submit cut short between its creates (or a role Job deleted by hand): what exists cannot make the job.
  if (jobs.Size() < roles) {
    failed = true;
    status.message = "only " + std::to_string(jobs.Size()) + " of its " + std::to_string(roles) +
                     " role Jobs exist (a submit cut short, or Jobs deleted): dlaunch delete removes the rest" +
                     (status.message.empty() ? "" : "; " + status.message);
  }
  if (failed) {
    status.state = DLAUNCH_STATE_FAILED;
  } else if (all_drivers_done) {
    status.state = DLAUNCH_STATE_SUCCEEDED;
  } else if (all_open_suspended) {
    status.state = DLAUNCH_STATE_STOPPED;
  } else {
    // Running pods, or the Job controller's count of ready ones (the pod list can be a moment behind it).
    status.state = any_ready || any_pod_running(pods) ? DLAUNCH_STATE_RUNNING : DLAUNCH_STATE_PENDING;
  }
  status.native_state = states;
  status.restarts = static_cast<uint32_t>(std::max<int64_t>(0, failures));
  status.start_time_ms = earliest_start(jobs);
  if (status.terminal()) status.end_time_ms = end;
  set_exit_code(status, pods);
  return status;
}

sdk::JobStatus status_of_service_alone(const std::string& native_id, const Value& service) {
  sdk::JobStatus status = base_status(native_id, service);
  status.state = DLAUNCH_STATE_FAILED;
  status.native_state = "no role Jobs";
  status.message = "its Service exists but none of its role Jobs (a submit cut short, or Jobs deleted): dlaunch "
                   "delete removes the Service";
  return status;
}

sdk::JobStatus status_of_jobset(const std::string& native_id, const Value& jobset, const Value& pods) {
  sdk::JobStatus status = base_status(native_id, jobset);
  status.restarts = static_cast<uint32_t>(json::integer(jobset, "status.restarts"));
  if (const Value* c = true_condition(jobset, "Failed")) {
    status.state = DLAUNCH_STATE_FAILED;
    status.native_state = "Failed";
    status.message = condition_text(*c);
    status.end_time_ms = time_ms(json::text(*c, "lastTransitionTime"));
  } else if (const Value* done = true_condition(jobset, "Completed")) {
    status.state = DLAUNCH_STATE_SUCCEEDED;
    status.native_state = "Completed";
    status.end_time_ms = time_ms(json::text(*done, "lastTransitionTime"));
  } else if (true_condition(jobset, "Suspended") != nullptr) {
    status.state = DLAUNCH_STATE_STOPPED;
    status.native_state = "Suspended";
  } else {
    status.state = any_pod_running(pods) ? DLAUNCH_STATE_RUNNING : DLAUNCH_STATE_PENDING;
    status.native_state = status.state == DLAUNCH_STATE_RUNNING ? "Running" : "Pending";
  }
  status.start_time_ms = time_ms(json::text(jobset, "metadata.creationTimestamp"));
  set_exit_code(status, pods);
  return status;
}

sdk::JobStatus status_of_elasticjob(const std::string& native_id, const Value& elasticjob, const Value& pods) {
  sdk::JobStatus status = base_status(native_id, elasticjob);
  std::string phase = json::text(elasticjob, "status.phase");
  status.native_state = phase.empty() ? "Created" : phase;
  if (phase == "Succeeded") {
    status.state = DLAUNCH_STATE_SUCCEEDED;
  } else if (phase == "Failed") {
    status.state = DLAUNCH_STATE_FAILED;
  } else if (phase == "Suspended" || (json::at(elasticjob, "spec.suspend").IsTrue() && !any_pod_running(pods))) {
    status.state = DLAUNCH_STATE_STOPPED;
  } else if (phase == "Running" || any_pod_running(pods)) {
    status.state = DLAUNCH_STATE_RUNNING;
  } else {
    status.state = DLAUNCH_STATE_PENDING;
  }
  if (const Value* c = true_condition(elasticjob, "Failed")) status.message = condition_text(*c);
  status.start_time_ms = time_ms(json::text(elasticjob, "status.startTime"));
  status.end_time_ms = time_ms(json::text(elasticjob, "status.completionTime"));
  set_exit_code(status, pods);
  return status;
}

}  // namespace dlaunch::kubernetes
