// dlaunch: submit a training job described once to any platform, then follow, stop and list it.
#include <csignal>
#include <cstring>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <dlaunch/core/plugin_host.hpp>

#include "cli.hpp"
#include "exit_codes.hpp"

namespace {

constexpr const char* kUsage = R"(usage: dlaunch COMMAND [ARGS] [--plugin-dir DIR]... [--config FILE] [-v]

Commands:
  run SPEC [-p PLATFORM] [--set K=V]... [--dry-run] [--wait|-w] [--follow|-f] [--output text|json]
                       validate and submit a job; prints its handle PLATFORM:NATIVE_ID on the last line
  validate SPEC [-p PLATFORM] [--set K=V]... [--output text|json]
                       report every problem in a spec, compiler style; submit nothing
  status HANDLE [--wait] [--output text|json]
  logs HANDLE [-f]
  stop HANDLE
  delete HANDLE
  list [-p PLATFORM] [--output text|json]
  plugins list | plugins info ID | plugins check PLUGIN_DIR
                       what is installed; a plugin author's conformance check
  schema               the JSON Schema of job specs, for editors
  version

Run 'dlaunch COMMAND --help' for a command's options.

Exit codes:
  0   success (with --wait/--follow: the job succeeded)
  N   with --wait/--follow: the job failed with exit code N (1 when it failed without one: stopped, lost)
  1   no such job, or the platform refused the operation in the job's state
  64  usage error
  65  invalid spec (nothing was submitted) or invalid configuration
  66  spec file missing or unreadable
  69  platform unreachable
  70  internal or plugin error
  75  temporary failure worth retrying
  77  not authorized by the platform
  130 interrupted while waiting (the job goes on)
)";

void on_interrupt(int) {
  // The first Ctrl-C asks plugins and waits to wind down; a second one ends the process at once.
  dlaunch::request_cancellation();
  std::signal(SIGINT, SIG_DFL);
}

// -o json anywhere before `--` (as every command spells it): errors, usage errors included, are then JSON.
bool asks_for_json(const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size() && args[i] != "--"; ++i) {
    const std::string& a = args[i];
    if (a == "--output=json" || a == "-ojson" || a == "-o=json") return true;
    if ((a == "-o" || a == "--output") && i + 1 < args.size() && args[i + 1] == "json") return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace dlaunch::cli;
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGPIPE, SIG_IGN);  // `dlaunch logs ... | head` must not kill us mid-write

  static const std::map<std::string, int (*)(const std::vector<std::string>&)> kCommands = {
      {"run", run_command},         {"validate", validate_command}, {"status", status_command},
      {"logs", logs_command},       {"stop", stop_command},         {"delete", delete_command},
      {"list", list_command},       {"plugins", plugins_command},   {"schema", schema_command},
      {"version", version_command}};

  // The command is the first word that is neither an option nor the value of a global option.
  std::vector<std::string> args(argv + 1, argv + argc);
  if (asks_for_json(args)) set_error_format(OutputFormat::kJson);
  std::string command;
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (command.empty() && (a == "--plugin-dir" || a == "--config") && i + 1 < args.size()) {
      rest.push_back(a);
      rest.push_back(args[++i]);
    } else if (command.empty() && !a.starts_with("-")) {
      command = a;
    } else {
      rest.push_back(a);
    }
  }
  if (command.empty()) {
    if (!args.empty() && args[0] == "--version") return version_command({});
    bool asked = !args.empty() && (args[0] == "--help" || args[0] == "-h");
    (asked ? std::cout : std::cerr) << kUsage;
    return asked ? 0 : exit_code_for(dlaunch::ErrorCode::kInvalidRequest);
  }
  auto it = kCommands.find(command);
  if (it == kCommands.end()) return report_usage_error("", "unknown command '" + command + "'");
  try {
    return it->second(rest);
  } catch (const UsageError& e) {
    return report_usage_error(command, e.message);
  } catch (const std::exception& e) {
    return report_failure(dlaunch::Error{dlaunch::ErrorCode::kInternal, std::string("internal error: ") + e.what()});
  }
}
