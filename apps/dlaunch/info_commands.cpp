// dlaunch plugins list|info, dlaunch schema, dlaunch version: what is installed and what a spec may say.
#include <dlaunch/core/conformance.hpp>
#include <dlaunch/core/did_you_mean.hpp>
#include <dlaunch/core/job_schema.hpp>
#include <dlaunch/core/orchestrator.hpp>
#include <dlaunch/core/platform_schema.hpp>
#include <dlaunch/core/version.hpp>

#include <cstdio>
#include <iostream>

#include "cli.hpp"
#include <dlaunch/core/exit_codes.hpp>
#include "json_writer.hpp"

namespace dlaunch::cli {
namespace {

std::string abi_text(uint32_t major, uint32_t minor) { return std::to_string(major) + "." + std::to_string(minor); }

void print_options_json(JsonOut& json, const std::vector<PlatformOption>& options) {
  json.w().StartArray();
  for (const auto& o : options) {
    json.w().StartObject();
    json.field("name", o.name);
    json.field("type", option_type_name(o.type));
    json.key("default");
    if (o.default_json.empty()) {
      json.w().Null();
    } else {
      json.w().RawValue(o.default_json.c_str(), o.default_json.size(), rapidjson::kNullType);
    }
    json.field("required", o.required);
    json.field("secret", o.secret);
    json.field("help", o.help);
    json.w().EndObject();
  }
  json.w().EndArray();
}

// What the manifest says of the plugin, inside an object the caller opened: `plugins list` and `plugins info`.
void manifest_fields(JsonOut& json, const PluginManifest& m) {
  json.field("id", m.id);
  json.field("version", m.version);
  json.field("description", m.description);
  json.field("abi", abi_text(m.abi_major, m.abi_minor));
  json.field("library", m.library.string());
  json.field("manifest", m.manifest_path.string());
}

void print_manifest_json(JsonOut& json, const PluginManifest& m) {
  json.w().StartObject();
  manifest_fields(json, m);
  if (m.declares_options) {
    json.key("options");
    print_options_json(json, m.options);
  }
  json.w().EndObject();
}

int plugins_list(Orchestrator& orchestrator, OutputFormat format) {
  const PluginCatalog& catalog = orchestrator.catalog();
  if (format == OutputFormat::kJson) {
    JsonOut json;
    json.w().StartObject();
    json.key("plugins");
    json.w().StartArray();
    for (const auto& m : catalog.plugins()) print_manifest_json(json, m);
    json.w().EndArray();
    json.key("shadowed");
    json.w().StartArray();
    for (const auto& m : catalog.shadowed()) print_manifest_json(json, m);
    json.w().EndArray();
    json.key("problems");
    json.w().StartArray();
    for (const auto& p : catalog.problems()) {
      json.w().StartObject();
      json.field("path", p.path.string());
      json.field("message", p.message);
      json.w().EndObject();
    }
    json.w().EndArray();
    json.key("search_path");
    json.w().StartArray();
    for (const auto& dir : catalog.search_path()) json.string(dir.string());
    json.w().EndArray();
    json.w().EndObject();
    return 0;
  }
  std::printf("%-12s %-10s %-5s %s\n", "ID", "VERSION", "ABI", "PATH");
  for (const auto& m : catalog.plugins()) {
    std::printf("%-12s %-10s %-5s %s\n", m.id.c_str(), m.version.c_str(), abi_text(m.abi_major, m.abi_minor).c_str(),
                m.directory.c_str());
  }
  for (const auto& m : catalog.shadowed()) {
    std::printf("shadowed: %s %s at %s (an earlier directory has '%s')\n", m.id.c_str(), m.version.c_str(),
                m.directory.c_str(), m.id.c_str());
  }
  for (const auto& p : catalog.problems()) std::fprintf(stderr, "dlaunch: warning: %s\n", p.message.c_str());
  return 0;
}

// Everything comes from the manifest; only a manifest that does not declare the options (version 1) makes
// this load the plugin.
int plugins_info(Orchestrator& orchestrator, const std::string& id, OutputFormat format) {
  auto options = orchestrator.declared_options(id);
  if (!options) return report_failure(options.error());
  const PluginManifest& m = *orchestrator.catalog().find(id);
  if (format == OutputFormat::kJson) {
    JsonOut json;
    json.w().StartObject();
    manifest_fields(json, m);
    json.key("options");
    print_options_json(json, *options);
    json.w().EndObject();
    return 0;
  }
  std::cout << "id:          " << m.id << "\n"
            << "version:     " << m.version << "\n"
            << "description: " << m.description << "\n"
            << "abi:         " << abi_text(m.abi_major, m.abi_minor) << "\n"
            << "library:     " << m.library.string() << "\n"
            << "manifest:    " << m.manifest_path.string() << "\n"
            << "options ([platform." << m.id << "] in a spec):\n";
  if (options->empty()) std::cout << "  (none)\n";
  for (const auto& o : *options) {
    std::cout << "  " << o.name << " (" << option_type_name(o.type) << (o.required ? ", required" : "")
              << (o.secret ? ", secret" : "") << ")";
    if (!o.default_json.empty()) std::cout << " default " << o.default_json;
    std::cout << "\n      " << o.help << "\n";
  }
  return 0;
}

int plugins_check(const std::string& path, OutputFormat format) {
  auto checks = check_plugin_conformance(path);
  size_t failed = 0;
  for (const auto& c : checks) failed += c.passed ? 0 : 1;
  if (format == OutputFormat::kJson) {
    JsonOut json;
    json.w().StartArray();
    for (const auto& c : checks) {
      json.w().StartObject();
      json.field("check", c.name);
      json.field("passed", c.passed);
      json.field("detail", c.detail);
      json.w().EndObject();
    }
    json.w().EndArray();
  } else {
    for (const auto& c : checks) {
      std::printf("%s  %s%s%s\n", c.passed ? "PASS" : "FAIL", c.name.c_str(), c.detail.empty() ? "" : ": ",
                  c.detail.c_str());
    }
    std::printf("%zu checks passed, %zu failed\n", checks.size() - failed, failed);
  }
  return failed == 0 ? 0 : 1;
}

}  // namespace

const std::vector<std::string>& plugins_actions() {
  static const std::vector<std::string> kActions = {"list", "info", "check"};
  return kActions;
}

int plugins_command(const std::vector<std::string>& args) {
  po::options_description options("Options");
  add_output_option(options);
  auto parsed = parse(args, options, {{"ACTION"}, {"ID", false}});
  if (parsed.help) {
    print_help("dlaunch plugins list | plugins info ID | plugins check PLUGIN_DIR   [--output text|json]", options);
    return 0;
  }
  OutputFormat format = output_format(parsed.values);
  const std::string action = parsed.positional("ACTION");
  const std::string id = parsed.positional("ID");
  auto orchestrator = make_orchestrator(parsed.global);
  if (!orchestrator) return exit_code_for(ErrorCode::kInvalidArgument);
  if (action == "list") return plugins_list(*orchestrator, format);  // lists every problem itself
  warn_about_refused_plugin_dirs(*orchestrator, parsed.global);
  if (action == "info") {
    if (id.empty()) throw UsageError{"plugins info needs a platform id"};
    return plugins_info(*orchestrator, id, format);
  }
  if (action == "check") {
    if (id.empty()) throw UsageError{"plugins check needs a plugin directory (the one holding plugin.json)"};
    return plugins_check(id, format);
  }
  std::string hint = did_you_mean(action, plugins_actions());
  throw UsageError{"unknown plugins action '" + action + "' (list, info or check)" + (hint.empty() ? "" : "; " + hint)};
}

int schema_command(const std::vector<std::string>& args) {
  po::options_description options("Options");
  auto parsed = parse(args, options, {});
  if (parsed.help) {
    print_help("dlaunch schema   (prints the JSON Schema of job specs, with the installed platforms' options, for editors)",
               options);
    return 0;
  }
  auto orchestrator = make_orchestrator(parsed.global);
  if (!orchestrator) return exit_code_for(ErrorCode::kInvalidArgument);
  std::cout << schema_with_platform_options(job_json_schema(), orchestrator->catalog().plugins());
  return 0;
}

int version_command(const std::vector<std::string>& args) {
  po::options_description options("Options");
  auto parsed = parse(args, options, {});
  if (parsed.help) {
    print_help("dlaunch version", options);
    return 0;
  }
  const VersionInfo version = version_info();
  std::cout << "dlaunch " << version.release << " (plugin ABI "
            << abi_text(version.plugin_abi_major, version.plugin_abi_minor) << ", job schema "
            << version.job_schema_version << ")\n";
  return 0;
}

}  // namespace dlaunch::cli
