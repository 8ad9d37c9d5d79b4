// dlaunch status / logs / stop / delete / list: commands on jobs already submitted, named by handle.
#include <dlaunch/core/orchestrator.hpp>

#include <cstdio>
#include <ctime>
#include <iostream>

#include "cli.hpp"
#include "exit_codes.hpp"
#include "json_writer.hpp"

namespace dlaunch::cli {
namespace {

std::string format_time(int64_t ms) {
  if (ms <= 0) return "-";
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", std::localtime(&seconds));
  return text;
}

// Runs a handle command's common prologue. Returns an exit code when the command is already done (help or
// error), else fills `orchestrator` and `parsed_handle`.
struct HandleCommand {
  std::optional<Orchestrator> orchestrator;
  JobHandle handle;
  ParsedArgs parsed;
};

std::optional<int> prepare(const std::vector<std::string>& args, po::options_description& options,
                           const std::string& usage, HandleCommand& out) {
  add_platform_set_option(options);
  out.parsed = parse(args, options, {{"HANDLE"}});
  if (out.parsed.help) {
    print_help(usage, options);
    return 0;
  }
  auto handle = parse_handle(out.parsed.positional("HANDLE"));
  if (!handle) return report_failure(handle.error());
  out.handle = *handle;
  out.orchestrator = make_orchestrator(out.parsed.global, platform_set_values(out.parsed.values));
  if (!out.orchestrator) return exit_code_for(ErrorCode::kInvalidArgument);
  warn_about_refused_plugin_dirs(*out.orchestrator, out.parsed.global);
  return std::nullopt;
}

}  // namespace

int status_command(const std::vector<std::string>& args) {
  bool wait = false;
  po::options_description options("Options");
  options.add_options()("wait,w", po::bool_switch(&wait), "wait for the job to end; exit with its exit code");
  add_output_option(options);
  HandleCommand command;
  if (auto done = prepare(args, options, "dlaunch status HANDLE [--wait] [--output text|json] [--set platform.ID.OPTION=VALUE]...", command)) {
    return *done;
  }
  OutputFormat format = output_format(command.parsed.values);
  auto status = wait ? wait_with_progress(*command.orchestrator, command.handle)
                     : command.orchestrator->status(command.handle);
  if (!status) return report_job_failure(status.error(), command.handle);
  if (format == OutputFormat::kJson) {
    JsonOut json;
    json.status(*status, command.handle.platform);
  } else {
    std::cout << command.handle.text() << "  " << describe_state(*status) << "\n";
    if (!status->name.empty()) std::cout << "  name:     " << status->name << "\n";
    if (status->start_time_ms > 0) std::cout << "  started:  " << format_time(status->start_time_ms) << "\n";
    if (status->end_time_ms > 0) std::cout << "  ended:    " << format_time(status->end_time_ms) << "\n";
    if (!status->message.empty()) std::cout << "  message:  " << status->message << "\n";
  }
  return wait ? exit_code_of_job(*status) : 0;
}

int logs_command(const std::vector<std::string>& args) {
  bool follow = false;
  po::options_description options("Options");
  options.add_options()("follow,f", po::bool_switch(&follow), "keep printing new output until the job ends");
  HandleCommand command;
  if (auto done = prepare(args, options, "dlaunch logs HANDLE [-f] [--set platform.ID.OPTION=VALUE]...", command)) return *done;
  auto streamed = command.orchestrator->logs(command.handle, follow,
                                               [](std::string_view chunk) { return write_output(stdout, chunk); });
  if (!streamed) return report_job_failure(streamed.error(), command.handle);
  return 0;
}

int stop_command(const std::vector<std::string>& args) {
  po::options_description options("Options");
  HandleCommand command;
  if (auto done = prepare(args, options, "dlaunch stop HANDLE [--set platform.ID.OPTION=VALUE]...", command)) return *done;
  auto stopped = command.orchestrator->stop(command.handle);
  if (!stopped) return report_failure(stopped.error());
  std::cerr << "dlaunch: stopped " << command.handle.text() << "\n";
  return 0;
}

int delete_command(const std::vector<std::string>& args) {
  po::options_description options("Options");
  HandleCommand command;
  if (auto done = prepare(args, options, "dlaunch delete HANDLE [--set platform.ID.OPTION=VALUE]...", command)) return *done;
  auto deleted = command.orchestrator->delete_job(command.handle);
  if (!deleted) return report_failure(deleted.error());
  std::cerr << "dlaunch: deleted " << command.handle.text() << "\n";
  return 0;
}

int list_command(const std::vector<std::string>& args) {
  std::string platform;
  po::options_description options("Options");
  options.add_options()("platform,p", po::value(&platform)->value_name("ID"),
                        "ask this platform for its jobs (default: the jobs this machine's journal holds)");
  add_output_option(options);
  add_platform_set_option(options);
  auto parsed = parse(args, options, {});
  if (parsed.help) {
    print_help("dlaunch list [-p PLATFORM [--set platform.ID.OPTION=VALUE]...] [--output text|json]", options);
    return 0;
  }
  OutputFormat format = output_format(parsed.values);
  const auto option_overrides = platform_set_values(parsed.values);
  if (platform.empty() && !option_overrides.empty()) {
    throw UsageError{"--set is for the platform that -p names; the journal needs none"};
  }
  auto orchestrator = make_orchestrator(parsed.global, option_overrides);
  if (!orchestrator) return exit_code_for(ErrorCode::kInvalidArgument);
  if (!platform.empty()) warn_about_refused_plugin_dirs(*orchestrator, parsed.global);

  if (platform.empty()) {
    auto entries = orchestrator->journal_entries();
    if (!entries) return report_failure(entries.error());
    if (format == OutputFormat::kJson) {
      JsonOut json;
      json.w().StartArray();
      for (const auto& e : *entries) {
        json.w().StartObject();
        json.field("handle", e.handle());
        json.field("submission_id", e.submission_id);
        json.field("platform", e.platform);
        json.field("name", e.job_name);
        json.field("journal_state", to_string(e.state));
        json.field("spec_file", e.spec_file);
        json.field("created_ms", e.created_ms);
        if (!e.error.empty()) json.field("error", e.error);
        json.w().EndObject();
      }
      json.w().EndArray();
      return 0;
    }
    std::printf("%-44s %-20s %-10s %s\n", "HANDLE", "NAME", "JOURNAL", "SUBMITTED");
    for (const auto& e : *entries) {
      std::string handle = e.handle().empty() ? "(" + e.submission_id + ")" : e.handle();
      std::printf("%-44s %-20s %-10s %s\n", handle.c_str(), e.job_name.c_str(), to_string(e.state),
                  format_time(e.created_ms).c_str());
    }
    return 0;
  }

  auto jobs = orchestrator->list(platform);
  if (!jobs) return report_failure(jobs.error());
  if (format == OutputFormat::kJson) {
    JsonOut json;
    json.w().StartArray();
    for (const auto& s : *jobs) json.status(s, platform);
    json.w().EndArray();
    return 0;
  }
  std::printf("%-44s %-20s %-28s %s\n", "HANDLE", "NAME", "STATE", "DLAUNCH");
  for (const auto& s : *jobs) {
    std::string handle = platform + ":" + s.native_id;
    std::printf("%-44s %-20s %-28s %s\n", handle.c_str(), s.name.c_str(), describe_state(s).c_str(),
                s.submitted_by_dlaunch ? "yes" : "-");
  }
  return 0;
}

}  // namespace dlaunch::cli
