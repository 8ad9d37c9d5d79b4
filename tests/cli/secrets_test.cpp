// No secret in any output, on local (issue 10; tests/ray/secrets_test.cpp does the same against a Ray cluster
// with token authentication): a token in the places a user keeps one — the configuration file, the
// environment, --set and the spec, as the secret options of the other installed platforms (Ray's headers,
// Slurm's token), the variables they read, and the job's own secret-looking environment variables (HF_TOKEN,
// WANDB_API_KEY) — goes through every command with -v and -o json, and appears neither in what they print nor
// in any byte under the state directory (the journal's documents and the local jobs' files included). The
// job's processes still see the values themselves.
#include <filesystem>
#include <string_view>

#include "cli_fixture.hpp"
#include "support/secret_search.hpp"
#include "support/ui_answers.hpp"

namespace dlaunch {
namespace {

constexpr const char* kToken = "dlaunch-test-secret-4f1c9b2e7d";

class LocalSecrets : public CliTest {
 protected:
  // Runs `args` with -v and `extra`, the tokens in the environment, and keeps what it printed.
  test::ProcessResult command(std::vector<std::string> args, const std::vector<std::string>& extra) {
    args.push_back("-v");
    args.insert(args.end(), extra.begin(), extra.end());
    test::ProcessOptions options;
    options.env = secret_environment();
    options.timeout = std::chrono::seconds(60);
    auto result = test::run_dlaunch(args, options);
    printed_.add("dlaunch " + args[0] + " " + args[1], result.out + result.err);
    return result;
  }
  void succeeds(std::vector<std::string> args, const std::vector<std::string>& extra) {
    auto result = command(std::move(args), extra);
    EXPECT_EQ(result.exit_code, 0) << printed_.last_name() << ":\n" << printed_.last_text();
  }
  // A command that must be refused with `exit_code`.
  void refused(std::vector<std::string> args, const std::vector<std::string>& extra, int exit_code) {
    auto result = command(std::move(args), extra);
    EXPECT_EQ(result.exit_code, exit_code) << printed_.last_name() << ":\n" << printed_.last_text();
  }

  std::map<std::string, std::string> secret_environment() const {
    auto env = environment();
    env["SLURM_JWT"] = kToken;
    env["RAY_AUTH_TOKEN"] = kToken;
    return env;
  }

  // The token in the user's configuration file, and a job whose spec holds it for every installed platform.
  std::string configure_and_write_job(const std::string& more_spec = "") {
    configure("[platform.ray]\nheaders = { Authorization = " + quoted() + " }\n[platform.slurm]\ntoken = " +
              quoted() + "\n");
    return spec("job.toml", secret_env_job("secrets") + "[platform.ray]\nheaders = { X-Token = " + quoted() +
                                " }\n[platform.slurm]\ntoken = " + quoted() + "\n" + more_spec);
  }
  // A job named `name` whose environment (HF_TOKEN) and role's (WANDB_API_KEY) hold the token. Its process
  // prints both values reversed (shown_by_the_job): it sees them, and its output holds no token.
  static std::string secret_env_job(const std::string& name) {
    return "name = \"" + name + "\"\nenv = { HF_TOKEN = " + quoted() + " }\n" +
           role("main", R"(["sh", "-c", 'printf "%s|%s\n" "$HF_TOKEN" "$WANDB_API_KEY" | rev'])") +
           "env = { WANDB_API_KEY = " + quoted() + " }\n";
  }
  static std::string shown_by_the_job() {
    const std::string_view token(kToken);
    const std::string reversed(token.rbegin(), token.rend());
    return "[main/0] " + reversed + "|" + reversed;
  }
  static std::string quoted() { return std::string("\"") + kToken + "\""; }

  // The token in nothing any command printed, nor in any byte under the state directory.
  void expect_no_token() {
    printed_.expect_none_printed(kToken);
    ASSERT_TRUE(std::filesystem::exists(home_.path() + "/state/dlaunch")) << "the journal was written";
    test::expect_no_file_holds(home_.path() + "/state", kToken);
  }

  test::PrintedOutput printed_;
};

const std::vector<std::string> kJson = {"-o", "json"};
const std::vector<std::string> kSet = {"--set", std::string("platform.slurm.token=\"") + kToken + "\""};

std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST_F(LocalSecrets, TokensInConfigEnvironmentSetAndSpecAreNeverPrintedNorStored) {
  const std::string job = configure_and_write_job();
  for (const auto& output : {std::vector<std::string>{}, kJson}) {
    succeeds({"validate", job}, kSet + output);
    succeeds({"run", job, "--dry-run"}, kSet + output);
  }
  auto run = command({"run", job, "--wait"}, kSet);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string handle = test::last_line(run.out);
  for (const auto& output : {std::vector<std::string>{}, kJson}) {
    succeeds({"status", handle}, output);
    succeeds({"list", "-p", "local"}, output);
    succeeds({"list", "--limit", "0"}, output);
    succeeds({"plugins", "info", "local"}, output);
  }
  succeeds({"logs", handle}, {});
  EXPECT_NE(printed_.last_text().find(shown_by_the_job()), std::string::npos)
      << "the job's process sees the values of its secret variables:\n" << printed_.last_text();
  succeeds({"stop", handle}, {});
  succeeds({"delete", handle}, {});
  command({"status", "local:no-such-job"}, kJson);
  expect_no_token();
}

// The rest of the commands and output modes: run -o json and --follow, sweeps (--sweep and a [sweep] table, a
// secret option swept too), their status, list and stop, logs -f and --tail, prune, the plugin commands,
// --config, and the page of `dlaunch ui` over HTTP.
TEST_F(LocalSecrets, EveryOtherCommandAndOutputModeKeepsTheTokensHidden) {
  const std::string job = configure_and_write_job("[sweep]\nlr = [1, 2]\n");
  const std::string single = spec("single.toml", secret_env_job("single") + "[platform.slurm]\ntoken = " + quoted() + "\n");
  auto run = command({"run", single, "--wait"}, kSet + kJson);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto followed = command({"run", single, "--follow"}, kSet);
  ASSERT_EQ(followed.exit_code, 0) << followed.err;
  const std::string handle = test::last_line(followed.out);
  ASSERT_TRUE(handle.starts_with("local:")) << followed.out;

  // The [sweep] table, then --sweep over the token itself: its values are never printed, labelled nor kept.
  const std::vector<std::string> secret_sweep = {
      "--sweep", std::string("platform.slurm.token=") + kToken + "-a," + kToken + "-b"};
  for (const auto& output : {std::vector<std::string>{}, kJson}) {
    succeeds({"validate", job}, kSet + secret_sweep + output);
    succeeds({"run", job, "--dry-run"}, kSet + secret_sweep + output);
  }
  succeeds({"run", job, "--wait"}, kSet + kJson);
  auto swept = command({"run", job, "--wait"}, kSet + secret_sweep);
  ASSERT_EQ(swept.exit_code, 0) << swept.err;
  const std::string sweep = test::last_line(swept.out);
  ASSERT_TRUE(sweep.starts_with("sweep:")) << swept.out;
  EXPECT_NE(swept.err.find("(lr=1, platform.slurm.token=***)"), std::string::npos) << swept.err;
  for (const auto& output : {std::vector<std::string>{}, kJson}) {
    succeeds({"status", sweep}, output);
    succeeds({"list", "--state", "SUCCEEDED"}, output);
    succeeds({"plugins", "list"}, output);
  }
  succeeds({"stop", sweep}, {});
  succeeds({"logs", handle, "-f"}, {});
  succeeds({"logs", handle, "--tail", "1"}, {});
  succeeds({"plugins", "check",
            (std::filesystem::path(test::dlaunch_binary()).parent_path().parent_path() / "lib/dlaunch/plugins/local")
                .string()},
           {});
  succeeds({"schema", "--config", home_.path() + "/config/dlaunch/config.toml"}, {});
  succeeds({"version", "--config", home_.path() + "/config/dlaunch/config.toml"}, {});

  // A job journaled before dlaunch kept documents: the page shows its spec file's document as it is now.
  auto old = command({"run", single, "--wait"}, kSet);
  ASSERT_EQ(old.exit_code, 0) << old.err;
  const std::string old_handle = test::last_line(old.out);
  journal_sql("UPDATE jobs SET document = '' WHERE native_id = '" + old_handle.substr(old_handle.find(':') + 1) + "'");

  // The page: every answer a browser gets, the jobs' documents, logs and events among them.
  const auto page = test::fetch_ui_answers(secret_environment(), dir_.path(), {handle, old_handle});
  printed_.add("dlaunch ui", page.out + page.err);
  EXPECT_EQ(page.exit_code, 0) << page.err;
  EXPECT_NE(page.out.find("\"handle\":\"" + handle + "\""), std::string::npos) << "the page answered:\n" << page.out;
  EXPECT_NE(page.out.find("event: log\ndata: " + shown_by_the_job()), std::string::npos) << page.out;
  EXPECT_EQ(page.out.find("curl failed"), std::string::npos) << page.out;
  // Both documents are shown, their secrets as "***" (the assertions below find no token in them).
  EXPECT_NE(page.out.find(R"("document":"{\"schema_version\")"), std::string::npos) << page.out;
  EXPECT_NE(page.out.find(R"("spec_document":"{\"schema_version\")"), std::string::npos) << page.out;
  EXPECT_NE(page.out.find(R"(\"HF_TOKEN\":\"***\")"), std::string::npos) << page.out;
  EXPECT_NE(page.out.find(R"(\"WANDB_API_KEY\":\"***\")"), std::string::npos) << page.out;

  succeeds({"prune", "--older-than", "0s"}, {});
  expect_no_token();
}

// Commands refused with a token in hand: a malformed option, an error located in the spec's or the
// configuration's line that holds the token, a server that does not answer. None echoes the token.
TEST_F(LocalSecrets, RefusedCommandsDoNotEchoTheToken) {
  const std::string job = configure_and_write_job();
  const std::string token(kToken);
  refused({"run", job, "--set", "platform.slurm.token:" + token}, {}, 65);
  refused({"validate", job, "--sweep", "platform.slurm.token:" + token}, kJson, 65);
  refused({"run", job, "--bogus", "platform.slurm.token=" + token}, {}, 64);
  const std::string inline_table =
      spec("inline.toml", "name = \"x\"\n" + role("main", "[\"true\"]") + "platform.slurm = { token = " + quoted() +
                              ", bogus = 1 }\n");
  refused({"validate", inline_table}, {}, 65);
  refused({"validate", inline_table}, kJson, 65);
  const std::string broken_toml = spec("broken.toml", "name = \"x\"\n" + role("main", "[\"true\"]") +
                                                          "[platform.slurm]\ntoken = " + quoted() + " x\n");
  refused({"run", broken_toml}, {}, 65);
  const std::string broken_json =
      spec("broken.json", R"({"name": "x", "roles": [{"name": "m", "entrypoint": ["true"]}], )"
                          R"("platform": {"slurm": {"token": )" + quoted() + " x}}}\n");
  refused({"validate", broken_json}, kJson, 65);
  const std::string broken_config = spec("config.toml", "[platform.slurm]\ntoken = " + quoted() + " x\n");
  refused({"validate", job, "--config", broken_config}, {}, 65);
  // Nothing listens on port 1: the submit, and a later command, fail with the token in hand (exit 69). In a
  // build without the platform's plugin (the sanitizer build) they are refused for that (65 for a job, 64
  // for a command line), and must not echo the token either.
  auto built = [](const std::string& id) {
    return ("," + std::string(DLAUNCH_TEST_BUILT_PLUGINS) + ",").find("," + id + ",") != std::string::npos;
  };
  const bool slurm = built("slurm");
  const bool ray = built("ray");
  const std::vector<std::string> no_slurm = {"--set", "platform.slurm.url=http://127.0.0.1:1"};
  const std::vector<std::string> no_ray = {"--set", "platform.ray.address=http://127.0.0.1:1", "--set",
                                           "platform.ray.max_attempts=1"};
  for (const auto& output : {std::vector<std::string>{}, kJson}) {
    refused({"run", job, "-p", "slurm"}, kSet + no_slurm + output, slurm ? 69 : 65);
    refused({"run", job, "-p", "ray"}, no_ray + output, ray ? 69 : 65);
    refused({"list", "-p", "slurm"}, kSet + no_slurm + output, slurm ? 69 : 64);
    refused({"status", "slurm:42"}, no_slurm + output, slurm ? 69 : 64);
    refused({"list", "-p", "ray"}, no_ray + output, ray ? 69 : 64);
  }
  expect_no_token();
}

}  // namespace
}  // namespace dlaunch
