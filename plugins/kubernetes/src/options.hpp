// The kubernetes plugin's options: the [platform.kubernetes] table of a job spec (and the options recorded
// with a job for later commands), read into one typed struct. Declared in plugins/kubernetes/options.json.
#ifndef DLAUNCH_KUBERNETES_OPTIONS_HPP_
#define DLAUNCH_KUBERNETES_OPTIONS_HPP_

#include <dlaunch/job_document.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace dlaunch::kubernetes {

enum class Kind { kJob, kJobSet, kElasticJob };

struct KubeOptions {
  std::string image;
  std::string namespace_;  // empty: the context's, else "default"
  std::string kubeconfig;
  std::string context;
  Kind kind = Kind::kJob;
  std::string kind_name = "job";
  std::string service_account;
  std::vector<std::string> image_pull_secrets;
  std::string image_pull_policy;
  sdk::StringMap node_selector;
  std::string tolerations_json = "[]";   // a JSON array
  std::string priority_class;
  sdk::StringMap labels;
  sdk::StringMap annotations;
  std::string gpu_resource = "nvidia.com/gpu";
  int64_t master_port = 29500;
  std::string pod_template_json = "{}";  // a JSON merge patch (object)
  std::chrono::milliseconds request_timeout{30000};

  // Reads the options; values of the wrong shape keep their defaults (validate_options reports them).
  static KubeOptions from(const sdk::Options& options);
};

// The checks the declared types cannot make, each reported with the key path platform.kubernetes.<name>.
void validate_options(const sdk::Options& options, const sdk::DiagnosticsOut& out);

}  // namespace dlaunch::kubernetes

#endif  // DLAUNCH_KUBERNETES_OPTIONS_HPP_
