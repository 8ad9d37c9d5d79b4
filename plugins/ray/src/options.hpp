// The ray plugin's options: the [platform.ray] table of a job spec (and the options recorded with a job for
// later commands). Declared in plugins/ray/options.json, read here into one typed struct.
#ifndef DLAUNCH_RAY_OPTIONS_HPP_
#define DLAUNCH_RAY_OPTIONS_HPP_

#include <dlaunch/job_document.hpp>
#include <dlaunch/plugin.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dlaunch::ray {

struct RayOptions {
  std::string address;  // empty: RAY_ADDRESS, then http://127.0.0.1:8265
  std::string token_file;
  sdk::StringMap headers;
  std::string ca_file;
  bool insecure_skip_tls_verify = false;
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds request_timeout{30000};
  std::chrono::milliseconds upload_timeout{300000};
  int max_attempts = 5;
  std::chrono::milliseconds poll_interval{1000};
  std::vector<std::string> excludes;
  std::vector<std::string> pip;
  std::string runtime_env_json;  // extra runtime_env keys, a JSON object ("{}" when none)
  std::map<std::string, double> entrypoint_resources;
  std::string placement_strategy = "PACK";
  std::string python = "python3";
  int64_t upload_limit_bytes = 100LL * 1024 * 1024;

  // Reads the options; values of the wrong shape keep their defaults (the host already checked the types
  // declared in options.json, and validate_options reports the rest).
  static RayOptions from(const sdk::Options& options);
};

// The checks the host cannot do from the declared types alone. Each finding is reported on `out` with the
// key path platform.ray.<name>.
void validate_options(const sdk::Options& options, const sdk::DiagnosticsOut& out);

}  // namespace dlaunch::ray

#endif  // DLAUNCH_RAY_OPTIONS_HPP_
