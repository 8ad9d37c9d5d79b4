// Orchestrator::validate_sweep: a sweep's jobs, each validated as its own job, all before any is sent.
#include <dlaunch/core/orchestrator.hpp>

#include <dlaunch/secrets.hpp>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <tuple>

#include "support/random_id.hpp"

namespace dlaunch {
namespace {

// What makes two findings the same, whichever job they are about.
using FindingKey = std::tuple<Severity, std::string, std::string>;
FindingKey key_of(const Diagnostic& d) { return {d.severity, d.path, d.message}; }

std::string which_jobs(const std::vector<std::size_t>& jobs, std::size_t total) {
  if (jobs.size() == total && total > 1) return "every sweep job";
  std::string text = jobs.size() == 1 ? "sweep job " : "sweep jobs ";
  for (std::size_t i = 0; i < jobs.size(); ++i) text += (i > 0 ? ", " : "") + std::to_string(jobs[i]);
  return text;
}

// Whether a sweep key's values are secrets: an option its plugin declares secret (platform.ID.OPTION, or a
// key inside it), or a key whose last name is a credential's (hf_token, platform.ray.headers.Authorization).
bool secret_key(const PluginCatalog& catalog, std::string_view key) {
  if (sdk::looks_secret(key.substr(key.rfind('.') + 1))) return true;
  constexpr std::string_view kPlatform = "platform.";
  if (!key.starts_with(kPlatform)) return false;
  key.remove_prefix(kPlatform.size());
  const auto dot = key.find('.');
  if (dot == std::string_view::npos) return false;
  const PluginManifest* plugin = catalog.find(key.substr(0, dot));
  const std::string_view option = key.substr(dot + 1, key.find('.', dot + 1) - dot - 1);
  return plugin != nullptr && std::ranges::any_of(plugin->options, [&](const PlatformOption& o) {
           return o.secret && o.name == option;
         });
}

std::string values_text(const SweepPoint& point) {
  std::string text;
  for (const auto& [key, value] : point.values) text += (text.empty() ? "" : ", ") + key + "=" + value;
  return text;
}

}  // namespace

SweepReport Orchestrator::validate_sweep(const SpecRequest& request, const ValidationReport& base,
                                         const std::vector<std::string>& sweep_options) {
  SweepReport sweep;
  sweep.summary.diagnostics = base.diagnostics;
  sweep.summary.failure = base.failure;
  std::vector<SweepParameter> parameters = base.sweep;
  Diagnostics problems = read_sweep_options(sweep_options, parameters);
  for (auto& parameter : parameters) parameter.secret = secret_key(catalog(), parameter.key);
  if (base.ok() && problems.empty()) {
    // At most 30 + 1 + 12 characters: the submission ids stay within 63 (sweep.hpp).
    sweep.sweep_id = base.prepared->job.name.substr(0, 30) + "-" + random_suffix();
    std::vector<SweepPoint> points = expand_sweep(parameters, base.prepared->job.name, sweep.sweep_id, problems);
    // Each job's own findings; one that several jobs share is reported once, saying which jobs.
    std::map<FindingKey, std::pair<Diagnostic, std::vector<std::size_t>>> found;
    std::vector<FindingKey> order;
    std::map<FindingKey, bool> in_base;
    for (const auto& d : base.diagnostics) in_base[key_of(d)] = true;
    for (const SweepPoint& point : points) {
      SpecRequest job_request = request;
      job_request.overrides.insert(job_request.overrides.end(), point.overrides.begin(), point.overrides.end());
      ValidationReport job = validate_spec(job_request);
      if (job.failure) {
        sweep.summary.failure = job.failure;
        break;
      }
      for (Diagnostic d : job.diagnostics) {
        // A finding in one of the sweep's overrides is about the value the sweep gave: point at it.
        const std::string& file = d.location.file;
        if (file.starts_with("<override ") && file.ends_with(">")) {
          const std::size_t n = std::strtoul(file.c_str() + 10, nullptr, 10);
          if (n > request.overrides.size() && n - request.overrides.size() <= point.sources.size()) {
            d.location = point.sources[n - request.overrides.size() - 1];
          }
        }
        const FindingKey key = key_of(d);
        if (in_base.contains(key)) continue;
        auto [it, added] = found.try_emplace(key, d, std::vector<std::size_t>());
        if (added) order.push_back(key);
        it->second.second.push_back(point.index);
      }
      if (job.ok()) {
        job.prepared->submission_id = sweep_submission_id(sweep.sweep_id, point.index);
        sweep.jobs.push_back(SweepJob{point, std::move(*job.prepared)});
      }
    }
    for (const auto& key : order) {
      auto& [d, jobs] = found[key];
      d.message += " (" + which_jobs(jobs, points.size()) +
                   (jobs.size() == 1 ? ": " + values_text(points[jobs.front()]) : "") + ")";
      problems.push_back(d);
    }
  }
  sweep.summary.diagnostics.insert(sweep.summary.diagnostics.end(), problems.begin(), problems.end());
  if (has_errors(sweep.summary.diagnostics) || sweep.summary.failure) {
    sweep.jobs.clear();
  } else {
    sweep.summary.prepared = base.prepared;
  }
  return sweep;
}

}  // namespace dlaunch
