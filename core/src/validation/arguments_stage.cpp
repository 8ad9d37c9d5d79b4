// `dlaunch run SPEC -- ARGS...`: the arguments go to the end of the driver role's entrypoint, as `ray job submit
// -- ARGS` and `torchx run ... -- ARGS` give them to the one program they start.
#include "validation/stages.hpp"

namespace dlaunch {
namespace {

// One argument for a shell command line: as it is when the shell would not change it, else single-quoted.
std::string shell_quoted(const std::string& word) {
  const bool plain = !word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                             "0123456789@%_+=:,./-") == std::string::npos;
  if (plain) return word;
  std::string quoted = "'";
  for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

}  // namespace

void arguments_stage(ValidationContext& context) {
  if (context.driver_args.empty() || !context.job || context.job->roles.empty()) return;
  Job& job = *context.job;
  bool any_marked = false;
  for (const auto& role : job.roles) any_marked = any_marked || role.driver.value_or(false);
  std::vector<size_t> drivers;
  for (size_t i = 0; i < job.roles.size(); ++i) {
    if (!any_marked || job.roles[i].driver.value_or(false)) drivers.push_back(i);
  }
  if (drivers.size() != 1) {
    std::string names;
    for (size_t i : drivers) names += (names.empty() ? "'" : ", '") + job.roles[i].name + "'";
    context.diagnostics.push_back(
        Diagnostic{Severity::kError, "roles", {},
                   "arguments after -- go to the driver role's entrypoint, but this job has " +
                       std::to_string(drivers.size()) + " driver roles (" + names + ")",
                   "mark the one that takes them with driver = true"});
    return;
  }
  Role& driver = job.roles[drivers.front()];
  // A string entrypoint is a shell command (/bin/sh -c STRING): the arguments join the command, quoted, so the
  // shell passes them on unchanged instead of taking them as its own $0, $1...
  const Value* roles = context.tree ? context.tree->find("roles") : nullptr;
  const Value* written = roles && roles->is_array() && drivers.front() < roles->items().size()
                             ? roles->items()[drivers.front()].find("entrypoint")
                             : nullptr;
  if (written != nullptr && written->is_string() && driver.entrypoint.size() == 3) {
    for (const auto& arg : context.driver_args) driver.entrypoint[2] += " " + shell_quoted(arg);
  } else {
    driver.entrypoint.insert(driver.entrypoint.end(), context.driver_args.begin(), context.driver_args.end());
  }
}

}  // namespace dlaunch
