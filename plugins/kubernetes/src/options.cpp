#include "options.hpp"

#include "json.hpp"
#include "names.hpp"

#include <cmath>
#include <filesystem>

namespace dlaunch::kubernetes {
namespace {

std::string path(const std::string& option) { return "platform.kubernetes." + option; }

void check_table(const sdk::Options& options, const char* name, bool label_values,
                 const sdk::DiagnosticsOut& out) {
  for (const auto& [key, value] : options.table(name)) {
    if (auto problem = qualified_name_problem(key)) out.error(path(name) + "." + key, *problem);
    if (!label_values) continue;
    if (auto problem = label_value_problem(value)) out.error(path(name) + "." + key, *problem);
  }
}

}  // namespace

KubeOptions KubeOptions::from(const sdk::Options& options) {
  KubeOptions o;
  o.image = options.string("image");
  o.namespace_ = options.string("namespace");
  o.kubeconfig = options.string("kubeconfig");
  o.context = options.string("context");
  o.kind_name = options.string("kind", "job");
  o.kind = o.kind_name == "jobset" ? Kind::kJobSet : o.kind_name == "elasticjob" ? Kind::kElasticJob : Kind::kJob;
  o.service_account = options.string("service_account");
  o.image_pull_secrets = options.strings("image_pull_secrets");
  o.image_pull_policy = options.string("image_pull_policy");
  o.node_selector = options.table("node_selector");
  if (const auto* tolerations = options.find("tolerations"); tolerations != nullptr && tolerations->IsArray()) {
    o.tolerations_json = json::write(*tolerations);
  }
  o.priority_class = options.string("priority_class");
  o.labels = options.table("labels");
  o.annotations = options.table("annotations");
  o.gpu_resource = options.string("gpu_resource", o.gpu_resource);
  o.master_port = options.integer("master_port", o.master_port);
  if (const auto* patch = options.find("pod_template"); patch != nullptr && patch->IsObject()) {
    o.pod_template_json = sdk::Options::from(*patch).json();
  }
  if (double seconds = options.number("request_timeout_s", 0); seconds > 0) {
    o.request_timeout = std::chrono::milliseconds(static_cast<int64_t>(std::llround(seconds * 1000)));
  }
  return o;
}

void validate_options(const sdk::Options& options, const sdk::DiagnosticsOut& out) {
  if (options.has("image") && options.string("image").empty()) out.error(path("image"), "the image must not be empty");
  std::string kind = options.string("kind", "job");
  if (kind != "job" && kind != "jobset" && kind != "elasticjob") {
    out.error(path("kind"), "unknown kind '" + kind + "'", "one of job, jobset, elasticjob");
  }
  for (const char* name : {"namespace", "service_account", "priority_class"}) {
    std::string value = options.string(name);
    if (value.empty()) continue;
    auto problem = std::string(name) == "namespace" ? dns_label_problem(value) : dns_subdomain_problem(value);
    if (problem) out.error(path(name), *problem);
  }
  std::vector<std::string> secrets = options.strings("image_pull_secrets");
  for (size_t i = 0; i < secrets.size(); ++i) {
    if (auto problem = dns_subdomain_problem(secrets[i])) out.error(path("image_pull_secrets") + "[" + std::to_string(i) + "]", *problem);
  }
  std::string policy = options.string("image_pull_policy");
  if (!policy.empty() && policy != "Always" && policy != "IfNotPresent" && policy != "Never") {
    out.error(path("image_pull_policy"), "unknown image pull policy '" + policy + "'", "one of Always, IfNotPresent, Never");
  }
  check_table(options, "node_selector", true, out);
  check_table(options, "labels", true, out);
  check_table(options, "annotations", false, out);
  if (const auto* tolerations = options.find("tolerations"); tolerations != nullptr) {
    if (!tolerations->IsArray()) {
      out.error(path("tolerations"), "must be an array of tolerations");
    } else {
      for (rapidjson::SizeType i = 0; i < tolerations->Size(); ++i) {
        if (!(*tolerations)[i].IsObject()) out.error(path("tolerations") + "[" + std::to_string(i) + "]", "a toleration is a table");
      }
    }
  }
  if (const auto* patch = options.find("pod_template"); patch != nullptr && !patch->IsObject()) {
    out.error(path("pod_template"), "must be a table: a JSON merge patch of the pod template",
              "e.g. { spec = { hostNetwork = true } }");
  }
  std::string gpu = options.string("gpu_resource", "nvidia.com/gpu");
  if (auto problem = qualified_name_problem(gpu)) out.error(path("gpu_resource"), *problem);
  if (options.has("master_port")) {
    int64_t port = options.integer("master_port", 0);
    if (port < 1 || port > 65535) out.error(path("master_port"), "must be a port number, 1 to 65535");
  }
  if (options.has("request_timeout_s") && options.number("request_timeout_s", 0) <= 0) {
    out.error(path("request_timeout_s"), "must be a positive number of seconds");
  }
  std::string kubeconfig = options.string("kubeconfig");
  if (!kubeconfig.empty() && !std::filesystem::exists(kubeconfig)) {
    out.error(path("kubeconfig"), "the kubeconfig '" + kubeconfig + "' does not exist");
  }
}

}  // namespace dlaunch::kubernetes
