// No secret in any output (issue #10): the token of the token-authentication cluster, put where a user puts
// it — the configuration file, the environment, `--set`, the spec — goes through every command with -v and
// -o json, and its value appears nowhere in what they print nor in any byte under the state directory (the
// journal's SQLite files included). The ray plugin has no token option: a token in an option is the
// `Authorization` header of the secret `headers` table, which wins over the token sources (docs/ray.md). The
// job's own secret-looking variables hold it too (HF_TOKEN, WANDB_API_KEY, and HF_TOKEN swept over it), and
// the commands include sweeps and the pages of `dlaunch ui`.
#include "cli_test_fixture.hpp"
#include "text_checks.hpp"
#include "support/secret_search.hpp"
#include "support/ui_answers.hpp"

#include <filesystem>

namespace dlaunch::ray_test {
namespace {

// One place a user keeps the token, and how every command of the test reaches it.
struct TokenPlace {
  std::map<std::string, std::string> env{};
  std::string config_toml{};                    // the user's config.toml; empty for none
  std::vector<std::string> args{};              // given to every command that talks to the cluster
  std::vector<std::string> follow_up_args{};    // added for the commands after the submit
  std::vector<std::pair<std::string, std::string>> spec_options{};
};

std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

class RaySecrets : public CliTest {
 protected:
  RaySecrets() : CliTest(token_cluster()) {}

  // The environment of every command: the token's if `place` puts it there.
  std::map<std::string, std::string> environment(const TokenPlace& place) const {
    std::map<std::string, std::string> env = {{"HOME", home_.path()}, {"RAY_AUTH_TOKEN", ""},
                                              {"RAY_AUTH_TOKEN_PATH", ""}};
    env["RAY_ADDRESS"] = cluster_.address;  // for `list -p ray`, which has no spec
    for (const auto& [k, v] : place.env) env[k] = v;
    return env;
  }

  // Runs `args` with -v (and whatever `place` adds), keeps what it printed, and returns it.
  test::ProcessResult command(std::vector<std::string> args, const TokenPlace& place,
                              const std::vector<std::string>& extra) {
    args.push_back("-v");
    args.insert(args.end(), extra.begin(), extra.end());
    auto result = dlaunch(args, environment(place));
    // What the command printed, under its name (its arguments may hold the token: the search skips them).
    printed_.add("dlaunch " + args[0] + (args[0] == "plugins" ? "" : " " + args[1]), result.out + result.err);
    return result;
  }
  // Runs a command that must succeed.
  void succeeds(std::vector<std::string> args, const TokenPlace& place, const std::vector<std::string>& extra) {
    auto result = command(std::move(args), place, extra);
    EXPECT_EQ(result.exit_code, 0) << printed_.last_name() << ":\n" << printed_.last_text();
  }

  // Every command over a job whose token is in `place`; then the search for the token.
  void exercise(const TokenPlace& place) {
    if (!place.config_toml.empty()) state_.write("config/dlaunch/config.toml", place.config_toml);
    // The job prints its secret variables reversed: it sees their values, and its output holds no token.
    JobSpec spec = job("secrets", R"(printf '%s|%s\n' "$HF_TOKEN" "$WANDB_API_KEY" | rev)");
    spec.env["HF_TOKEN"] = cluster_.token();
    spec.roles.front().env["WANDB_API_KEY"] = cluster_.token();
    for (const auto& [name, value] : place.spec_options) spec.option(name, value);
    const std::string file = write_spec(spec);
    std::vector<std::string> later = place.args;
    later.insert(later.end(), place.follow_up_args.begin(), place.follow_up_args.end());
    const std::vector<std::string> json = {"-o", "json"};

    for (const auto& output : {std::vector<std::string>{}, json}) {
      succeeds({"validate", file, "-p", "ray"}, place, place.args + output);
      auto dry = command({"run", file, "-p", "ray", "--dry-run"}, place, place.args + output);
      EXPECT_EQ(dry.exit_code, 0) << dry.err;
      EXPECT_TRUE(contains(dry.out, "Authorization")) << dry.out;
      EXPECT_TRUE(contains(dry.out, "***")) << "the dry run shows the token as ***:\n" << dry.out;
      succeeds({"plugins", "info", "ray"}, place, output);
    }
    auto submitted = command({"run", file, "-p", "ray", "--follow"}, place, place.args);
    ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
    const std::string handle = test::last_line(submitted.out);
    ASSERT_TRUE(handle.starts_with("ray:")) << submitted.out;
    const std::string token = cluster_.token();
    const std::string reversed(token.rbegin(), token.rend());
    EXPECT_TRUE(contains(submitted.out, reversed + "|" + reversed))
        << "the job's process sees the values of its secret variables:\n" << submitted.out;

    // A sweep of two jobs over HF_TOKEN, its values the token itself: never printed, labelled nor kept.
    const std::vector<std::string> sweep_args = {"--sweep", "hf_token=" + token + "-a," + token + "-b"};
    for (const auto& output : {std::vector<std::string>{}, json}) {
      succeeds({"validate", file, "-p", "ray"}, place, place.args + sweep_args + output);
      succeeds({"run", file, "-p", "ray", "--dry-run"}, place, place.args + sweep_args + output);
    }
    auto swept = command({"run", file, "-p", "ray", "--wait"}, place, place.args + sweep_args);
    ASSERT_EQ(swept.exit_code, 0) << swept.err;
    const std::string sweep = test::last_line(swept.out);
    ASSERT_TRUE(sweep.starts_with("sweep:")) << swept.out;
    EXPECT_TRUE(contains(swept.err, "(hf_token=***)")) << swept.err;
    for (const auto& output : {std::vector<std::string>{}, json}) {
      succeeds({"status", sweep}, place, later + output);
    }
    succeeds({"stop", sweep}, place, later);
    for (const auto& output : {std::vector<std::string>{}, json}) {
      succeeds({"status", handle}, place, later + output);
      succeeds({"list", "-p", "ray"}, place, later + output);
    }
    // The page, before the job is deleted: every answer a browser gets, the job's document among them.
    // It reads this test's journal, and reaches the cluster with the token in its environment whatever place
    // the commands had it in, so that every job's stream ends.
    auto ui_env = environment(place);
    ui_env["XDG_STATE_HOME"] = state_.path() + "/state";
    ui_env["XDG_CONFIG_HOME"] = state_.path() + "/config";
    ui_env["RAY_AUTH_TOKEN"] = token;
    auto page = test::fetch_ui_answers(ui_env, work_.path(), {handle});
    printed_.add("dlaunch ui", page.out + page.err);
    EXPECT_EQ(page.exit_code, 0) << page.err;
    EXPECT_TRUE(contains(page.out, "\"handle\":\"" + handle + "\"")) << "the page answered:\n" << page.out;
    EXPECT_TRUE(contains(page.out, R"(\"HF_TOKEN\":\"***\")")) << page.out;
    EXPECT_FALSE(contains(page.out, "curl failed")) << page.out;

    succeeds({"logs", handle}, place, later);
    succeeds({"stop", handle}, place, later);  // an ended job: nothing to stop
    succeeds({"delete", handle}, place, later);
    // A command that fails with the token in hand (a bad handle) prints no secret either.
    command({"status", "ray:no-such-job"}, place, later + json);

    expect_no_token();
  }

  void expect_no_token() {
    const std::string token = cluster_.token();
    ASSERT_GE(token.size(), 16u);
    // A prefix too, so that a shortened token would be caught.
    for (const std::string& secret : {token, token.substr(0, 12)}) {
      printed_.expect_none_printed(secret);
      test::expect_no_file_holds(state_.path() + "/state", secret);
    }
    EXPECT_TRUE(std::filesystem::exists(state_.path() + "/state/dlaunch")) << "the journal was written";
  }

  std::string authorization() const { return "Bearer " + cluster_.token(); }
  std::string headers_literal() const { return "{ Authorization = " + string_literal(authorization()) + " }"; }

  test::TempDir home_;
  test::PrintedOutput printed_;
};

TEST_F(RaySecrets, TokenInTheConfigurationFileIsNeverPrintedNorStored) {
  exercise({.config_toml = "[platform.ray]\nheaders = " + headers_literal() + "\n"});
}

TEST_F(RaySecrets, TokenInTheEnvironmentIsNeverPrintedNorStored) {
  exercise({.env = {{"RAY_AUTH_TOKEN", cluster_.token()}}});
}

TEST_F(RaySecrets, TokenInSetIsNeverPrintedNorStored) {
  exercise({.args = {"--set", "platform.ray.headers.Authorization=" + string_literal(authorization())}});
}

TEST_F(RaySecrets, TokenInTheSpecIsNeverPrintedNorStored) {
  // The journal keeps no secret, so the commands after the submit find the token in the user's file.
  exercise({.follow_up_args = {"--set", "platform.ray.token_file=" + cluster_.token_file},
            .spec_options = {{"headers", headers_literal()}}});
}

}  // namespace
}  // namespace dlaunch::ray_test
