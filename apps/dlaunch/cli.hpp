// The dlaunch command line: shared pieces of every command.
#ifndef APPS_CLI_HPP_
#define APPS_CLI_HPP_

#include <dlaunch/core/diagnostic.hpp>
#include <dlaunch/core/error.hpp>
#include <dlaunch/core/exit_codes.hpp>
#include <dlaunch/core/job_status.hpp>
#include <dlaunch/core/orchestrator.hpp>

#include <boost/program_options.hpp>

#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dlaunch::cli {

namespace po = boost::program_options;

enum class OutputFormat { kText, kJson };

// Options every command accepts.
struct GlobalOptions {
  std::vector<std::string> plugin_dirs;
  std::string config_file;
  bool verbose = false;
};

// A word of a command that is not an option: SPEC, HANDLE...
struct Positional {
  std::string name;  // as the usage line writes it: "missing SPEC"
  bool required = true;
};

// A command's parsed command line.
struct ParsedArgs {
  po::variables_map values;
  std::map<std::string, std::string> positionals;
  GlobalOptions global;
  bool help = false;

  std::string positional(const std::string& name) const;  // "" when not given
};

// Thrown for usage errors; main prints it with the command's usage and exits 64.
struct UsageError {
  std::string message;
};

// Parses `args` (the words after the command name) against the command's own options and positional words
// plus the global options. Options are never guessed from a prefix. Throws UsageError, in dlaunch's words.
ParsedArgs parse(const std::vector<std::string>& args, const po::options_description& own,
                 const std::vector<Positional>& positionals);

// A command's own options (with the global ones) and positional words, as completion needs them.
struct CommandShape {
  po::options_description options;
  std::vector<Positional> positionals;
};

// While set, parse() records the options and positional words of the command it parses into `shape`, and
// print_help prints nothing: completion runs a command with --help to learn them, so that each command's
// options are written once, where the command reads them.
void collect_command_shape(CommandShape* shape);

// Adds --output text|json to `options`; reads it back.
void add_output_option(po::options_description& options);
OutputFormat output_format(const po::variables_map& values);

// The value of a count option (--limit N, --tail N): a whole number, or nullopt when not given. Throws UsageError.
std::optional<size_t> count_option(const po::variables_map& values, const std::string& name);

// Adds --set platform.ID.OPTION=VALUE, for commands on submitted jobs; reads it back.
void add_platform_set_option(po::options_description& options);
std::vector<std::string> platform_set_values(const po::variables_map& values);

// Builds the orchestrator from the global options and the configuration file, with `option_overrides` (the
// --set of a command on submitted jobs). On a broken configuration prints its diagnostics and returns nullopt
// (kInvalidArgument: exit 65).
std::optional<Orchestrator> make_orchestrator(const GlobalOptions& global,
                                              std::vector<std::string> option_overrides = {});

// How errors are reported: a line on stderr, or under -o json a document {"error": {...}} on stdout (so stdout
// holds exactly one JSON document whatever happens). main sets it before the command parses its options, so
// usage errors follow it too.
void set_error_format(OutputFormat format);
OutputFormat error_format();

// Warns on stderr about each plugin, or whole directory, of a --plugin-dir that was refused (writable by others
// ...), with the reason: the user named the directory, so skipping it silently would hide why a plugin is not
// found, or why another one with the same id is used.
void warn_about_refused_plugin_dirs(Orchestrator& orchestrator, const GlobalOptions& global);

// Printing. Diagnostics go to stderr, compiler style; errors as set_error_format says.
void print_diagnostics(const Diagnostics& diagnostics);
void print_warnings(const std::vector<std::string>& warnings);  // "dlaunch: warning: ..." on stderr
int report_failure(const Error& failure);  // prints "dlaunch: error: ..." and returns its exit code
// A usage error of `command` ("" before there is one): "dlaunch COMMAND: error: ..." and where the help is.
int report_usage_error(const std::string& command, const std::string& message);
void print_help(const std::string& usage, const po::options_description& options);

// Writes a chunk of job output to `stream`. Returns false when the stream is gone (`dlaunch logs -f | head`),
// which ends the stream.
bool write_output(std::FILE* stream, std::string_view chunk);

// Reports a failure of a command on a running job. Ctrl-C (kCancelled) reads the same everywhere: the job
// goes on, and its handle is named (in JSON too).
int report_job_failure(const Error& failure, const JobHandle& handle);

// Whether progress lines may use cursor codes: stderr is a terminal that knows them (TERM set and not "dumb")
// and the user did not ask for plain output (NO_COLOR, https://no-color.org). Otherwise no progress is shown.
bool terminal_takes_escape_codes();

// "2026-11-28 13:41:54" in local time; "-" for 0.
std::string format_time(int64_t ms);

// A table printed a row at a time, each column as wide as its widest cell (the last one is not padded): every
// row is measured first, then the header and the rows are printed. A caller that reads its rows twice (a
// listing streamed from the journal) holds none of them.
// Lines go out in blocks (stdout is line-buffered: one write per line made 100,000 rows 100,000 system calls),
// all of them by the time the table ends.
class Table {
 public:
  explicit Table(std::vector<std::string> headers);
  ~Table() { flush(); }
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;
  void measure(const std::vector<std::string>& row);
  // Leaves the last column out of what is printed.
  void drop_last_column() { headers_.pop_back(); }
  void print_header() { print(headers_); }
  // The row's first cells, as many as there are headers.
  void print(const std::vector<std::string>& row);
  // Writes out the lines printed so far: before anything else is written to stdout or stderr.
  void flush();

 private:
  std::vector<std::string> headers_;
  std::vector<size_t> widths_;
  std::string pending_;
};

// Prints rows under headers as Table does.
void print_table(const std::vector<std::string>& headers, const std::vector<std::vector<std::string>>& rows);

// "RUNNING", "FAILED (exit 3)", "SUCCEEDED after 1 restart"...
std::string describe_state(const JobStatus& status);

// Waits for a job, showing progress: a spinner line on a terminal, a line per state change otherwise.
Result<JobStatus> wait_with_progress(Orchestrator& orchestrator, const JobHandle& handle);

// The words `dlaunch plugins` takes before an ID.
const std::vector<std::string>& plugins_actions();

// Command entry points. Each returns the process exit code.
int run_command(const std::vector<std::string>& args);
int validate_command(const std::vector<std::string>& args);
int status_command(const std::vector<std::string>& args);
int logs_command(const std::vector<std::string>& args);
int stop_command(const std::vector<std::string>& args);
int delete_command(const std::vector<std::string>& args);
int list_command(const std::vector<std::string>& args);
int prune_command(const std::vector<std::string>& args);
int plugins_command(const std::vector<std::string>& args);
int schema_command(const std::vector<std::string>& args);
int version_command(const std::vector<std::string>& args);
int completion_command(const std::vector<std::string>& args);
int ui_command(const std::vector<std::string>& args);  // ui/ui_command.cpp

// Every command by name (main.cpp).
using CommandFunction = int (*)(const std::vector<std::string>&);
const std::map<std::string, CommandFunction>& commands();

}  // namespace dlaunch::cli

#endif  // APPS_CLI_HPP_
