// dlaunch: submit a training job described once to any platform, then follow, stop and list it.
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <malloc.h>

#include <dlaunch/core/did_you_mean.hpp>
#include <dlaunch/core/plugin_host.hpp>

#include "cli.hpp"
#include <dlaunch/core/exit_codes.hpp>

namespace {

constexpr const char* kUsage = R"(usage: dlaunch COMMAND [ARGS] [--plugin-dir DIR]... [--config FILE] [-v]

Commands:
  run SPEC [-p PLATFORM] [--set K=V]... [--sweep K=V1,V2]... [--dry-run] [--wait|-w] [--follow|-f]
           [--output text|json] [-- ARGS...]
                       validate and submit a job (SPEC - reads stdin; ARGS go to the driver's entrypoint);
                       prints its handle PLATFORM:NATIVE_ID alone on the last line of stdout; with --sweep or
                       a [sweep] table, one job per combination of values, and the handle sweep:ID last
  validate SPEC [-p PLATFORM] [--set K=V]... [--sweep K=V1,V2]... [--output text|json] [-- ARGS...]
                       report every problem in a spec, compiler style; submit nothing
  status HANDLE|sweep:ID [--wait] [--output text|json]
  logs HANDLE [-f] [--tail N]
  stop HANDLE|sweep:ID
  delete HANDLE
  list [-p PLATFORM] [--state STATE]... [--limit N] [--output text|json]
                       jobs newest first: the journal's, each with its state, or (-p) the platform's
  prune [--older-than DURATION] [-p PLATFORM]
                       forget the journal's finished jobs submitted longer ago than DURATION (default 30d)
                       status, logs, stop, delete and list -p also take --set platform.ID.OPTION=VALUE
  plugins list | plugins info ID | plugins check PLUGIN_DIR
                       what is installed; a plugin author's conformance check
  schema               the JSON Schema of job specs, for editors
  ui [--port N] [--open]
                       the jobs as a local web page, with live logs (docs/ui.md)
  completion bash|zsh|fish
                       prints a shell completion script (docs/cli.md#completion)
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

namespace dlaunch::cli {

const std::map<std::string, CommandFunction>& commands() {
  static const std::map<std::string, CommandFunction> kCommands = {
      {"run", run_command},         {"validate", validate_command}, {"status", status_command},
      {"logs", logs_command},       {"stop", stop_command},         {"delete", delete_command},
      {"list", list_command},       {"prune", prune_command},       {"plugins", plugins_command},
      {"schema", schema_command},   {"version", version_command},   {"completion", completion_command},
      {"ui", ui_command}};
  return kCommands;
}

}  // namespace dlaunch::cli

int main(int argc, char** argv) {
  using namespace dlaunch::cli;
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGPIPE, SIG_IGN);  // `dlaunch logs ... | head` must not kill us mid-write
  // Line by line, so results and the notes on stderr keep the order they were written in when both go to one
  // pipe or file (`dlaunch list 2>&1 | less`), as on a terminal.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  // Blocks of 32 KiB and more (JSON documents' 64 KiB pools, SQLite's caches) get pages of their own, given
  // back when freed, rather than pages of a thread's malloc arena that stay resident once touched: a sweep's
  // 8 submitting threads each kept their own. About 1 MiB of a 20-job sweep's peak; set here, not through
  // MALLOC_MMAP_THRESHOLD_, so the jobs dlaunch starts do not inherit it.
  mallopt(M_MMAP_THRESHOLD, 32 * 1024);

  const auto& kCommands = commands();

  // The command is the first word that is neither an option nor the value of a global option.
  std::vector<std::string> args(argv + 1, argv + argc);
  if (asks_for_json(args)) set_error_format(OutputFormat::kJson);
  std::string command, word_before_command;
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (command.empty() && (a == "--plugin-dir" || a == "--config") && i + 1 < args.size()) {
      rest.push_back(a);
      rest.push_back(args[++i]);
    } else if (command.empty() && !a.starts_with("-")) {
      command = a;
      if (i > 0) word_before_command = args[i - 1];
    } else {
      rest.push_back(a);
    }
  }
  // A mistyped global option before the command: "unknown option '--plugin-dri'", not "unknown command" for its
  // value.
  static const std::vector<std::string> kGlobal = {"--plugin-dir", "--config", "--verbose", "--help", "--version"};
  auto unknown_global = [&](const std::string& word) -> std::optional<int> {
    const std::string name = word.substr(0, word.find('='));
    if (!name.starts_with("--") || std::find(kGlobal.begin(), kGlobal.end(), name) != kGlobal.end()) {
      return std::nullopt;
    }
    std::string hint = dlaunch::did_you_mean(name, kGlobal);
    return report_usage_error("", "unknown option '" + name + "'" + (hint.empty() ? "" : "; " + hint));
  };
  if (command.empty()) {
    if (!args.empty() && args[0] == "--version") return version_command({});
    if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
      std::cout << kUsage;
      return 0;
    }
    if (args.empty()) {
      std::cerr << kUsage;
      return exit_code_for(dlaunch::ErrorCode::kInvalidRequest);
    }
    for (const auto& a : args) {
      if (auto reported = unknown_global(a)) return *reported;
    }
    return report_usage_error("", "no command given");
  }
  auto it = kCommands.find(command);
  if (it == kCommands.end()) {
    if (auto reported = unknown_global(word_before_command)) return *reported;
    std::vector<std::string> names;
    for (const auto& [name, fn] : kCommands) names.push_back(name);
    std::string hint = dlaunch::did_you_mean(command, names);
    return report_usage_error("", "unknown command '" + command + "'" + (hint.empty() ? "" : "; " + hint));
  }
  try {
    return it->second(rest);
  } catch (const UsageError& e) {
    return report_usage_error(command, e.message);
  } catch (const std::exception& e) {
    return report_failure(dlaunch::Error{dlaunch::ErrorCode::kInternal, std::string("internal error: ") + e.what()});
  }
}
