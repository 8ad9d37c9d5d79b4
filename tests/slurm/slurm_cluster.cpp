#include "slurm_cluster.hpp"

#include "support/cluster_env.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <regex>
#include <sstream>
#include <thread>

namespace dlaunch::slurm_test {

std::string submitted_handle(const test::ProcessResult& result) {
  std::smatch match;
  static const std::regex submitted(R"(submitted (slurm:[0-9]+))");
  return std::regex_search(result.err, match, submitted) ? match[1].str() : std::string();
}

ClusterOrReason running_cluster() {
  const char* env_file = std::getenv("DLAUNCH_SLURM_CLUSTER_ENV");
  if (env_file == nullptr) return {std::nullopt, "DLAUNCH_SLURM_CLUSTER_ENV is not set (run the tests with ctest)"};
  auto values = test::read_env_file(env_file);
  if (values.empty()) {
    return {std::nullopt, std::string("no cluster recorded in ") + env_file + " (did slurm_cluster_start run?)"};
  }
  Cluster cluster{values["SLURM_CONF"], values["DLAUNCH_SLURM_SOCKET"], values["DLAUNCH_SLURM_URL"],
                  values["DLAUNCH_SLURM_JWT"], values["DLAUNCH_SLURM_JOB_USER"]};
  if (access(cluster.socket.c_str(), F_OK) != 0) {
    return {std::nullopt, "slurmrestd's socket " + cluster.socket + " is gone"};
  }
  return {cluster, ""};
}

RoleSpec shell_role(const std::string& name, const std::string& command) {
  RoleSpec role;
  role.name = name;
  role.entrypoint = {"/bin/sh", "-c", command};
  return role;
}

std::string toml_string(const std::string& text) {
  std::ostringstream out;
  out << '"';
  for (unsigned char c : text) {
    switch (c) {
      case '"': out << "\\\""; break;
      case '\\': out << "\\\\"; break;
      case '\n': out << "\\n"; break;
      case '\t': out << "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out << "\\u" << std::hex << std::setw(4) << std::setfill('0') << static_cast<int>(c) << std::dec;
        } else {
          out << c;
        }
    }
  }
  out << '"';
  return out.str();
}

std::string to_toml(const JobSpec& spec) {
  auto table = [](const std::map<std::string, std::string>& values) {
    std::string out = "{ ";
    for (const auto& [name, value] : values) out += (out.size() > 2 ? ", " : "") + name + " = " + toml_string(value);
    return out + " }";
  };
  std::ostringstream out;
  out << "name = " << toml_string(spec.name) << "\n";
  if (!spec.env.empty()) out << "env = " << table(spec.env) << "\n";
  out << "[failover]\nmax_restarts = " << spec.max_restarts << "\n";
  for (const auto& role : spec.roles) {
    out << "[[roles]]\nname = " << toml_string(role.name) << "\nentrypoint = [";
    for (size_t i = 0; i < role.entrypoint.size(); ++i) out << (i ? ", " : "") << toml_string(role.entrypoint[i]);
    out << "]\nreplicas = " << role.replicas << "\nper_node = " << role.per_node << "\nresources = { cpu = "
        << role.cpu << " }\n";
    if (!role.env.empty()) out << "env = " << table(role.env) << "\n";
  }
  return out.str();
}

void SlurmClusterTest::SetUp() {
  ClusterOrReason found = running_cluster();
  if (!found.cluster) {
    if (running_in_ci()) FAIL() << "the Slurm test cluster is not running: " << found.reason;
    GTEST_SKIP() << "NO SLURM TEST CLUSTER, test skipped: " << found.reason;
  }
  cluster_ = *found.cluster;
  // Jobs run as the cluster's job user: it must enter the working directory and write its output there.
  struct passwd* user = getpwnam(cluster_.job_user.c_str());
  ASSERT_NE(user, nullptr) << "no user " << cluster_.job_user;
  ASSERT_EQ(chown(work_.path().c_str(), user->pw_uid, user->pw_gid), 0);
}

std::string SlurmClusterTest::write_spec(const JobSpec& spec) const { return work_.write("job.toml", to_toml(spec)); }

test::ProcessOptions SlurmClusterTest::process_options(const std::map<std::string, std::string>& env,
                                                       std::chrono::seconds timeout) const {
  test::ProcessOptions options;
  options.env = {{"XDG_STATE_HOME", state_.path()}, {"DLAUNCH_SLURM_SOCKET", cluster_.socket},
                 {"SLURM_CONF", cluster_.slurm_conf}};
  for (const auto& [name, value] : env) options.env[name] = value;
  options.working_dir = work_.path();
  options.timeout = timeout;
  return options;
}

test::ProcessResult SlurmClusterTest::dlaunch(const std::vector<std::string>& args,
                                              const std::map<std::string, std::string>& env,
                                              std::chrono::seconds timeout) const {
  return test::run_dlaunch(args, process_options(env, timeout));
}

std::string SlurmClusterTest::run(const JobSpec& spec) {
  test::ProcessResult result = dlaunch({"run", write_spec(spec), "-p", "slurm"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  std::string handle = test::last_line(result.out);
  EXPECT_TRUE(handle.starts_with("slurm:")) << result.out << result.err;
  return handle;
}

std::string SlurmClusterTest::wait_for_status(const std::string& handle, const std::string& word,
                                              std::chrono::seconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string last;
  while (std::chrono::steady_clock::now() < deadline) {
    test::ProcessResult result = dlaunch({"status", handle});
    last = result.out + result.err;
    if (contains(last, word)) return last;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  ADD_FAILURE() << handle << " never showed " << word << "; last status: " << last;
  return last;
}

}  // namespace dlaunch::slurm_test
