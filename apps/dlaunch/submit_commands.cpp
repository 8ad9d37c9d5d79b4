// dlaunch run / dlaunch validate: the spec through the validation pipeline, then (run) to the platform.
#include <dlaunch/core/orchestrator.hpp>
#include <dlaunch/core/spec_loader.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <iterator>

#include "cli.hpp"
#include <dlaunch/core/exit_codes.hpp>
#include "json_writer.hpp"
#include "sweep_commands.hpp"

namespace dlaunch::cli {
namespace {

struct SpecArgs {
  std::string spec;
  std::string platform;
  std::vector<std::string> overrides;
  std::vector<std::string> sweeps;       // --sweep KEY=V1,V2,...
  std::vector<std::string> driver_args;  // after --
};

po::options_description spec_options(SpecArgs& into) {
  po::options_description options("Options");
  options.add_options()
      ("platform,p", po::value(&into.platform)->value_name("ID"),
       "platform to run on (default: the spec's, else local)")
      ("set", po::value(&into.overrides)->composing()->value_name("KEY=VALUE"), "override a spec value (repeatable)")
      ("sweep", po::value(&into.sweeps)->composing()->value_name("KEY=V1,V2"),
       "one job per combination of values (repeatable; over the spec's [sweep])");
  add_output_option(options);
  return options;
}

// Prints the validation outcome; returns the exit code when validation did not pass, else nullopt.
std::optional<int> check_report(const ValidationReport& report, OutputFormat format, const std::string& spec) {
  if (format == OutputFormat::kText) print_diagnostics(report.diagnostics);
  if (report.ok()) return std::nullopt;
  const Error failure = report.error_for(spec);
  if (format == OutputFormat::kJson) {
    JsonOut json;
    json.w().StartObject();
    json.field("valid", false);
    json.error(failure);
    json.key("diagnostics");
    json.diagnostics(report.diagnostics);
    json.w().EndObject();
  } else if (report.failure) {
    report_failure(failure);
  } else {
    std::cerr << failure.message << "\n";
  }
  return exit_code_for(failure.code);
}

void print_final(const JobHandle& handle, const JobStatus& status, OutputFormat format) {
  if (format == OutputFormat::kJson) {
    JsonOut json;
    json.status(status, handle.platform);
    return;
  }
  std::fprintf(stderr, "dlaunch: %s %s%s%s\n", handle.text().c_str(), describe_state(status).c_str(),
               status.message.empty() ? "" : ": ", status.message.c_str());
}

// What validate and run share: the command line, the orchestrator, and a spec that passed validation.
struct ValidatedSpec {
  std::string spec_name;  // as diagnostics name it
  OutputFormat format = OutputFormat::kText;
  std::optional<Orchestrator> orchestrator;
  ValidationReport report;
  std::optional<SweepReport> sweep;  // when the spec has [sweep] or --sweep was given
};

// Parses, validates and reports problems. Returns an exit code when the command is already over (help,
// invalid spec), else fills `out`.
std::optional<int> validate_spec(const std::vector<std::string>& args, const po::options_description& options,
                                 const std::string& usage, SpecArgs& spec, ValidatedSpec& out) {
  // Words after `--` are the driver's arguments, never dlaunch options.
  const auto dashes = std::find(args.begin(), args.end(), "--");
  spec.driver_args.assign(dashes == args.end() ? dashes : dashes + 1, args.end());
  auto parsed = parse(std::vector<std::string>(args.begin(), dashes), options, {{"SPEC"}});
  if (parsed.help) {
    print_help(usage, options);
    return 0;
  }
  spec.spec = parsed.positional("SPEC");
  out.format = output_format(parsed.values);
  out.orchestrator = make_orchestrator(parsed.global);
  if (!out.orchestrator) return exit_code_for(ErrorCode::kInvalidArgument);
  warn_about_refused_plugin_dirs(*out.orchestrator, parsed.global);
  SpecRequest request{spec.spec, std::nullopt, spec.platform, spec.overrides, spec.driver_args};
  if (spec.spec == "-") {
    // The spec is piped in (a generated spec, a heredoc): diagnostics name it <stdin>.
    request.spec_file = "<stdin>";
    request.text = read_spec_text(std::cin);
  }
  out.spec_name = request.spec_file;
  out.report = out.orchestrator->validate_spec(request);
  if (spec.sweeps.empty() && out.report.sweep.empty()) return check_report(out.report, out.format, request.spec_file);
  out.sweep = out.orchestrator->validate_sweep(request, out.report, spec.sweeps);
  return check_report(out.sweep->summary, out.format, request.spec_file);
}

}  // namespace

int validate_command(const std::vector<std::string>& args) {
  SpecArgs spec;
  auto options = spec_options(spec);
  ValidatedSpec validated;
  if (auto done = validate_spec(
          args, options,
          "dlaunch validate SPEC [-p PLATFORM] [--set K=V]... [--sweep K=V1,V2]... [--output text|json] [-- ARGS...]",
          spec,
          validated)) {
    return *done;
  }
  const ValidationReport& report = validated.sweep ? validated.sweep->summary : validated.report;
  if (validated.format == OutputFormat::kJson) {
    JsonOut json;
    json.w().StartObject();
    json.field("valid", true);
    json.field("platform", report.prepared->platform->id());
    if (validated.sweep) json.field("sweep_jobs", static_cast<int64_t>(validated.sweep->jobs.size()));
    json.key("diagnostics");
    json.diagnostics(report.diagnostics);
    json.w().EndObject();
  } else {
    std::cout << validated.spec_name << ": valid for platform '" << report.prepared->platform->id() << "'";
    if (validated.sweep) std::cout << " (a sweep of " << validated.sweep->jobs.size() << " jobs)";
    std::cout << "\n";
  }
  return 0;
}

int run_command(const std::vector<std::string>& args) {
  SpecArgs spec;
  bool dry_run = false, wait = false, follow = false;
  auto options = spec_options(spec);
  options.add_options()
      ("dry-run", po::bool_switch(&dry_run), "print the platform-native request; submit nothing")
      ("wait,w", po::bool_switch(&wait), "wait for the job to end; exit with its exit code")
      ("follow,f", po::bool_switch(&follow), "stream the job's output (implies --wait)");
  ValidatedSpec validated;
  if (auto done = validate_spec(
          args, options,
          "dlaunch run SPEC [-p PLATFORM] [--set K=V]... [--sweep K=V1,V2]... [--dry-run] [--wait|-w] [--follow|-f]\n"
          "            [--output text|json] [-- ARGS...]",
          spec, validated)) {
    return *done;
  }
  const OutputFormat format = validated.format;
  Orchestrator& orchestrator = *validated.orchestrator;
  if (validated.sweep) {
    if (follow) {
      throw UsageError{"--follow streams one job's output, and a sweep has " +
                       std::to_string(validated.sweep->jobs.size()) +
                       ": use --wait, and `dlaunch logs HANDLE` for a job's output"};
    }
    return run_sweep(orchestrator, *validated.sweep, format, dry_run, wait);
  }
  const PreparedJob& prepared = *validated.report.prepared;

  if (dry_run) {
    auto text = orchestrator.dry_run(prepared);
    if (!text) return report_failure(text.error());
    if (format == OutputFormat::kJson) {
      JsonOut json;
      json.w().StartObject();
      json.field("platform", prepared.platform->id());
      json.field("request", *text);
      json.w().EndObject();
    } else {
      std::cout << *text;
      if (!text->empty() && text->back() != '\n') std::cout << "\n";
    }
    return 0;
  }

  auto submission = orchestrator.submit(prepared);
  if (!submission) return report_failure(submission.error());
  JobHandle handle{submission->platform, submission->native_id};
  if (!wait && !follow) {
    if (format == OutputFormat::kJson) {
      JsonOut json;
      json.w().StartObject();
      json.field("handle", submission->handle);
      json.field("platform", submission->platform);
      json.field("native_id", submission->native_id);
      json.field("submission_id", submission->submission_id);
      json.w().EndObject();
    } else {
      std::cout << submission->handle << "\n";  // alone on the last line: scripts capture it
    }
    return 0;
  }
  std::fprintf(stderr, "dlaunch: submitted %s\n", submission->handle.c_str());
  // The job's output: on stdout in text, where the handle still comes last; on stderr under -o json, where
  // stdout holds the one document.
  std::FILE* job_output = format == OutputFormat::kJson ? stderr : stdout;
  bool mid_line = false;
  // From here on, whatever happens, text output ends with the handle alone on the last line of stdout:
  // H=$(dlaunch run job.toml --wait) holds it, as without --wait.
  auto ending = [&](int exit_code) {
    if (format == OutputFormat::kText) {
      if (mid_line) std::fputc('\n', stdout);
      std::printf("%s\n", submission->handle.c_str());
    }
    return exit_code;
  };
  if (follow) {
    auto streamed = orchestrator.logs(handle, true, [&](std::string_view chunk) {
      if (!chunk.empty()) mid_line = job_output == stdout && chunk.back() != '\n';
      return write_output(job_output, chunk);
    });
    if (!streamed) return ending(report_job_failure(streamed.error(), handle));
  }
  // After a follow the job is normally over already; waiting covers platforms whose logs end a bit early.
  auto final_status = wait_with_progress(orchestrator, handle);
  if (!final_status) return ending(report_job_failure(final_status.error(), handle));
  print_final(handle, *final_status, format);
  return ending(exit_code_of_job(*final_status));
}

}  // namespace dlaunch::cli
