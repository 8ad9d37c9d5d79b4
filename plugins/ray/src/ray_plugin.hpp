// The `ray` platform: runs dlaunch jobs on a Ray cluster through its Job Submission REST API.
#ifndef DLAUNCH_RAY_RAY_PLUGIN_HPP_
#define DLAUNCH_RAY_RAY_PLUGIN_HPP_

#include "options.hpp"
#include "package.hpp"
#include "packages_on_cluster.hpp"
#include "ray_client.hpp"

#include <dlaunch/job_document.hpp>
#include <dlaunch/plugin.hpp>

#include <optional>
#include <string>

namespace dlaunch::ray {

class RayPlugin : public sdk::Plugin {
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
  // A job ready to submit: parsed, with its packages hashed (not yet zipped).
  struct Prepared {
    sdk::Job job;
    RayOptions options;
    std::string ray_id;
    std::optional<Package> working_dir;
    std::optional<Package> driver;
  };
  Prepared prepare(const sdk::JobRequest& request) const;
  RayClient connect(const RayOptions& options) const;
  RayClient connect(std::string_view options_json) const;
  // GET first; zips (stopping at the size limit) and PUTs only when the cluster does not have it. Once per
  // package and cluster for the jobs this process submits within a minute (a sweep's).
  void upload_if_missing(const RayClient& client, Package& package) const;

  sdk::Host host_;
  std::string plugin_dir_;
  std::string state_dir_;  // the packages' digest cache and the servers' versions live here
  mutable PackagesOnCluster packages_on_cluster_;
};

}  // namespace dlaunch::ray

#endif  // DLAUNCH_RAY_RAY_PLUGIN_HPP_
