#include "batch_script.hpp"

#include <dlaunch/role_variables.hpp>
#include <dlaunch/shell.hpp>

#include <algorithm>
#include <map>
#include <sstream>
#include <string_view>

namespace dlaunch::slurm {
namespace {

using sdk::shell_quote;

// Role names appear in function comments and in a sed expression, and environment variable names are written
// unquoted (export NAME=...): the host guarantees DNS labels and identifiers (plugin.h, validate).

// Runs one task: the per-task variables from the role's plan (dlaunch_places: "NODE_RANK,LOCAL_RANK,
// LOCAL_WORLD_SIZE" for each rank, the layout of dlaunch/node_groups.hpp), then the role's entrypoint, given
// as "$@". The plan's variables are unset before the entrypoint starts.
// The entrypoint is a child, not exec'd: when a task itself dies of a signal, slurmstepd 22.05 drops the
// output it has not passed on yet (the last lines, 5 runs in 12 on the test cluster; none with a child). The
// task then dies of the same signal, a moment later, so that Slurm still reports the signal (srun's "task 0:
// Killed", the job's derived exit code). A shell cannot tell a signal from an exit code above 128: such a code
// is taken as that signal, as shells report them. The child's stdin stays the task's (& alone would give it
// /dev/null), and bash's own "Killed" notice is not printed: bash's own stderr is /dev/null from the child's
// start (which gets the task's stderr) to the end, since bash prints the notice at a moment of its choosing.
constexpr const char* kTaskRunner =
    R"script(# Runs one task of a role: its variables from the role's plan, then the entrypoint ("$@"), as a child;
# when it dies of a signal, the task dies of the same one once its output is passed on.
dlaunch_task='read -ra dlaunch_plan <<< "$dlaunch_places"
IFS=, read -r NODE_RANK LOCAL_RANK LOCAL_WORLD_SIZE <<< "${dlaunch_plan[$SLURM_PROCID]}"
export RANK="$SLURM_PROCID" NODE_RANK LOCAL_RANK LOCAL_WORLD_SIZE
# A static torchrun rendezvous numbers its nodes: each replica is one (PET_NODE_RANK is --node_rank).
[[ -n "${dlaunch_static_torchrun:-}" ]] && export PET_NODE_RANK="$RANK"
# A tf_task role: TF_CONFIG of each rank (no spaces in them).
if [[ -n "${dlaunch_tf_configs:-}" ]]; then
  read -ra dlaunch_tf <<< "$dlaunch_tf_configs"
  export TF_CONFIG="${dlaunch_tf[$SLURM_PROCID]}"
fi
unset dlaunch_places dlaunch_static_torchrun dlaunch_tf_configs dlaunch_tf
exec 3>&2 2>/dev/null
"$@" 0<&0 2>&3 3>&- &
wait "$!"
dlaunch_code=$?
if (( dlaunch_code > 128 )); then
  sleep 0.2
  kill -s "$(( dlaunch_code - 128 ))" "$$"
fi
exit "$dlaunch_code"'
)script";

// Waits until every driver role has ended, or any role failed; leaves the exit code in dlaunch_exit.
constexpr const char* kSupervisor = R"(dlaunch_exit=0
while (( dlaunch_drivers > 0 )); do
  sleep 1
  for dlaunch_pid in "${!dlaunch_running[@]}"; do
    kill -0 "$dlaunch_pid" 2>/dev/null && continue
    wait "$dlaunch_pid"
    dlaunch_code=$?
    [[ "${dlaunch_running[$dlaunch_pid]}" == driver ]] && dlaunch_drivers=$(( dlaunch_drivers - 1 ))
    unset "dlaunch_running[$dlaunch_pid]"
    if (( dlaunch_code != 0 )); then
      dlaunch_exit=$dlaunch_code
      break 2
    fi
  done
done
)";

// "${dlaunch_nodes[2]}": an allocation node's host name, from the list the script reads at its start.
std::string node_host(int64_t node) { return "\"${dlaunch_nodes[" + std::to_string(node) + "]}\""; }

std::string nnodes(const sdk::Role& role) {
  return std::to_string(role.min_replicas / role.per_node) + ":" + std::to_string(role.replicas / role.per_node);
}

// Where every role is, for every task of the job: DLAUNCH_<ROLE>_HOSTS (its nodes by NODE_RANK),
// _MASTER_ADDR (rank 0's node) and _MASTER_PORT.
void write_role_locations(std::ostringstream& out, const sdk::Job& job, const std::vector<RoleStep>& steps) {
  out << "\n# Where each role is: its nodes' hosts by NODE_RANK, its rank 0's address and port (a port per job\n"
      << "# and role, the same for every attempt of the job).\n";
  for (const auto& step : steps) {
    const std::string prefix = sdk::role_variable_prefix(job.roles[step.index].name);
    out << "export " << prefix << "HOSTS=";
    for (size_t i = 0; i < step.node_hosts.size(); ++i) out << (i ? "," : "") << node_host(step.node_hosts[i]);
    out << " " << prefix << "MASTER_ADDR=" << node_host(step.places.front().job_node) << " " << prefix
        << "MASTER_PORT=$(( 20000 + (SLURM_JOB_ID * 16 + " << step.index << ") % 40000 ))\n";
  }
}

// The TF_CONFIG of every task of a tf_task role, as the SDK writes it (dlaunch/role_variables.hpp), for
// the role's function to export: one shell word in which the shell fills in each replica's address, its
// node's host name and a port for its TensorFlow server. The port is one per task of the job, the same for
// every attempt, in a band apart from the roles' MASTER_PORTs (20000 and up).
std::string tf_configs_word(const sdk::Job& job, const std::vector<RoleStep>& steps, const RoleStep& step) {
  // The job as this plan runs it (an elastic role may run fewer replicas), and where each task is.
  sdk::Job running = job;
  std::vector<int64_t> first_task(job.roles.size(), 0);  // the job-wide index of each role's rank 0
  for (size_t i = 1; i < job.roles.size(); ++i) first_task[i] = first_task[i - 1] + job.roles[i - 1].replicas;
  std::map<std::string, const RoleStep*> step_of;
  for (const auto& s : steps) {
    running.roles[s.index].replicas = s.tasks;
    step_of[job.roles[s.index].name] = &s;
  }
  auto place_of = [&](const sdk::Role& member, int64_t rank) {
    const RoleStep& s = *step_of.at(member.name);
    return "\x01" + std::to_string(s.places.at(rank).job_node) + "," + std::to_string(first_task[s.index] + rank) +
           "\x02";
  };
  // Literal text single-quoted, each \x01NODE,TASK\x02 as the shell expressions of its host and port.
  auto shell_word = [](const std::string& text) {
    std::string word;
    size_t at = 0;
    while (at < text.size()) {
      const size_t open = text.find('\x01', at);
      if (open != at) word += shell_quote(text.substr(at, open - at));
      if (open == std::string::npos) break;
      const size_t comma = text.find(',', open), close = text.find('\x02', open);
      word += "\"${dlaunch_nodes[" + text.substr(open + 1, comma - open - 1) + "]}:$(( 10000 + (SLURM_JOB_ID * 64 + " +
              text.substr(comma + 1, close - comma - 1) + ") % 10000 ))\"";
      at = close + 1;
    }
    return word;
  };
  const sdk::Role& role = running.roles[step.index];
  std::string words;
  for (int64_t rank = 0; rank < step.tasks; ++rank) {
    words += (rank ? "' '" : "") + shell_word(sdk::tf_config(running, role, rank, place_of));
  }
  return words;
}

// torchrun (torch.distributed.run) as the task's program, as the local platform builds it
// (plugins/local/launch_plan.cpp): each replica is one torchrun node whose workers run the entrypoint as
// given (--no-python). Words holding the role's master are written for the shell to expand.
std::string torchrun_words(const sdk::Job& job, const sdk::Role& role, const RoleStep& step,
                           const std::string& submission_id) {
  const std::string prefix = sdk::role_variable_prefix(role.name);
  const std::string port = role.rdzv_port != 0 ? std::to_string(role.rdzv_port) : "${" + prefix + "MASTER_PORT}";
  const std::string master = "${" + prefix + "MASTER_ADDR}";
  std::string words = "torchrun --nproc_per_node=" + std::to_string(role.nproc_per_node) +
                      " --max_restarts=" + std::to_string(role.max_restarts);
  if (role.rdzv_backend == "static") {
    words += " --nnodes=" + std::to_string(step.tasks) + " --rdzv_backend=static \"--master_addr=" + master +
             "\" \"--master_port=" + port + "\"";
  } else {
    words += " --nnodes=" + nnodes(role) + " --rdzv_backend=c10d \"--rdzv_endpoint=" + master + ":" + port +
             "\" " + shell_quote("--rdzv_id=" + submission_id);
    // How long the first rendezvous waits for min_replicas nodes: the job's start.
    if (job.start_timeout > 0) words += " --rdzv_conf=join_timeout=" + std::to_string(job.start_timeout);
  }
  return words + " --no-python";
}

void write_role_function(std::ostringstream& out, const sdk::Job& job, const std::vector<RoleStep>& steps,
                         const RoleStep& step, const std::string& submission_id) {
  const sdk::Role& role = job.roles[step.index];
  const std::string prefix = sdk::role_variable_prefix(role.name);
  out << "\n# Role " << role.name << (step.driver ? " (driver)" : "") << ": " << step.tasks << " task(s) on "
      << step.node_hosts.size() << " node(s), " << step.cpus_per_task << " CPU(s) each.\n";
  out << "dlaunch_role_" << step.index << "() {\n";
  out << "  export DLAUNCH_ROLE=" << shell_quote(role.name) << " WORLD_SIZE=" << step.tasks
      << " DLAUNCH_NNODES=" << nnodes(role) << " MASTER_ADDR=\"$" << prefix << "MASTER_ADDR\" MASTER_PORT=\"$"
      << prefix << "MASTER_PORT\"\n";
  out << "  export dlaunch_places='";
  for (size_t rank = 0; rank < step.places.size(); ++rank) {
    const TaskPlace& p = step.places[rank];
    out << (rank ? " " : "") << p.node_rank << "," << p.local_rank << "," << p.local_world_size;
  }
  out << "'\n";
  if (role.launcher == "torchrun" && role.rdzv_backend == "static") out << "  export dlaunch_static_torchrun=1\n";
  if (role.tf_task != "none") out << "  export dlaunch_tf_configs=" << tf_configs_word(job, steps, step) << "\n";
  for (const auto& [name, value] : role.env) {
    out << "  export " << name << "=" << shell_quote(value) << "\n";
  }
  // Each task's node, in rank order, for srun's arbitrary distribution.
  out << "  printf '%s\\n'";
  for (const auto& place : step.places) out << " " << node_host(place.job_node);
  out << " > \"$dlaunch_tmp/hosts." << step.index << "\"\n";
  out << "  SLURM_HOSTFILE=\"$dlaunch_tmp/hosts." << step.index << "\" srun --quiet --label --exact "
      << "--kill-on-bad-exit=1 --distribution=arbitrary --nodes=" << step.node_hosts.size() << " --ntasks="
      << step.tasks << " --cpus-per-task=" << step.cpus_per_task;
  if (step.memory_mib_per_node > 0) out << " --mem=" << step.memory_mib_per_node << "M";
  // Every task sees all of its role's GPUs on its node, so LOCAL_RANK indexes the devices it sees (srun
  // would otherwise bind each task to its own GPUs: --gpus-per-task implies --gpu-bind=per_task).
  if (step.gpus_per_task > 0) out << " --gpus-per-task=" << step.gpus_per_task << " --gpu-bind=none";
  out << " \\\n    /bin/bash -c \"$dlaunch_task\" dlaunch-task";
  if (role.launcher == "torchrun") out << " " << torchrun_words(job, role, step, submission_id);
  for (const auto& argument : role.entrypoint) out << " " << shell_quote(argument);
  // srun --label starts each task's line with "N: "; anything else (srun's own messages) gets the role alone.
  out << " 2>&1 \\\n    | sed -u -e 's/^ *\\([0-9]*\\): /[" << role.name << "\\/\\1] /' -e t -e 's/^/["
      << role.name << "] /'\n";
  out << "  return \"${PIPESTATUS[0]}\"\n";
  out << "}\n";
}

// Where every role is, and each role's function, for one node count.
void write_plan(std::ostringstream& out, const sdk::Job& job, const std::vector<RoleStep>& steps,
                const std::string& submission_id) {
  write_role_locations(out, job, steps);
  for (const auto& step : steps) write_role_function(out, job, steps, step, submission_id);
}

void write_failover(std::ostringstream& out, int64_t max_restarts) {
  out << "\n# failover.max_restarts = " << max_restarts << ": a failed attempt requeues the job (same job id;\n"
      << "# Slurm counts restarts in SLURM_RESTART_COUNT and holds a requeued job back for a while).\n";
  out << "if (( dlaunch_exit != 0 && ${SLURM_RESTART_COUNT:-0} < " << max_restarts << " )); then\n"
      << "  echo \"[dlaunch] attempt failed with exit code $dlaunch_exit; requeueing (restart "
      << "$(( ${SLURM_RESTART_COUNT:-0} + 1 )) of " << max_restarts << ")\"\n"
      << "  scontrol requeue \"$SLURM_JOB_ID\" && exit \"$dlaunch_exit\"\n"
      << "  echo \"[dlaunch] scontrol requeue failed: the job ends here\"\n"
      << "fi\n";
}

}  // namespace

std::string batch_script(const sdk::Job& job, const Allocation& allocation, const ScriptContext& context) {
  std::ostringstream out;
  out << "#!/bin/bash\n"
      << "# Generated by dlaunch: each role of the job runs as one srun step, all at once. The job ends when\n"
      << "# every driver role has ended, or when any role fails, with that role's exit code.\n"
      << "set -u\n"
      << "export DLAUNCH_RESTART_COUNT=\"${SLURM_RESTART_COUNT:-0}\" DLAUNCH_SUBMISSION_ID="
      << shell_quote(context.submission_id) << "\n"
      << "# The job's config, for every task: next to the output file, which the nodes share with dlaunch.\n"
      << "export DLAUNCH_CONFIG_FILE=" << shell_quote(context.config_file_prefix)
      << "\"-$SLURM_JOB_ID.config.json\"\n"
      << "printf '%s\\n' " << shell_quote(job.config.json()) << " > \"$DLAUNCH_CONFIG_FILE\"\n"
      << "# The allocation's nodes, in Slurm's order: the layout deals the roles' replicas onto them.\n"
      << "mapfile -t dlaunch_nodes < <(scontrol show hostnames \"$SLURM_JOB_NODELIST\")\n"
      << "dlaunch_tmp=$(mktemp -d)\n"
      << "trap 'rm -rf \"$dlaunch_tmp\"' EXIT\n\n"
      << kTaskRunner;
  if (allocation.on_fewer_nodes.empty()) {
    write_plan(out, job, allocation.steps, context.submission_id);
  } else {
    out << "\n# An elastic job: Slurm gave it SLURM_JOB_NUM_NODES nodes (" << allocation.min_nodes << " to "
        << allocation.nodes << "); the elastic roles run fewer replicas on fewer nodes.\n"
        << "case \"$SLURM_JOB_NUM_NODES\" in\n";
    for (const auto& [nodes, steps] : allocation.on_fewer_nodes) {
      out << nodes << ")\n";
      write_plan(out, job, steps, context.submission_id);
      out << ";;\n";
    }
    out << "*)\n";
    write_plan(out, job, allocation.steps, context.submission_id);
    out << ";;\nesac\n";
  }
  size_t drivers = 0;
  for (const auto& step : allocation.steps) {
    if (step.driver) ++drivers;
  }
  out << "\ndeclare -A dlaunch_running=()\n";
  for (const auto& step : allocation.steps) {
    out << "dlaunch_role_" << step.index << " &\n"
        << "dlaunch_running[$!]=" << (step.driver ? "driver" : "worker") << "\n";
  }
  out << "dlaunch_drivers=" << drivers << "\n" << kSupervisor;
  if (job.failover.max_restarts > 0) write_failover(out, job.failover.max_restarts);
  out << "exit \"$dlaunch_exit\"\n";
  return out.str();
}

}  // namespace dlaunch::slurm
