#include "options.hpp"

#include "endpoint.hpp"

#include <dlaunch/key_path.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>

namespace dlaunch::ray {
namespace {

constexpr std::array<const char*, 4> kPlacementStrategies = {"PACK", "SPREAD", "STRICT_PACK", "STRICT_SPREAD"};

std::chrono::milliseconds seconds_option(const sdk::Options& options, const char* name,
                                         std::chrono::milliseconds fallback) {
  double seconds = options.number(name, -1);
  if (seconds <= 0) return fallback;
  return std::chrono::milliseconds(static_cast<int64_t>(std::llround(seconds * 1000)));
}

sdk::KeyPath path(std::string_view option) { return sdk::KeyPath("platform").member("ray").member(option); }

}  // namespace

RayOptions RayOptions::from(const sdk::Options& options) {
  RayOptions o;
  o.address = options.string("address");
  o.token_file = options.string("token_file");
  o.headers = options.table("headers");
  o.ca_file = options.string("ca_file");
  o.insecure_skip_tls_verify = options.boolean("insecure_skip_tls_verify", false);
  o.connect_timeout = seconds_option(options, "connect_timeout_s", o.connect_timeout);
  o.request_timeout = seconds_option(options, "request_timeout_s", o.request_timeout);
  o.upload_timeout = seconds_option(options, "upload_timeout_s", o.upload_timeout);
  o.max_attempts = static_cast<int>(std::max<int64_t>(1, options.integer("max_attempts", o.max_attempts)));
  o.poll_interval = seconds_option(options, "poll_interval_s", o.poll_interval);
  o.excludes = options.strings("excludes");
  o.pip = options.strings("pip");
  if (const auto* env = options.find("runtime_env"); env != nullptr && env->IsObject()) {
    o.runtime_env_json = sdk::Options::from(*env).json();
  } else {
    o.runtime_env_json = "{}";
  }
  if (const auto* resources = options.find("entrypoint_resources"); resources != nullptr && resources->IsObject()) {
    for (const auto& m : resources->GetObject()) {
      if (m.value.IsNumber()) o.entrypoint_resources[m.name.GetString()] = m.value.GetDouble();
    }
  }
  o.placement_strategy = options.string("placement_strategy", o.placement_strategy);
  o.python = options.string("python", o.python);
  o.upload_limit_bytes = options.integer("upload_limit_bytes", o.upload_limit_bytes);
  return o;
}

void validate_options(const sdk::Options& options, const sdk::DiagnosticsOut& out) {
  std::string address = options.string("address");
  if (!address.empty() && !address.starts_with("http://") && !address.starts_with("https://")) {
    out.error(path("address"), "the Ray address must be the dashboard's http:// or https:// URL, not '" + address + "'",
              "the dashboard listens on port 8265 by default: " + dashboard_url_for(address) +
                  " (ray:// and GCS host:port addresses are not the Jobs API)");
  }
  std::string strategy = options.string("placement_strategy", "PACK");
  if (std::find(kPlacementStrategies.begin(), kPlacementStrategies.end(), strategy) == kPlacementStrategies.end()) {
    out.error(path("placement_strategy"), "unknown placement strategy '" + strategy + "'",
              "one of PACK, SPREAD, STRICT_PACK, STRICT_SPREAD");
  }
  for (const char* name : {"connect_timeout_s", "request_timeout_s", "upload_timeout_s", "poll_interval_s"}) {
    if (options.has(name) && options.number(name, 0) <= 0) out.error(path(name), "must be a positive number of seconds");
  }
  for (const char* name : {"max_attempts", "upload_limit_bytes"}) {
    if (options.has(name) && options.integer(name, 0) < 1) out.error(path(name), "must be at least 1");
  }
  std::string ca_file = options.string("ca_file");
  if (!ca_file.empty() && !std::filesystem::exists(ca_file)) {
    out.error(path("ca_file"), "the CA bundle '" + ca_file + "' does not exist");
  }
  if (const auto* resources = options.find("entrypoint_resources"); resources != nullptr) {
    if (!resources->IsObject()) {
      out.error(path("entrypoint_resources"), "must be a table of resource name = amount");
    } else {
      for (const auto& m : resources->GetObject()) {
        if (!m.value.IsNumber() || m.value.GetDouble() < 0) {
          out.error(path("entrypoint_resources").member(m.name.GetString()), "a resource amount must be a number >= 0");
        }
      }
    }
  }
  const auto* runtime_env = options.find("runtime_env");
  if (runtime_env == nullptr) return;
  if (!runtime_env->IsObject()) {
    out.error(path("runtime_env"), "must be a table of Ray runtime_env keys");
    return;
  }
  if (runtime_env->HasMember("env_vars")) {
    out.error(path("runtime_env").member("env_vars"), "environment variables come from the job",
              "set them in the job's env or the role's env");
  }
  if (auto it = runtime_env->FindMember("working_dir"); it != runtime_env->MemberEnd()) {
    std::string uri = it->value.IsString() ? it->value.GetString() : "";
    if (uri.find("://") == std::string::npos) {
      out.error(path("runtime_env").member("working_dir"),
                "only a remote .zip URI (s3://, gs://, https://...) may be set here",
                "a local directory is the job's working_dir");
    }
  }
  if (auto it = runtime_env->FindMember("py_modules"); it != runtime_env->MemberEnd() && !it->value.IsArray()) {
    out.error(path("runtime_env").member("py_modules"), "must be an array of module URIs");
  }
  if (runtime_env->HasMember("pip") && !options.strings("pip").empty()) {
    out.error(path("pip"), "pip is given twice, here and in runtime_env.pip", "keep one of them");
  }
}

}  // namespace dlaunch::ray
