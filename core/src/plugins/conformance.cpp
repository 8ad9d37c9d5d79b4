#include <dlaunch/core/builder.hpp>
#include <dlaunch/core/conformance.hpp>
#include <dlaunch/core/job_document.hpp>
#include <dlaunch/core/platform.hpp>
#include <dlaunch/core/spec_loader.hpp>
#include <dlaunch/core/validation.hpp>
#include <dlaunch/core/version.hpp>
#include <dlaunch/plugin.h>


#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>

#include "plugins/conformance_find.hpp"
#include "plugins/elf_exports.hpp"

namespace dlaunch {
namespace {

class Report {
 public:
  bool check(std::string name, bool passed, std::string detail = {}) {
    checks_.push_back(ConformanceCheck{std::move(name), passed, std::move(detail)});
    return passed;
  }
  std::vector<ConformanceCheck> take() { return std::move(checks_); }

 private:
  std::vector<ConformanceCheck> checks_;
};

void check_options(const Platform& p, Report& report) {
  std::set<std::string> seen;
  std::string problems;
  for (const auto& o : p.options()) {
    if (!seen.insert(o.name).second) problems += "option '" + o.name + "' is declared twice; ";
    if (o.help.empty()) problems += "option '" + o.name + "' has no help; ";
    if (!o.default_json.empty()) {
      // Read the default the way a spec's value is read, so it meets the same type check.
      auto parsed = parse_spec("{\"default\": " + o.default_json + "}", SpecFormat::kJson, "<default>");
      const Value* value = parsed ? parsed->find("default") : nullptr;
      if (value == nullptr) {
        problems += "option '" + o.name + "' default is not JSON: " + o.default_json + "; ";
      } else if (!option_value_matches(*value, o.type)) {
        problems += "option '" + o.name + "' default " + o.default_json + " is not a " + option_type_name(o.type) + "; ";
      }
    }
  }
  report.check("options are well declared", problems.empty(),
               problems.empty() ? std::to_string(p.options().size()) + " options" : problems);
}

// An error must carry a message; the host has already destroyed it through the plugin (and read an unknown
// code as kInternal).
bool well_formed(const Error& e) { return !e.message.empty(); }

}  // namespace

std::vector<ConformanceCheck> check_plugin_conformance(const std::filesystem::path& path) {
  Report report;
  std::filesystem::path manifest_path =
      std::filesystem::is_directory(path) ? path / std::string(kManifestFileName) : path;
  auto manifest = read_manifest(manifest_path);
  if (!report.check("manifest is readable and complete", manifest.has_value(), manifest ? "" : manifest.error())) {
    return report.take();
  }
  auto untrusted = untrusted_reason(manifest->directory);
  if (!untrusted) untrusted = untrusted_reason(manifest->library);
  report.check("plugin files are not writable by others", !untrusted, untrusted.value_or(""));

  auto exports = exported_symbols(manifest->library);
  bool only_entry = exports && exports->size() == 1 && exports->front() == DLAUNCH_ENTRY_SYMBOL;
  std::string listed;
  if (exports) {
    for (const auto& s : *exports) listed += (listed.empty() ? "" : ", ") + s;
  }
  report.check("exports exactly one dynamic symbol, " DLAUNCH_ENTRY_SYMBOL, only_entry,
               exports ? "exports: " + listed : exports.error());

  auto loaded = Platform::load(*manifest);
  const VersionInfo host = version_info();
  if (!report.check("loads, negotiates ABI " + std::to_string(host.plugin_abi_major) + "." +
                        std::to_string(host.plugin_abi_minor) +
                        " and initialises",
                    loaded.has_value(), loaded ? "" : loaded.error().message)) {
    return report.take();
  }
  const Platform& p = **loaded;
  report.check("describes itself, as its manifest does", !p.version().empty() && !p.description().empty() &&
                                                           p.version() == manifest->version,
               "table version '" + p.version() + "', manifest version '" + manifest->version + "'");
  check_options(p, report);

  // A small working directory of its own: a plugin that ships working_dir must not pack the caller's.
  std::string scratch = (std::filesystem::temp_directory_path() / "dlaunch-conformance-XXXXXX").string();
  if (mkdtemp(scratch.data()) == nullptr) {
    report.check("a scratch working directory can be made", false, std::strerror(errno));
    return report.take();
  }
  struct RemoveOnExit {
    std::string dir;
    ~RemoveOnExit() {
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    }
  } cleanup{scratch};
  std::ofstream(std::filesystem::path(scratch) / "train.py") << "print('conformance')\n";
  Job job = JobBuilder("conformance").working_dir(scratch).role("main").entrypoint({"/bin/true"}).build();
  const std::string options = platform_options_json(job, p.id(), p.options());
  const std::string good = job_document(job, options);
  const std::string submission = "dlaunch-conformance-check";

  bool needs_options = false;
  for (const auto& o : p.options()) needs_options = needs_options || (o.required && o.default_json.empty());
  auto findings = p.validate(good, submission);
  report.check("validate accepts a minimal job", findings.has_value() || needs_options,
               findings ? std::to_string(findings->size()) + " findings"
                        : findings.error().message + (needs_options ? " (it has required options)" : ""));

  for (const std::string& bad : {std::string("{\"schema_version\":999}"), std::string("not json")}) {
    auto rejected = p.validate(bad, submission);
    bool ok = rejected ? !rejected->empty() : well_formed(rejected.error());
    report.check("validate rejects a bad document (" + bad + ") with findings or a well-formed error", ok,
                 rejected ? std::to_string(rejected->size()) + " findings" : rejected.error().message);
  }

  auto text = p.dry_run(good, submission);
  report.check("dry-run works offline and says something", (text && !text->empty()) || needs_options,
               text ? std::to_string(text->size()) + " bytes" : text.error().message);

  const std::string missing = "dlaunch-conformance-no-such-job";
  auto status = p.status(missing, options);
  report.check("status of an unknown job is a well-formed error", !status && well_formed(status.error()),
               status ? "reported a status for a job that does not exist" : status.error().message);
  auto logs = p.logs(missing, options, false, [](std::string_view) { return true; });
  report.check("logs of an unknown job is a well-formed error", !logs && well_formed(logs.error()),
               logs ? "streamed logs of a job that does not exist" : logs.error().message);
  if (p.finds_submissions()) {
    for (auto& c : check_find_submissions(p, options)) report.check(std::move(c.name), c.passed, std::move(c.detail));
  }
  if (p.waits_for_change()) {
    for (auto& c : check_wait_for_change(p, options)) report.check(std::move(c.name), c.passed, std::move(c.detail));
  }
  return report.take();
}

}  // namespace dlaunch
