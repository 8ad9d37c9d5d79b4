// Test support: the Kubernetes control plane that the KubernetesPlane fixture started (scripts/k8s-plane.sh;
// its environment file is named by DLAUNCH_K8S_PLANE_ENV), an admin client to prepare and inspect it, a namespace per test,
// and the built dlaunch and plugin pointed at it.
#ifndef DLAUNCH_TESTS_KUBERNETES_KUBERNETES_PLANE_HPP_
#define DLAUNCH_TESTS_KUBERNETES_KUBERNETES_PLANE_HPP_

#include "api_client.hpp"

#include <support/plugin_client.hpp>
#include <support/process.hpp>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <map>
#include <memory>
#include <optional>
#include <string>

namespace dlaunch::kubernetes_test {

struct Plane {
  std::string kubeconfig;  // a system:masters client certificate, embedded
  std::string server;
  std::string ca_file;
  std::string token_file;  // the admin's static token
  std::string kubectl;     // the plane's own kubectl (Debian's is too old)
  std::string other_ca_file;  // a CA the server's certificate does not chain to
  std::string state_dir;      // where scripts/k8s-plane.sh runs it
};

// The <base> of a native id "<namespace>/<base>": the name every object of the job is named from.
std::string base_of(const std::string& native_id);
// A label selector (URL-encoded) for the objects of the job named `base`.
std::string selector(const std::string& base);

// What find_submissions reported.
struct Found {
  std::map<std::string, std::string> native_ids;  // submission id -> native id
  std::map<std::string, int32_t> states;          // submission id -> DLAUNCH_STATE_*
  int32_t code = 0;                               // its error's, or 0
  std::string message;
};

// Each test gets a fresh namespace (deleted at the end), an admin client and a scratch directory.
class PlaneTest : public ::testing::Test {
 public:
  // Polls `condition` every 200 ms for up to `seconds`; true when it held.
  bool eventually(const std::function<bool()>& condition, int seconds = 30) const;
  rapidjson::Document get(const std::string& path) const;

 protected:
  void SetUp() override;
  void TearDown() override;

  // The admin's requests: an error answer throws.
  void post(const std::string& path, const std::string& body) const;
  // Items of `resource` ("pods", "jobs.batch" path form: /api/v1/... given) labelled `selector`.
  rapidjson::Document list(const std::string& collection_path, const std::string& selector) const;
  // The plugin's options for this test's namespace, as JSON, with `extra` members ("\"kind\":\"jobset\"").
  std::string options_json(const std::string& extra = "") const;
  // A job document for the plugin, of the given roles JSON and options.
  std::string job_json(const std::string& name, const std::string& roles_json, const std::string& options) const;
  // The built dlaunch with KUBECONFIG at the plane and a private state directory (under scratch_: state/).
  test::ProcessResult dlaunch(const std::vector<std::string>& args, const std::string& kubeconfig = {}) const;
  // Its environment, and a timeout of two minutes.
  test::ProcessOptions dlaunch_options(const std::string& kubeconfig = {}) const;
  // A kubeconfig for the plane's server with this user entry (YAML lines under `user:`) and CA lines.
  std::string kubeconfig_with(const std::string& user_yaml, const std::string& cluster_extra_yaml = {}) const;

  const test::PluginClient& plugin() const { return *plugin_; }
  // The plugin's submit and status, failing the test on an error.
  std::string submit(const std::string& job, const std::string& submission_id) const;
  sdk::JobStatus status_of(const std::string& native_id, const std::string& options) const;
  // The plugin's find_submissions, called through its table as the host calls it (a record reported twice
  // fails the test).
  Found find_submissions(const std::vector<std::string>& submission_ids, const std::string& options) const;
  // Installs a CRD into the plane and waits until it is served.
  void install_crd(const std::string& file, const std::string& name) const;

  Plane plane_;
  std::string namespace_;
  std::unique_ptr<test::TempDir> scratch_;
  std::unique_ptr<kubernetes::ApiClient> admin_;
  const test::PluginClient* plugin_ = nullptr;
};

}  // namespace dlaunch::kubernetes_test

#endif  // DLAUNCH_TESTS_KUBERNETES_KUBERNETES_PLANE_HPP_
