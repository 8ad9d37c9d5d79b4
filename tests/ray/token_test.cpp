// The ray plugin against the cluster in token-authentication mode (RAY_AUTH_MODE=token): every token source
// is accepted, and a missing or wrong token is refused with a message that says how to pass one.
#include "cli_test_fixture.hpp"
#include "plugin_test_fixture.hpp"

#include <support/process.hpp>

#include <cstdlib>
#include <map>
#include <optional>

namespace dlaunch::ray_test {
namespace {

// Sets (or, with nullopt, removes) environment variables for one test and puts them back afterwards.
class EnvironmentOverride {
 public:
  explicit EnvironmentOverride(const std::map<std::string, std::optional<std::string>>& changes) {
    for (const auto& [name, value] : changes) {
      const char* old = std::getenv(name.c_str());
      saved_[name] = old != nullptr ? std::optional<std::string>(old) : std::nullopt;
      apply(name, value);
    }
  }
  ~EnvironmentOverride() {
    for (const auto& [name, value] : saved_) apply(name, value);
  }

 private:
  static void apply(const std::string& name, const std::optional<std::string>& value) {
    if (value) {
      setenv(name.c_str(), value->c_str(), 1);
    } else {
      unsetenv(name.c_str());
    }
  }
  std::map<std::string, std::optional<std::string>> saved_;
};

class RayTokenAuth : public PluginTest {
 protected:
  RayTokenAuth() : PluginTest(token_cluster()) {}

  // No token anywhere but where the test puts it: a HOME without ~/.ray, no RAY_AUTH_* variables.
  std::map<std::string, std::optional<std::string>> no_token_sources() const {
    return {{"HOME", home_.path()}, {"RAY_AUTH_TOKEN", std::nullopt}, {"RAY_AUTH_TOKEN_PATH", std::nullopt}};
  }
  JobSpec spec() const {
    JobSpec s = shell_job("token", "echo authorized");
    s.option("address", string_literal(cluster_.address));
    return s;
  }
  Outcome list_jobs(const JobSpec& s) {
    std::vector<Status> listed;
    return plugin().list(s.platform_json(), listed);
  }

  test::TempDir home_;
};

TEST_F(RayTokenAuth, MissingTokenIsRefusedWithHowToPassOne) {
  EnvironmentOverride env(no_token_sources());
  Outcome refused = list_jobs(spec());
  EXPECT_EQ(refused.code, DLAUNCH_ERR_UNAUTHENTICATED);
  for (const char* how : {"token_file", "RAY_AUTH_TOKEN", "RAY_AUTH_TOKEN_PATH", "~/.ray/auth_token"}) {
    EXPECT_TRUE(contains(refused.message, how)) << refused.message;
  }
}

TEST_F(RayTokenAuth, WrongTokenIsRefusedAndNamesItsSource) {
  auto changes = no_token_sources();
  changes["RAY_AUTH_TOKEN"] = "not-the-token";
  EnvironmentOverride env(changes);
  Outcome refused = list_jobs(spec());
  EXPECT_EQ(refused.code, DLAUNCH_ERR_UNAUTHENTICATED);
  EXPECT_TRUE(contains(refused.message, "refused the token")) << refused.message;
  EXPECT_TRUE(contains(refused.message, "RAY_AUTH_TOKEN")) << refused.message;
  EXPECT_FALSE(contains(refused.message, "not-the-token")) << "a token is never printed";
}

TEST_F(RayTokenAuth, TokenFileOptionIsAccepted) {
  EnvironmentOverride env(no_token_sources());
  JobSpec s = spec();
  s.option("token_file", string_literal(cluster_.token_file));
  std::string id = submit(s);
  EXPECT_EQ(wait_for_end(id, s).state, DLAUNCH_STATE_SUCCEEDED);
  EXPECT_TRUE(contains(logs(id, s), "authorized"));
}

TEST_F(RayTokenAuth, RayAuthTokenVariableIsAccepted) {
  auto changes = no_token_sources();
  changes["RAY_AUTH_TOKEN"] = cluster_.token();
  EnvironmentOverride env(changes);
  Outcome listed = list_jobs(spec());
  EXPECT_TRUE(listed.ok()) << listed.message;
}

TEST_F(RayTokenAuth, RayAuthTokenPathVariableIsAccepted) {
  auto changes = no_token_sources();
  changes["RAY_AUTH_TOKEN_PATH"] = cluster_.token_file;
  EnvironmentOverride env(changes);
  Outcome listed = list_jobs(spec());
  EXPECT_TRUE(listed.ok()) << listed.message;
}

TEST_F(RayTokenAuth, TokenInHomeRayDirectoryIsAccepted) {
  EnvironmentOverride env(no_token_sources());
  home_.write(".ray/auth_token", cluster_.token() + "\n");
  Outcome listed = list_jobs(spec());
  EXPECT_TRUE(listed.ok()) << listed.message;
}

// The same through the built dlaunch binary: `run --follow` with each token source, and exit 77 without one.
class RayTokenCli : public CliTest {
 protected:
  RayTokenCli() : CliTest(token_cluster()) {}
  // The environment of a user with no token anywhere, plus `extra`.
  std::map<std::string, std::string> environment(std::map<std::string, std::string> extra = {}) const {
    extra.emplace("HOME", home_.path());
    extra.emplace("RAY_AUTH_TOKEN", "");
    extra.emplace("RAY_AUTH_TOKEN_PATH", "");
    return extra;
  }
  test::ProcessResult run_job(const JobSpec& spec, const std::map<std::string, std::string>& env) const {
    return dlaunch({"run", write_spec(spec), "-p", "ray", "--follow"}, env);
  }

  test::TempDir home_;
};

TEST_F(RayTokenCli, RunWithoutATokenExitsSeventySevenAndSaysHowToPassOne) {
  auto result = run_job(job("cli-no-token", "true"), environment());
  EXPECT_EQ(result.exit_code, 77) << result.err;
  EXPECT_TRUE(contains(result.err, "token_file")) << result.err;
  EXPECT_TRUE(contains(result.err, "RAY_AUTH_TOKEN")) << result.err;
}

TEST_F(RayTokenCli, EveryTokenSourceIsAccepted) {
  JobSpec from_option = job("cli-token-option", "echo authorized");
  from_option.option("token_file", string_literal(cluster_.token_file));
  auto by_option = run_job(from_option, environment());
  EXPECT_EQ(by_option.exit_code, 0) << by_option.err;
  EXPECT_TRUE(contains(by_option.out, "authorized")) << by_option.out;

  JobSpec plain = job("cli-token-env", "echo authorized");
  auto by_variable = run_job(plain, environment({{"RAY_AUTH_TOKEN", cluster_.token()}}));
  EXPECT_EQ(by_variable.exit_code, 0) << by_variable.err;
  auto by_path = run_job(plain, environment({{"RAY_AUTH_TOKEN_PATH", cluster_.token_file}}));
  EXPECT_EQ(by_path.exit_code, 0) << by_path.err;
  home_.write(".ray/auth_token", cluster_.token() + "\n");
  auto by_home = run_job(plain, environment());
  EXPECT_EQ(by_home.exit_code, 0) << by_home.err;
}

}  // namespace
}  // namespace dlaunch::ray_test
