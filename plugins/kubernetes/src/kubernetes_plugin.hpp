// The `kubernetes` platform: dlaunch jobs as Kubernetes objects (docs/kubernetes.md). A native id is
// "<namespace>/<base>": every object of the job is named from <base> and labelled dlaunch.io/job=<base>.
#ifndef DLAUNCH_KUBERNETES_KUBERNETES_PLUGIN_HPP_
#define DLAUNCH_KUBERNETES_KUBERNETES_PLUGIN_HPP_

#include "api_client.hpp"
#include "options.hpp"

#include <dlaunch/plugin.hpp>

#include <optional>
#include <string>

namespace dlaunch::kubernetes {

// Where a job's objects are.
struct JobLocation {
  std::string namespace_;
  std::string base;
  std::string native_id() const { return namespace_ + "/" + base; }
  static JobLocation parse(std::string_view native_id);  // throws NOT_FOUND for an id of another shape
};

class KubernetesPlugin : public sdk::Plugin {
 public:
  static constexpr bool kFindsSubmissions = true;

  void init(const sdk::InitContext& context) override;
  void validate(const sdk::JobRequest& request, const sdk::DiagnosticsOut& out) override;
  void dry_run(const sdk::JobRequest& request, const sdk::TextOut& out) override;
  std::string submit(const sdk::JobRequest& request) override;
  sdk::JobStatus status(const sdk::JobRef& ref) override;
  void logs(const sdk::JobRef& ref, bool follow, const sdk::TextOut& out) override;
  void stop(const sdk::JobRef& ref) override;
  void delete_job(const sdk::JobRef& ref) override;
  void list(std::string_view options_json, const sdk::StatusOut& out) override;
  void find_submissions(const std::vector<std::string_view>& submission_ids, std::string_view options_json,
                        int64_t since_ms, const sdk::StatusOut& out) override;

 private:
  // The cluster the options point at, with the namespace to use; nullopt when nothing is configured.
  std::optional<ClusterAccess> find_access(const KubeOptions& options) const;
  ApiClient connect(const KubeOptions& options) const;
  std::string namespace_for(const KubeOptions& options, const std::optional<ClusterAccess>& access) const;
  sdk::JobStatus status_at(const ApiClient& client, const KubeOptions& options, const JobLocation& where) const;

  sdk::Host host_;
};

}  // namespace dlaunch::kubernetes

#endif  // DLAUNCH_KUBERNETES_KUBERNETES_PLUGIN_HPP_
