// No secret in any output, on local (issue 10; tests/ray/secrets_test.cpp does the same against a Ray cluster
// with token authentication): a token in the places a user keeps one — the configuration file, the
// environment, --set and the spec, as the secret options of the other installed platforms (Ray's headers,
// Slurm's token) and the variables they read — goes through every command with -v and -o json, and appears
// neither in what they print nor in any byte under the state directory.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli_fixture.hpp"

namespace dlaunch {
namespace {

constexpr const char* kToken = "dlaunch-test-secret-4f1c9b2e7d";

class LocalSecrets : public CliTest {
 protected:
  test::ProcessResult command(std::vector<std::string> args, const std::vector<std::string>& extra) {
    args.push_back("-v");
    args.insert(args.end(), extra.begin(), extra.end());
    test::ProcessOptions options;
    options.env = environment();
    options.env["SLURM_JWT"] = kToken;
    options.env["RAY_AUTH_TOKEN"] = kToken;
    options.timeout = std::chrono::seconds(60);
    auto result = test::run_dlaunch(args, options);
    printed_.push_back({"dlaunch " + args[0] + " " + args[1], result.out + result.err});
    return result;
  }
  void succeeds(std::vector<std::string> args, const std::vector<std::string>& extra) {
    auto result = command(std::move(args), extra);
    EXPECT_EQ(result.exit_code, 0) << printed_.back().first << ":\n" << printed_.back().second;
  }

  std::vector<std::pair<std::string, std::string>> printed_;
};

TEST_F(LocalSecrets, TokensInConfigEnvironmentSetAndSpecAreNeverPrintedNorStored) {
  const std::string token = std::string("\"") + kToken + "\"";
  std::filesystem::create_directories(home_.path() + "/config/dlaunch");
  std::ofstream(home_.path() + "/config/dlaunch/config.toml")
      << "[platform.ray]\nheaders = { Authorization = " << token << " }\n[platform.slurm]\ntoken = " << token << "\n";
  const std::string job = spec("job.toml", "name = \"secrets\"\n" + role("main", "[\"echo\", \"done\"]") +
                                               "[platform.ray]\nheaders = { X-Token = " + token +
                                               " }\n[platform.slurm]\ntoken = " + token + "\n");
  const std::vector<std::string> set = {"--set", std::string("platform.slurm.token=") + token};
  const std::vector<std::string> json = {"-o", "json"};
  for (const auto& output : {std::vector<std::string>{}, json}) {
    std::vector<std::string> with_set = set;
    with_set.insert(with_set.end(), output.begin(), output.end());
    succeeds({"validate", job}, with_set);
    succeeds({"run", job, "--dry-run"}, with_set);
  }
  auto run = command({"run", job, "--wait"}, set);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string handle = test::last_line(run.out);
  for (const auto& output : {std::vector<std::string>{}, json}) {
    succeeds({"status", handle}, output);
    succeeds({"list", "-p", "local"}, output);
    succeeds({"list", "--limit", "0"}, output);
    succeeds({"plugins", "info", "local"}, output);
  }
  succeeds({"logs", handle}, {});
  succeeds({"stop", handle}, {});
  succeeds({"delete", handle}, {});
  command({"status", "local:no-such-job"}, json);

  for (const auto& [what, text] : printed_) {
    EXPECT_EQ(text.find(kToken), std::string::npos) << what << " printed the token:\n" << text;
  }
  for (const auto& entry : std::filesystem::recursive_directory_iterator(home_.path() + "/state")) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    EXPECT_EQ(bytes.str().find(kToken), std::string::npos) << "the token is in " << entry.path();
  }
}

}  // namespace
}  // namespace dlaunch
