// No secret in any output (issue #10), against the real control plane: the admin's bearer token, in a
// kubeconfig as `token:` and as `tokenFile:`, goes through every command with -v and -o json, and appears
// nowhere in what they print nor in any byte under the state directory. A token the server refuses, and a
// kubeconfig that cannot be read on the token's own line, are not echoed either. The same as
// tests/ray/secrets_test.cpp does against a Ray cluster.
#include "kubernetes_plane.hpp"
#include "support/secret_search.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace dlaunch::kubernetes_test {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

class KubernetesSecrets : public PlaneTest {
 protected:
  void SetUp() override {
    PlaneTest::SetUp();
    if (IsSkipped()) return;
    token_ = read_file(plane_.token_file);
    token_.erase(token_.find_last_not_of(" \n") + 1);
  }

  // Runs `args` with -v over `kubeconfig`, keeps what it printed, and returns it.
  test::ProcessResult command(std::vector<std::string> args, const std::string& kubeconfig,
                              const std::vector<std::string>& extra = {}) {
    args.push_back("-v");
    args.insert(args.end(), extra.begin(), extra.end());
    auto result = dlaunch(args, kubeconfig);
    printed_.add("dlaunch " + args[0] + " " + args[1], result.out + result.err);
    return result;
  }
  void succeeds(std::vector<std::string> args, const std::string& kubeconfig,
                const std::vector<std::string>& extra = {}) {
    auto result = command(std::move(args), kubeconfig, extra);
    EXPECT_EQ(result.exit_code, 0) << printed_.last_name() << ":\n" << printed_.last_text();
  }

  std::string spec(const std::string& name) {
    return scratch_->write(name + ".toml", "name = \"" + name + "\"\n[[roles]]\nname = \"worker\"\n" +
                                               "entrypoint = \"echo over a token\"\n[platform.kubernetes]\n" +
                                               "image = \"busybox:1.36\"\nnamespace = \"" + namespace_ + "\"\n");
  }

  // Every command over a job submitted with `kubeconfig`; then the search for the token.
  void exercise(const std::string& kubeconfig) {
    const std::string file = spec("secrets");
    const std::vector<std::string> json = {"-o", "json"};
    for (const auto& output : {std::vector<std::string>{}, json}) {
      succeeds({"validate", file, "-p", "kubernetes"}, kubeconfig, output);
      succeeds({"run", file, "-p", "kubernetes", "--dry-run"}, kubeconfig, output);
    }
    auto submitted = command({"run", file, "-p", "kubernetes", "--wait"}, kubeconfig);
    ASSERT_EQ(submitted.exit_code, 0) << submitted.out << submitted.err;
    const std::string handle = test::last_line(submitted.out);
    ASSERT_TRUE(handle.starts_with("kubernetes:")) << submitted.out;
    for (const auto& output : {std::vector<std::string>{}, json}) {
      succeeds({"status", handle}, kubeconfig, output);
      succeeds({"list", "-p", "kubernetes"}, kubeconfig, output);
      succeeds({"list"}, kubeconfig, output);
    }
    succeeds({"logs", handle}, kubeconfig);
    succeeds({"logs", handle, "-f"}, kubeconfig);
    succeeds({"stop", handle}, kubeconfig);
    succeeds({"delete", handle}, kubeconfig);
    // A command that fails with the token in hand (no such job) prints no secret either.
    command({"status", "kubernetes:" + namespace_ + "/no-such-job"}, kubeconfig, json);
    expect_no_secret(token_);
  }

  void expect_no_secret(const std::string& secret) {
    ASSERT_GE(secret.size(), 16u);
    printed_.expect_none_printed(secret);
    ASSERT_TRUE(std::filesystem::exists(scratch_->path() + "/state/dlaunch")) << "the journal was written";
    test::expect_no_file_holds(scratch_->path() + "/state", secret);
  }

  std::string token_;
  test::PrintedOutput printed_;
};

TEST_F(KubernetesSecrets, TokenInTheKubeconfigIsNeverPrintedNorStored) {
  exercise(scratch_->write("token.kubeconfig", kubeconfig_with("    token: " + token_ + "\n")));
}

TEST_F(KubernetesSecrets, TokenInATokenFileIsNeverPrintedNorStored) {
  exercise(scratch_->write("file.kubeconfig", kubeconfig_with("    tokenFile: " + plane_.token_file + "\n")));
}

TEST_F(KubernetesSecrets, ARefusedTokenAndAKubeconfigBrokenOnItsLineAreNotEchoed) {
  const std::string refused_token = "dlaunch-refused-token-8c2d71f04b";
  auto refused = command({"run", spec("refused"), "-p", "kubernetes"},
                         scratch_->write("refused.kubeconfig", kubeconfig_with("    token: " + refused_token + "\n")));
  EXPECT_EQ(refused.exit_code, 77) << refused.out << refused.err;
  auto listed = command({"list", "-p", "kubernetes"}, scratch_->path() + "/refused.kubeconfig", {"-o", "json"});
  EXPECT_EQ(listed.exit_code, 77) << listed.out << listed.err;
  // YAML that ends on the token's line: an unclosed quote after it.
  const std::string broken = scratch_->write("broken.kubeconfig", kubeconfig_with("    token: \"" + token_ + "\n"));
  for (const auto& output : {std::vector<std::string>{}, std::vector<std::string>{"-o", "json"}}) {
    auto result = command({"run", spec("broken"), "-p", "kubernetes"}, broken, output);
    EXPECT_NE(result.exit_code, 0) << result.out << result.err;
  }
  expect_no_secret(refused_token);
  expect_no_secret(token_);
}

}  // namespace
}  // namespace dlaunch::kubernetes_test
