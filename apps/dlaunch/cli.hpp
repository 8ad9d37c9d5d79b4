// The dlaunch command line: shared pieces of every command.
#ifndef APPS_CLI_HPP_
#define APPS_CLI_HPP_

#include <dlaunch/core/diagnostic.hpp>
#include <dlaunch/core/error.hpp>
#include <dlaunch/core/job_status.hpp>
#include <dlaunch/core/orchestrator.hpp>

#include <boost/program_options.hpp>

#include <cstdio>
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

// A command's parsed command line.
struct ParsedArgs {
  po::variables_map values;
  GlobalOptions global;
  bool help = false;
};

// Thrown for usage errors; main prints it with the command's usage and exits 64.
struct UsageError {
  std::string message;
};

// Parses `args` (the words after the command name) against the command's own options and positionals plus
// the global options. Throws UsageError.
ParsedArgs parse(const std::vector<std::string>& args, const po::options_description& own,
                 const po::positional_options_description& positional);

// Adds --output text|json to `options`; reads it back.
void add_output_option(po::options_description& options);
OutputFormat output_format(const po::variables_map& values);

// Builds the orchestrator from the global options and the configuration file. On a broken configuration
// prints its diagnostics and returns nullopt (kInvalidArgument: exit 65).
std::optional<Orchestrator> make_orchestrator(const GlobalOptions& global);

// How errors are reported: a line on stderr, or under -o json a document {"error": {...}} on stdout (so stdout
// holds exactly one JSON document whatever happens). main sets it before the command parses its options, so
// usage errors follow it too.
void set_error_format(OutputFormat format);
OutputFormat error_format();

// Printing. Diagnostics go to stderr, compiler style; errors as set_error_format says.
void print_diagnostics(const Diagnostics& diagnostics);
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

// The exit code of `dlaunch run --wait` / `status --wait` for a finished job.
int exit_code_of_job(const JobStatus& status);

// "RUNNING", "FAILED (exit 3)", "SUCCEEDED after 1 restart"...
std::string describe_state(const JobStatus& status);

// Waits for a job, showing progress: a spinner line on a terminal, a line per state change otherwise.
Result<JobStatus> wait_with_progress(Orchestrator& orchestrator, const JobHandle& handle);

// Command entry points. Each returns the process exit code.
int run_command(const std::vector<std::string>& args);
int validate_command(const std::vector<std::string>& args);
int status_command(const std::vector<std::string>& args);
int logs_command(const std::vector<std::string>& args);
int stop_command(const std::vector<std::string>& args);
int delete_command(const std::vector<std::string>& args);
int list_command(const std::vector<std::string>& args);
int plugins_command(const std::vector<std::string>& args);
int schema_command(const std::vector<std::string>& args);
int version_command(const std::vector<std::string>& args);

}  // namespace dlaunch::cli

#endif  // APPS_CLI_HPP_
