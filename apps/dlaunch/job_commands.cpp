// dlaunch status / logs / stop / delete: commands on jobs already submitted, named by handle.
#include <dlaunch/core/orchestrator.hpp>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <iostream>

#include "cli.hpp"
#include <dlaunch/core/exit_codes.hpp>
#include "json_writer.hpp"
#include "sweep_commands.hpp"

namespace dlaunch::cli {
namespace {

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

// The last N lines of a stream, kept as it passes (a last line without its newline counts as a line).
class LastLines {
 public:
  explicit LastLines(size_t count) : count_(count) {}

  void add(std::string_view chunk) {
    bytes_ += chunk.size();
    for (char c : chunk) {
      partial_ += c;
      if (c != '\n') continue;
      lines_.push_back(std::move(partial_));
      partial_.clear();
      if (lines_.size() > count_) lines_.pop_front();
    }
  }

  std::string text() const {
    std::deque<std::string> lines = lines_;
    if (!partial_.empty()) lines.push_back(partial_);
    while (lines.size() > count_) lines.pop_front();
    std::string out;
    for (const auto& line : lines) out += line;
    return out;
  }

  size_t bytes() const { return bytes_; }

 private:
  size_t count_;
  size_t bytes_ = 0;
  std::deque<std::string> lines_;
  std::string partial_;
};

}  // namespace

int status_command(const std::vector<std::string>& args) {
  bool wait = false;
  po::options_description options("Options");
  options.add_options()("wait,w", po::bool_switch(&wait), "wait for the job to end; exit with its exit code");
  add_output_option(options);
  HandleCommand command;
  if (auto done = prepare(args, options,
                          "dlaunch status HANDLE|sweep:ID [--wait] [--output text|json] [--set platform.ID.OPTION=VALUE]...",
                          command)) {
    return *done;
  }
  OutputFormat format = output_format(command.parsed.values);
  if (command.handle.platform == kSweepHandlePlatform) {
    return sweep_status(*command.orchestrator, command.handle.native_id, format, wait);
  }
  auto status = wait ? wait_with_progress(*command.orchestrator, command.handle)
                     : command.orchestrator->status(command.handle);
  if (!status) return report_job_failure(status.error(), command.handle);
  if (format == OutputFormat::kJson) {
    JsonOut json;
    json.status(*status, command.handle.platform);
  } else {
    // The job's own handle, as under -o json: a submission id given for a killed submit's job names it too.
    const std::string& native_id = status->native_id.empty() ? command.handle.native_id : status->native_id;
    std::cout << command.handle.platform << ":" << native_id << "  " << describe_state(*status) << "\n";
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
  options.add_options()
      ("follow,f", po::bool_switch(&follow), "keep printing new output until the job ends")
      ("tail", po::value<std::string>()->value_name("N"), "only the last N lines so far (then, with -f, what follows)");
  HandleCommand command;
  if (auto done = prepare(args, options, "dlaunch logs HANDLE [-f] [--tail N] [--set platform.ID.OPTION=VALUE]...",
                          command)) {
    return *done;
  }
  auto print = [](std::string_view chunk) { return write_output(stdout, chunk); };
  const std::optional<size_t> tail = count_option(command.parsed.values, "tail");
  if (!tail) {
    auto streamed = command.orchestrator->logs(command.handle, follow, print);
    if (!streamed) return report_job_failure(streamed.error(), command.handle);
    return 0;
  }
  // No platform is asked to cut its log: dlaunch reads it all and keeps the end.
  LastLines last(*tail);
  auto read = command.orchestrator->logs(command.handle, false, [&](std::string_view chunk) {
    last.add(chunk);
    return true;
  });
  if (!read) return report_job_failure(read.error(), command.handle);
  if (!print(last.text()) || !follow) return 0;
  // Following reads the log from its start again: what was read already is skipped, as logs only grow.
  size_t skip = last.bytes();
  auto streamed = command.orchestrator->logs(command.handle, true, [&](std::string_view chunk) {
    const size_t skipped = std::min(skip, chunk.size());
    skip -= skipped;
    chunk.remove_prefix(skipped);
    return chunk.empty() || print(chunk);
  });
  if (!streamed) return report_job_failure(streamed.error(), command.handle);
  return 0;
}

int stop_command(const std::vector<std::string>& args) {
  po::options_description options("Options");
  HandleCommand command;
  if (auto done = prepare(args, options, "dlaunch stop HANDLE|sweep:ID [--set platform.ID.OPTION=VALUE]...", command)) {
    return *done;
  }
  if (command.handle.platform == kSweepHandlePlatform) return sweep_stop(*command.orchestrator, command.handle.native_id);
  auto stopped = command.orchestrator->stop(command.handle);
  if (!stopped) return report_failure(stopped.error());
  std::cerr << "dlaunch: stopped " << command.handle.text() << "\n";
  return 0;
}

int delete_command(const std::vector<std::string>& args) {
  po::options_description options("Options");
  HandleCommand command;
  if (auto done = prepare(args, options, "dlaunch delete HANDLE [--set platform.ID.OPTION=VALUE]...", command)) {
    return *done;
  }
  auto deleted = command.orchestrator->delete_job(command.handle);
  if (!deleted) return report_failure(deleted.error());
  std::cerr << "dlaunch: deleted " << command.handle.text() << "\n";
  return 0;
}

}  // namespace dlaunch::cli
