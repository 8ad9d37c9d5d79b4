#include "kubernetes_plane.hpp"

#include "job_plan.hpp"
#include "json.hpp"
#include "kubeconfig.hpp"
#include "support/cluster_env.hpp"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <thread>

namespace dlaunch::kubernetes_test {
namespace {

using test::read_env_file;
using test::running_in_ci;

std::string random_suffix() {
  static std::mt19937_64 random{std::random_device{}()};
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 6; ++i) out += kHex[random() % 16];
  return out;
}

}  // namespace

std::string base_of(const std::string& native_id) { return native_id.substr(native_id.find('/') + 1); }

std::string selector(const std::string& base) { return std::string(kubernetes::kJobLabel) + "%3D" + base; }

void PlaneTest::SetUp() {
  const char* env_file = std::getenv("DLAUNCH_K8S_PLANE_ENV");
  std::string why;
  std::map<std::string, std::string> values;
  if (env_file == nullptr) {
    why = "DLAUNCH_K8S_PLANE_ENV is not set (run the tests with ctest -L kubernetes)";
  } else {
    values = read_env_file(env_file);
    if (values.empty()) why = std::string("no running plane recorded in ") + env_file;
  }
  if (!why.empty()) {
    if (running_in_ci()) FAIL() << "no Kubernetes control plane: " << why;
    GTEST_SKIP() << "NO KUBERNETES CONTROL PLANE, test skipped: " << why;
  }
  plane_ = Plane{values["KUBECONFIG"],     values["K8S_API_SERVER"], values["K8S_CA_FILE"],
                 values["K8S_TOKEN_FILE"], values["K8S_KUBECTL"],    values["K8S_OTHER_CA_FILE"],
                 values["K8S_STATE_DIR"]};
  auto access = kubernetes::load_access(plane_.kubeconfig, "", kubernetes::Environment::process());
  ASSERT_TRUE(access) << "cannot read " << plane_.kubeconfig;
  admin_ = std::make_unique<kubernetes::ApiClient>(*access, std::chrono::seconds(30), sdk::Host());
  namespace_ = "t-" + random_suffix();
  post("/api/v1/namespaces", R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":")" + namespace_ + R"("}})");
  // Pods can only be created once the namespace's default service account exists.
  ASSERT_TRUE(eventually([&] {
    return admin_->call("GET", "/api/v1/namespaces/" + namespace_ + "/serviceaccounts/default", {}, {404}).ok();
  })) << "no default service account in " << namespace_;
  scratch_ = std::make_unique<test::TempDir>();
  // One client for the whole program: the plugin is initialised once per process and keeps the host table
  // of its first client.
  static test::TempDir plugin_state;
  static test::PluginClient client(DLAUNCH_TEST_KUBERNETES_PLUGIN_DIR, "kubernetes", plugin_state.path());
  plugin_ = &client;
}

void PlaneTest::TearDown() {
  if (admin_ && !namespace_.empty()) admin_->call("DELETE", "/api/v1/namespaces/" + namespace_, {}, {404});
}

rapidjson::Document PlaneTest::get(const std::string& path) const { return admin_->get(path); }

void PlaneTest::post(const std::string& path, const std::string& body) const { admin_->call("POST", path, body); }

rapidjson::Document PlaneTest::list(const std::string& collection_path, const std::string& selector) const {
  return admin_->get(collection_path + "?labelSelector=" + selector);
}

std::string PlaneTest::submit(const std::string& job, const std::string& submission_id) const {
  std::string native_id;
  auto result = plugin().submit(job, submission_id, native_id);
  EXPECT_TRUE(result.ok()) << result.message;
  return native_id;
}

sdk::JobStatus PlaneTest::status_of(const std::string& native_id, const std::string& options) const {
  sdk::JobStatus status;
  auto result = plugin().status(native_id, options, status);
  EXPECT_TRUE(result.ok()) << result.message;
  return status;
}

Found PlaneTest::find_submissions(const std::vector<std::string>& submission_ids, const std::string& options) const {
  Found found;
  std::vector<const char*> ids;
  for (const auto& id : submission_ids) ids.push_back(id.c_str());
  dlaunch_find_args args{};
  args.struct_size = DLAUNCH_FIND_ARGS_SIZE_1_1;
  args.submission_ids = ids.data();
  args.count = ids.size();
  args.options_json = options.c_str();
  dlaunch_status_sink sink{};
  sink.struct_size = DLAUNCH_STATUS_SINK_SIZE_1_0;
  sink.context = &found;
  sink.report = [](void* context, const dlaunch_job_status* status) {
    auto& found = *static_cast<Found*>(context);
    const std::string id = status->submission_id != nullptr ? status->submission_id : "(none)";
    EXPECT_EQ(found.native_ids.count(id), 0u) << id << " reported twice";
    found.native_ids[id] = status->native_id != nullptr ? status->native_id : "";
    found.states[id] = status->state;
    return true;
  };
  const dlaunch_plugin_api& api = plugin().api();
  if (api.find_submissions == nullptr) {
    ADD_FAILURE() << "the plugin offers no find_submissions";
    return found;
  }
  if (dlaunch_error* error = api.find_submissions(&args, &sink)) {
    found.code = api.error_code(error);
    found.message = api.error_message(error);
    api.error_destroy(error);
  }
  return found;
}

// Server-side: JobSet's CRD is too large for a client-side apply.
void PlaneTest::install_crd(const std::string& file, const std::string& name) const {
  auto applied = test::run_process({plane_.kubectl, "--kubeconfig", plane_.kubeconfig, "apply",
                                    "--server-side", "--force-conflicts", "-f", file});
  ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  ASSERT_TRUE(eventually([&] {
    auto crd = get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/" + name);
    const auto& conditions = kubernetes::json::at(crd, "status.conditions");
    if (!conditions.IsArray()) return false;
    for (const auto& c : conditions.GetArray()) {
      if (kubernetes::json::text(c, "type") == "Established" && kubernetes::json::text(c, "status") == "True") return true;
    }
    return false;
  })) << name << " is not established";
}

bool PlaneTest::eventually(const std::function<bool()>& condition, int seconds) const {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return condition();
}

std::string PlaneTest::options_json(const std::string& extra) const {
  return R"({"image":"busybox:1.36","namespace":")" + namespace_ + R"(","kubeconfig":")" + plane_.kubeconfig +
         R"(","gpu_resource":"nvidia.com/gpu","master_port":29500)" + (extra.empty() ? "" : "," + extra) + "}";
}

std::string PlaneTest::job_json(const std::string& name, const std::string& roles_json, const std::string& options) const {
  return R"({"schema_version":1,"name":")" + name + R"(","spec_file":"","node_num":1,"device_per_node":0,)"
         R"("device_type":"CPU","working_dir":"/tmp","env":{"SHARED":"1"},"labels":{},"failover":{"max_restarts":0},)"
         R"("roles":)" + roles_json + R"(,"platform":)" + options + "}";
}

test::ProcessOptions PlaneTest::dlaunch_options(const std::string& kubeconfig) const {
  test::ProcessOptions options;
  options.env["KUBECONFIG"] = kubeconfig.empty() ? plane_.kubeconfig : kubeconfig;
  options.env["XDG_STATE_HOME"] = scratch_->path() + "/state";
  options.env["XDG_CONFIG_HOME"] = scratch_->path() + "/config";
  options.env["XDG_DATA_HOME"] = scratch_->path() + "/data";
  options.timeout = std::chrono::seconds(120);
  return options;
}

test::ProcessResult PlaneTest::dlaunch(const std::vector<std::string>& args, const std::string& kubeconfig) const {
  return test::run_dlaunch(args, dlaunch_options(kubeconfig));
}

std::string PlaneTest::kubeconfig_with(const std::string& user_yaml, const std::string& cluster_extra_yaml) const {
  std::string cluster = cluster_extra_yaml.empty() ? "    certificate-authority: " + plane_.ca_file + "\n" : cluster_extra_yaml;
  return "apiVersion: v1\nkind: Config\ncurrent-context: test\nclusters:\n- name: plane\n  cluster:\n    server: " +
         plane_.server + "\n" + cluster + "users:\n- name: tester\n  user:\n" + user_yaml +
         "contexts:\n- name: test\n  context: {cluster: plane, user: tester, namespace: " + namespace_ +
         "}\n";
}

}  // namespace dlaunch::kubernetes_test
