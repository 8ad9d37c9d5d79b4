#include "cli.hpp"

#include <dlaunch/core/config.hpp>
#include <dlaunch/core/plugin_host.hpp>
#include <unistd.h>

#include <boost/algorithm/string/predicate.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "exit_codes.hpp"
#include "json_writer.hpp"

namespace dlaunch::cli {

namespace {

OutputFormat error_output = OutputFormat::kText;

po::options_description global_options(GlobalOptions& into) {
  po::options_description options("Global options");
  options.add_options()
      ("plugin-dir", po::value(&into.plugin_dirs)->composing(), "search DIR for plugins first (repeatable)")
      ("config", po::value(&into.config_file), "configuration file (default: $XDG_CONFIG_HOME/dlaunch/config.toml)")
      ("verbose,v", po::bool_switch(&into.verbose), "print what plugins log")
      ("help,h", "show this command's help");
  return options;
}

}  // namespace

ParsedArgs parse(const std::vector<std::string>& args, const po::options_description& own,
                 const po::positional_options_description& positional) {
  ParsedArgs parsed;
  po::options_description all;
  all.add(own).add(global_options(parsed.global));
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), parsed.values);
    parsed.help = parsed.values.count("help") > 0;
    if (!parsed.help) po::notify(parsed.values);
  } catch (const po::required_option& e) {
    // Name the positional argument the way the usage line does ("missing SPEC"), not as an option.
    std::string name = e.get_option_name();
    name.erase(0, name.find_first_not_of('-'));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::toupper(c); });
    throw UsageError{"missing " + name};
  } catch (const po::error& e) {
    throw UsageError{e.what()};
  }
  return parsed;
}

void add_output_option(po::options_description& options) {
  options.add_options()("output,o", po::value<std::string>()->default_value("text"), "text or json");
}

OutputFormat output_format(const po::variables_map& values) {
  const std::string format = values["output"].as<std::string>();
  if (format == "json") return OutputFormat::kJson;
  if (format == "text") return OutputFormat::kText;
  throw UsageError{"--output must be text or json, not '" + format + "'"};
}

std::optional<Orchestrator> make_orchestrator(const GlobalOptions& global) {
  set_plugin_log_level(global.verbose ? LogLevel::kDebug : LogLevel::kWarning);
  OrchestratorSettings settings;
  settings.plugin_dirs = global.plugin_dirs;
  bool explicit_file = !global.config_file.empty();
  auto loaded = load_config(explicit_file ? std::filesystem::path(global.config_file) : default_config_file(),
                            explicit_file, settings);
  if (!loaded) {
    if (error_output == OutputFormat::kJson) {
      JsonOut json;
      json.w().StartObject();
      json.error(Error{loaded.error().code, "the configuration file is invalid"});
      json.key("diagnostics");
      json.diagnostics(loaded.error().diagnostics);
      json.w().EndObject();
    } else {
      print_diagnostics(loaded.error().diagnostics);
    }
    return std::nullopt;
  }
  return Orchestrator(std::move(settings));
}

void print_diagnostics(const Diagnostics& diagnostics) {
  for (const auto& d : diagnostics) std::cerr << format_diagnostic(d) << "\n";
}

void set_error_format(OutputFormat format) { error_output = format; }
OutputFormat error_format() { return error_output; }

int report_failure(const Error& failure) {
  if (error_output == OutputFormat::kJson) {
    JsonOut json;
    json.w().StartObject();
    json.error(failure);
    json.w().EndObject();
  } else {
    std::cerr << "dlaunch: error: " << failure.message << "\n";
  }
  return exit_code_for(failure.code);
}

int report_usage_error(const std::string& command, const std::string& message) {
  const std::string help = command.empty() ? "dlaunch --help" : "dlaunch " + command + " --help";
  if (error_output == OutputFormat::kJson) return report_failure(Error{ErrorCode::kInvalidRequest, message});
  std::cerr << "dlaunch" << (command.empty() ? "" : " " + command) << ": error: " << message << "\n(see: " << help
            << ")\n";
  return exit_code_for(ErrorCode::kInvalidRequest);
}

bool write_output(std::FILE* stream, std::string_view chunk) {
  return std::fwrite(chunk.data(), 1, chunk.size(), stream) == chunk.size() && std::fflush(stream) == 0;
}

int report_job_failure(const Error& failure, const JobHandle& handle) {
  const bool interrupted = failure.code == ErrorCode::kCancelled;
  if (error_output == OutputFormat::kJson) {
    JsonOut json;
    json.w().StartObject();
    json.error(interrupted ? Error{failure.code, "interrupted; the job goes on: " + handle.text()} : failure);
    json.field("handle", handle.text());
    json.field("platform", handle.platform);
    json.w().EndObject();
    return exit_code_for(failure.code);
  }
  if (interrupted) {
    std::cerr << "dlaunch: interrupted; the job goes on: " << handle.text() << "\n";
    return exit_code_for(failure.code);
  }
  return report_failure(failure);
}

void print_help(const std::string& usage, const po::options_description& options) {
  GlobalOptions ignored;
  std::cout << "usage: " << usage << "\n\n" << options << "\n" << global_options(ignored) << "\n";
}

int exit_code_of_job(const JobStatus& status) {
  if (status.state == JobState::kSucceeded) return 0;
  if (status.exit_code && *status.exit_code != 0) return *status.exit_code;
  return 1;
}

std::string describe_state(const JobStatus& status) {
  std::string text = state_name(status.state);
  if (status.state == JobState::kFailed && status.exit_code) text += " (exit " + std::to_string(*status.exit_code) + ")";
  if (status.restarts > 0) {
    text += " after " + std::to_string(status.restarts) + (status.restarts == 1 ? " restart" : " restarts");
  }
  if (!status.native_state.empty() && !boost::iequals(status.native_state, state_name(status.state))) {
    text += " [" + status.native_state + "]";
  }
  return text;
}

Result<JobStatus> wait_with_progress(Orchestrator& orchestrator, const JobHandle& handle) {
  const bool tty = isatty(STDERR_FILENO) != 0;
  const auto start = std::chrono::steady_clock::now();
  static const char* kFrames[] = {"|", "/", "-", "\\"};
  size_t frame = 0;
  std::string last;
  auto result = orchestrator.wait(handle, [&](const JobStatus& s) {
    std::string line = describe_state(s);
    if (tty) {
      auto seconds = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start).count();
      std::fprintf(stderr, "\r\033[K%s %s %s (%llds)", kFrames[frame++ % 4], handle.text().c_str(), line.c_str(),
                   static_cast<long long>(seconds));
    } else if (line != last && !s.terminal()) {  // the caller reports the end
      std::fprintf(stderr, "dlaunch: %s %s\n", handle.text().c_str(), line.c_str());
    }
    last = line;
  });
  if (tty) std::fprintf(stderr, "\r\033[K");
  return result;
}

}  // namespace dlaunch::cli
