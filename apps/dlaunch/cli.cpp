#include "cli.hpp"

#include <dlaunch/core/config.hpp>
#include <dlaunch/core/did_you_mean.hpp>
#include <dlaunch/core/plugin_host.hpp>
#include <unistd.h>

#include <boost/algorithm/string/predicate.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>

#include <dlaunch/core/exit_codes.hpp>
#include "json_writer.hpp"

namespace dlaunch::cli {

namespace {

OutputFormat error_output = OutputFormat::kText;
CommandShape* shape_collector = nullptr;

po::options_description global_options(GlobalOptions& into) {
  po::options_description options("Global options");
  options.add_options()
      ("plugin-dir", po::value(&into.plugin_dirs)->composing()->value_name("DIR"),
       "search DIR for plugins first (repeatable)")
      ("config", po::value(&into.config_file)->value_name("FILE"),
       "configuration file (default: $XDG_CONFIG_HOME/dlaunch/config.toml)")
      ("verbose,v", po::bool_switch(&into.verbose), "print what plugins log")
      ("help,h", "show this command's help");
  return options;
}

// "--wait" for each long option: what a mistyped option is compared with.
std::vector<std::string> long_option_names(const po::options_description& options) {
  std::vector<std::string> names;
  for (const auto& option : options.options()) {
    if (!option->long_name().empty()) names.push_back("--" + option->long_name());
  }
  return names;
}

// Boost's words for command-line mistakes ("too many positional options have been specified...") are not
// dlaunch's: each becomes one plain sentence naming the option, and an unknown one gets a did-you-mean.
UsageError usage_error_of(const po::error& e, const po::options_description& options) {
  if (const auto* unknown = dynamic_cast<const po::unknown_option*>(&e)) {
    const std::string name = unknown->get_option_name();
    std::string message = "unknown option '" + name + "'";
    if (std::string hint = did_you_mean(name, long_option_names(options)); !hint.empty()) message += "; " + hint;
    return UsageError{message};
  }
  if (const auto* syntax = dynamic_cast<const po::invalid_command_line_syntax*>(&e)) {
    const std::string name = syntax->get_option_name();
    switch (syntax->kind()) {
      case po::invalid_command_line_syntax::missing_parameter:
        return UsageError{"option '" + name + "' needs a value"};
      case po::invalid_command_line_syntax::extra_parameter:
        return UsageError{"option '" + name + "' takes no value"};
      default:
        return UsageError{"cannot read option '" + name + "'"};
    }
  }
  if (const auto* repeated = dynamic_cast<const po::multiple_occurrences*>(&e)) {
    return UsageError{"option '" + repeated->get_option_name() + "' is given more than once"};
  }
  if (const auto* named = dynamic_cast<const po::error_with_option_name*>(&e)) {
    return UsageError{"invalid value for option '" + named->get_option_name() + "'"};
  }
  return UsageError{e.what()};
}

}  // namespace

ParsedArgs parse(const std::vector<std::string>& args, const po::options_description& own,
                 const std::vector<Positional>& positionals) {
  ParsedArgs parsed;
  po::options_description all;
  all.add(own).add(global_options(parsed.global));
  if (shape_collector != nullptr) {
    shape_collector->options.add(all);
    shape_collector->positionals = positionals;
  }
  // Positional words are collected as they come and named here, so that their names never show in --help and
  // a word too many is named in the error.
  po::options_description words;
  words.add_options()("positional-words", po::value<std::vector<std::string>>());
  po::options_description parsed_options;
  parsed_options.add(all).add(words);
  po::positional_options_description positional;
  positional.add("positional-words", -1);
  const int style = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
  try {
    po::store(po::command_line_parser(args).options(parsed_options).positional(positional).style(style).run(),
              parsed.values);
    parsed.help = parsed.values.count("help") > 0;
    if (!parsed.help) po::notify(parsed.values);
  } catch (const po::error& e) {
    throw usage_error_of(e, all);
  }
  std::vector<std::string> given;
  if (parsed.values.count("positional-words") > 0) {
    given = parsed.values["positional-words"].as<std::vector<std::string>>();
  }
  if (given.size() > positionals.size()) throw UsageError{"unexpected argument '" + given[positionals.size()] + "'"};
  for (size_t i = 0; i < positionals.size(); ++i) {
    if (i < given.size()) {
      parsed.positionals[positionals[i].name] = given[i];
    } else if (positionals[i].required && !parsed.help) {
      throw UsageError{"missing " + positionals[i].name};
    }
  }
  return parsed;
}

std::string ParsedArgs::positional(const std::string& name) const {
  auto it = positionals.find(name);
  return it == positionals.end() ? std::string() : it->second;
}

void collect_command_shape(CommandShape* shape) { shape_collector = shape; }

void add_output_option(po::options_description& options) {
  options.add_options()("output,o", po::value<std::string>()->value_name("text|json"), "output format (default text)");
}

OutputFormat output_format(const po::variables_map& values) {
  if (values.count("output") == 0) return OutputFormat::kText;
  const std::string format = values["output"].as<std::string>();
  if (format == "json") return OutputFormat::kJson;
  if (format == "text") return OutputFormat::kText;
  throw UsageError{"--output must be text or json, not '" + format + "'"};
}

std::optional<size_t> count_option(const po::variables_map& values, const std::string& name) {
  if (values.count(name) == 0) return std::nullopt;
  const std::string text = values[name].as<std::string>();
  size_t count = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), count);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    throw UsageError{"--" + name + " needs a whole number, not '" + text + "'"};
  }
  return count;
}

void add_platform_set_option(po::options_description& options) {
  options.add_options()(
      "set", po::value<std::vector<std::string>>()->composing()->value_name("platform.ID.OPTION=VALUE"),
      "a platform option for this command, over the one recorded at submit (repeatable)");
}

std::vector<std::string> platform_set_values(const po::variables_map& values) {
  return values.count("set") > 0 ? values["set"].as<std::vector<std::string>>() : std::vector<std::string>();
}

std::optional<Orchestrator> make_orchestrator(const GlobalOptions& global, std::vector<std::string> option_overrides) {
  set_plugin_log_level(global.verbose ? LogLevel::kDebug : LogLevel::kWarning);
  OrchestratorSettings settings;
  settings.plugin_dirs = global.plugin_dirs;
  settings.option_overrides = std::move(option_overrides);
  settings.on_warning = [](const std::string& warning) { print_warnings({warning}); };
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

void warn_about_refused_plugin_dirs(Orchestrator& orchestrator, const GlobalOptions& global) {
  if (global.plugin_dirs.empty()) return;
  for (const auto& problem : orchestrator.catalog().problems()) {
    for (const auto& dir : global.plugin_dirs) {
      const auto relative = problem.path.lexically_relative(std::filesystem::path(dir));
      if (!relative.empty() && !relative.string().starts_with("..")) {
        std::cerr << "dlaunch: warning: " << problem.message << "\n";
        break;
      }
    }
  }
}

void print_diagnostics(const Diagnostics& diagnostics) {
  for (const auto& d : diagnostics) std::cerr << format_diagnostic(d) << "\n";
}

void print_warnings(const std::vector<std::string>& warnings) {
  for (const auto& w : warnings) std::cerr << "dlaunch: warning: " << w << "\n";
}

void set_error_format(OutputFormat format) { error_output = format; }
OutputFormat error_format() { return error_output; }

int report_failure(const Error& failure) {
  if (error_output == OutputFormat::kJson) {
    JsonOut json;
    json.w().StartObject();
    json.error(failure);
    if (!failure.diagnostics.empty()) {
      json.key("diagnostics");
      json.diagnostics(failure.diagnostics);
    }
    json.w().EndObject();
  } else {
    print_diagnostics(failure.diagnostics);
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
  // ferror too: on a line-buffered stream a failed write (EPIPE) can leave fwrite and fflush reporting success.
  return std::fwrite(chunk.data(), 1, chunk.size(), stream) == chunk.size() && std::fflush(stream) == 0 &&
         std::ferror(stream) == 0;
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

namespace {

// "  -p, --platform ID     platform to run on": the options as a user types them, one line each.
void print_options(const std::string& title, const po::options_description& options) {
  if (options.options().empty()) return;
  std::vector<std::pair<std::string, std::string>> rows;
  size_t width = 0;
  for (const auto& option : options.options()) {
    std::string names = "--" + option->long_name();
    if (std::string with_short = option->canonical_display_name(po::command_line_style::allow_dash_for_short);
        with_short.size() == 2 && with_short[0] == '-') {
      names = with_short + ", " + names;
    }
    if (std::string value = option->format_parameter(); !value.empty()) names += " " + value;
    width = std::max(width, names.size());
    rows.emplace_back(names, option->description());
  }
  std::cout << title << ":\n";
  for (const auto& [names, help] : rows) {
    std::cout << "  " << names << std::string(width - names.size() + 2, ' ') << help << "\n";
  }
  std::cout << "\n";
}

}  // namespace

void print_help(const std::string& usage, const po::options_description& options) {
  if (shape_collector != nullptr) return;
  GlobalOptions ignored;
  std::cout << "usage: " << usage << "\n\n";
  print_options("Options", options);
  print_options("Global options", global_options(ignored));
}

std::string format_time(int64_t ms) {
  if (ms <= 0) return "-";
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  // localtime_r reads the time zone once per process; localtime checks /etc/localtime again on every call,
  // which was most of listing 100,000 jobs.
  static const bool zone_read = (tzset(), true);
  (void)zone_read;
  std::tm local{};
  localtime_r(&seconds, &local);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &local);
  return text;
}

Table::Table(std::vector<std::string> headers) : headers_(std::move(headers)) {
  for (const auto& header : headers_) widths_.push_back(header.size());
}

void Table::measure(const std::vector<std::string>& row) {
  for (size_t c = 0; c < row.size() && c < widths_.size(); ++c) widths_[c] = std::max(widths_[c], row[c].size());
}

void Table::print(const std::vector<std::string>& row) {
  const size_t columns = std::min(row.size(), headers_.size());
  for (size_t c = 0; c < columns; ++c) {
    pending_ += row[c];
    if (c + 1 < columns) pending_.append(widths_[c] - row[c].size() + 2, ' ');
  }
  pending_ += '\n';
  constexpr size_t kBlock = 64 * 1024;
  if (pending_.size() >= kBlock) flush();
}

void Table::flush() {
  if (pending_.empty()) return;
  std::fwrite(pending_.data(), 1, pending_.size(), stdout);
  std::fflush(stdout);
  pending_.clear();
}

void print_table(const std::vector<std::string>& headers, const std::vector<std::vector<std::string>>& rows) {
  Table table(headers);
  for (const auto& row : rows) table.measure(row);
  table.print_header();
  for (const auto& row : rows) table.print(row);
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

bool terminal_takes_escape_codes() {
  const char* term = std::getenv("TERM");
  const char* no_color = std::getenv("NO_COLOR");
  return isatty(STDERR_FILENO) != 0 && term != nullptr && *term != '\0' && std::string_view(term) != "dumb" &&
         (no_color == nullptr || *no_color == '\0');
}

Result<JobStatus> wait_with_progress(Orchestrator& orchestrator, const JobHandle& handle) {
  const bool tty = terminal_takes_escape_codes();
  const auto start = std::chrono::steady_clock::now();
  static const char* kFrames[] = {"|", "/", "-", "\\"};
  size_t frame = 0;
  std::string last;
  auto result = orchestrator.wait(handle, [&](const JobStatus& s) {
    std::string line = describe_state(s);
    // A waiting job says what it waits for (a gang's resources, a queue's reason).
    if (s.state == JobState::kPending && !s.message.empty()) line += ": " + s.message;
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
