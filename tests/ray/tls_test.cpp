// Ray behind TLS, for real: a TLS-terminating proxy (tls_proxy.py, Python's ssl module) in front of the real
// dashboard, with a certificate from a CA the test makes with openssl. Verification is on by default (an
// unknown CA is refused, exit 69, naming the certificate problem); ca_file with the right CA makes a submit
// and a later status pass; another CA is refused; insecure_skip_tls_verify passes and warns.
#include "cli_test_fixture.hpp"
#include "text_checks.hpp"
#include "support/test_certificates.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <thread>

extern char** environ;

namespace dlaunch::ray_test {
namespace {

// Makes a CA (ca.pem) and, unless `ca_only`, a certificate for 127.0.0.1 it signed (server.pem, server.key), in
// `dir`.
void make_certificates(const std::string& dir, bool ca_only) {
  test::make_test_ca(dir);
  if (!ca_only) test::make_test_certificate(dir, "server", "IP:127.0.0.1");
}

class TlsProxy {
 public:
  TlsProxy(const std::string& dir, int upstream_port) {
    const std::string port_file = dir + "/port";
    std::vector<std::string> args = {"python3", DLAUNCH_TEST_RAY_SOURCE_DIR "/tls_proxy.py", dir + "/server.pem",
                                     dir + "/server.key", std::to_string(upstream_port), port_file, "300"};
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    if (posix_spawnp(&pid_, "python3", nullptr, nullptr, argv.data(), environ) != 0) pid_ = -1;
    for (int i = 0; i < 200 && !std::filesystem::exists(port_file); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::ifstream(port_file) >> port_;
  }
  ~TlsProxy() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  int port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

using RayTls = CliTest;

TEST_F(RayTls, VerifiesTheDashboardCertificateByDefaultAndTrustsOnlyTheCaItIsGiven) {
  test::TempDir certificates, other;
  make_certificates(certificates.path(), false);
  make_certificates(other.path(), true);
  TlsProxy proxy(certificates.path(), cluster_.port());
  ASSERT_GT(proxy.port(), 0) << "the TLS proxy did not start";
  const std::string address = "https://127.0.0.1:" + std::to_string(proxy.port());
  auto list = [&](const std::vector<std::string>& more) {
    std::vector<std::string> args = {"list", "-p", "ray", "--set", "platform.ray.address=" + address,
                                     "--set", "platform.ray.max_attempts=1"};
    args.insert(args.end(), more.begin(), more.end());
    return dlaunch(args);
  };

  // Verification on by default: the test CA is no CA the system trusts.
  auto unknown = list({});
  EXPECT_EQ(unknown.exit_code, 69) << unknown.err;
  EXPECT_NE(unknown.err.find("certificate"), std::string::npos) << unknown.err;
  // Another CA is refused the same way.
  auto wrong = list({"--set", "platform.ray.ca_file=" + other.path() + "/ca.pem"});
  EXPECT_EQ(wrong.exit_code, 69) << wrong.err;
  EXPECT_NE(wrong.err.find("certificate"), std::string::npos) << wrong.err;
  // Skipping verification passes, and says what it costs.
  auto insecure = list({"--set", "platform.ray.insecure_skip_tls_verify=true"});
  EXPECT_EQ(insecure.exit_code, 0) << insecure.err;
  EXPECT_NE(insecure.err.find("TLS certificate verification is off"), std::string::npos) << insecure.err;

  // The right CA: a submit, and a later command that finds ca_file in the journal.
  JobSpec spec = shell_job("tls", "true");
  spec.option("address", string_literal(address))
      .option("ca_file", string_literal(certificates.path() + "/ca.pem"))
      .option("entrypoint_resources", "{ dlaunch_fault_test_never = 1 }");
  const std::string handle = run(spec);
  auto status = dlaunch({"status", handle});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_EQ(status.err.find("verification is off"), std::string::npos) << status.err;
  dlaunch({"stop", handle});
}

}  // namespace
}  // namespace dlaunch::ray_test
