// No secret in any output (issue #10), against the real slurmrestd with JWT authentication: the cluster's token,
// put where a user puts it — the configuration file, SLURM_JWT, `--set`, the spec — goes through every command
// with -v and -o json, and appears nowhere in what they print nor in any byte under the state directory. The
// same as tests/ray/secrets_test.cpp does against a Ray cluster.
#include "slurm_cluster.hpp"
#include "support/secret_search.hpp"

#include <filesystem>

namespace dlaunch::slurm_test {
namespace {

// One place a user keeps the token, and how every command of the test reaches it.
struct TokenPlace {
  std::map<std::string, std::string> env{};
  std::string config_toml{};                  // the user's config.toml; empty for none
  std::vector<std::string> args{};            // given to every command that talks to the cluster
  std::vector<std::string> follow_up_args{};  // added for the commands after the submit
  std::string spec_token{};                   // [platform.slurm] token in the spec
};

std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

class SlurmSecrets : public SlurmClusterTest {
 protected:
  // Runs `args` with -v over the cluster's JWT URL (never its socket), keeps what it printed, and returns it.
  test::ProcessResult command(std::vector<std::string> args, const TokenPlace& place,
                              const std::vector<std::string>& extra) {
    args.push_back("-v");
    args.insert(args.end(), extra.begin(), extra.end());
    std::map<std::string, std::string> env = {{"DLAUNCH_SLURM_SOCKET", ""}, {"DLAUNCH_SLURM_URL", cluster_.url},
                                              {"SLURM_JWT", ""}, {"XDG_CONFIG_HOME", config_.path()}};
    for (const auto& [k, v] : place.env) env[k] = v;
    auto result = dlaunch(args, env);
    printed_.add("dlaunch " + args[0] + (args[0] == "plugins" ? "" : " " + args[1]), result.out + result.err);
    return result;
  }
  void succeeds(std::vector<std::string> args, const TokenPlace& place, const std::vector<std::string>& extra) {
    auto result = command(std::move(args), place, extra);
    EXPECT_EQ(result.exit_code, 0) << printed_.last_name() << ":\n" << printed_.last_text();
  }

  // Every command over a job whose token is in `place`; then the search for the token.
  void exercise(const TokenPlace& place) {
    if (!place.config_toml.empty()) config_.write("dlaunch/config.toml", place.config_toml);
    std::string spec = to_toml(JobSpec({shell_role("main", "echo over jwt")}, "secrets"));
    if (!place.spec_token.empty()) spec += "[platform.slurm]\ntoken = " + toml_string(place.spec_token) + "\n";
    const std::string file = work_.write("job.toml", spec);
    const std::vector<std::string> later = place.args + place.follow_up_args;
    const std::vector<std::string> json = {"-o", "json"};

    for (const auto& output : {std::vector<std::string>{}, json}) {
      succeeds({"validate", file, "-p", "slurm"}, place, place.args + output);
      auto dry = command({"run", file, "-p", "slurm", "--dry-run"}, place, place.args + output);
      EXPECT_EQ(dry.exit_code, 0) << dry.err;
      EXPECT_TRUE(contains(dry.out, "X-SLURM-USER-TOKEN")) << "the dry run shows the token's header:\n" << dry.out;
      succeeds({"plugins", "info", "slurm"}, place, output);
    }
    auto submitted = command({"run", file, "-p", "slurm", "--follow"}, place, place.args);
    ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
    EXPECT_TRUE(contains(submitted.out, "[main/0] over jwt")) << submitted.out;
    const std::string handle = test::last_line(submitted.out);
    ASSERT_TRUE(handle.starts_with("slurm:")) << submitted.out;
    for (const auto& output : {std::vector<std::string>{}, json}) {
      succeeds({"status", handle}, place, later + output);
      succeeds({"list", "-p", "slurm"}, place, later + output);
      succeeds({"list"}, place, output);
    }
    succeeds({"logs", handle}, place, later);
    succeeds({"logs", handle, "-f"}, place, later);
    succeeds({"stop", handle}, place, later);  // an ended job: nothing to stop
    // A command that fails with the token in hand (no such job) prints no secret either.
    command({"status", "slurm:999999"}, place, later + json);

    expect_no_token();
  }

  void expect_no_token() {
    const std::string& token = cluster_.jwt;
    ASSERT_GE(token.size(), 32u);
    // Its signature too, so that a shortened token would be caught (the header part is the same in any JWT).
    for (const std::string& secret : {token, token.substr(token.rfind('.') + 1)}) {
      ASSERT_GE(secret.size(), 16u);
      printed_.expect_none_printed(secret);
      test::expect_no_file_holds(state_.path(), secret);
    }
    EXPECT_TRUE(std::filesystem::exists(state_.path() + "/dlaunch")) << "the journal was written";
  }

  test::TempDir config_;
  test::PrintedOutput printed_;
};

TEST_F(SlurmSecrets, TokenInTheConfigurationFileIsNeverPrintedNorStored) {
  exercise({.config_toml = "[platform.slurm]\ntoken = " + toml_string(cluster_.jwt) + "\n"});
}

TEST_F(SlurmSecrets, TokenInSlurmJwtIsNeverPrintedNorStored) { exercise({.env = {{"SLURM_JWT", cluster_.jwt}}}); }

TEST_F(SlurmSecrets, TokenInSetIsNeverPrintedNorStored) {
  exercise({.args = {"--set", "platform.slurm.token=" + cluster_.jwt}});
}

TEST_F(SlurmSecrets, TokenInTheSpecIsNeverPrintedNorStored) {
  // The journal keeps no secret, so the commands after the submit find the token in a file of the user's.
  exercise({.follow_up_args = {"--set", "platform.slurm.token_file=" + work_.write("jwt", cluster_.jwt + "\n")},
            .spec_token = cluster_.jwt});
}

}  // namespace
}  // namespace dlaunch::slurm_test
