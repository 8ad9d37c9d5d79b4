// The SDK's header-only helpers for plugins: shell quoting (nothing a user writes may inject shell code)
// and secret names (never printed).
#include <dlaunch/job_document.hpp>
#include <dlaunch/secrets.hpp>
#include <dlaunch/shell.hpp>
#include <gtest/gtest.h>

#include "support/process.hpp"

namespace dlaunch::sdk {
namespace {

TEST(ShellQuote, LeavesPlainWordsAndQuotesTheRest) {
  EXPECT_EQ(shell_join({"python3", "train.py", "--lr=0.1"}), "python3 train.py --lr=0.1");
  EXPECT_EQ(shell_join({"/bin/sh", "-c", "echo $RANK; exit 3"}), "/bin/sh -c 'echo $RANK; exit 3'");
  EXPECT_EQ(shell_join({"echo", "it's", ""}), "echo 'it'\\''s' ''");
}

TEST(ShellQuote, NothingInjectsShellCode) {
  // Each word goes through a real shell and must come back byte for byte.
  const std::vector<std::string> words = {"a;b",      "$(touch /tmp/dlaunch-pwned)", "`id`", "x\ny", "'\"'",
                                          "$HOME",    "a && b",                      "*",    "-n",  "\\",
                                          "tab\there"};
  for (const auto& word : words) {
    auto r = test::run_process({"/bin/sh", "-c", "printf %s " + shell_quote(word)});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out, word) << shell_quote(word);
  }
}

TEST(Secrets, CredentialNamesAreMasked) {
  for (const char* name : {"HF_TOKEN", "WANDB_API_KEY", "AWS_SECRET_ACCESS_KEY", "DB_PASSWORD", "Authorization",
                           "X-SLURM-USER-TOKEN", "ssh_private_key", "GCP_CREDENTIALS"}) {
    EXPECT_TRUE(looks_secret(name)) << name;
    EXPECT_EQ(printable(name, "value"), "***") << name;
  }
  for (const char* name : {"OMP_NUM_THREADS", "RANK", "MASTER_ADDR", "PATH", "KEY", "LOG_LEVEL"}) {
    EXPECT_FALSE(looks_secret(name)) << name;
    EXPECT_EQ(printable(name, "value"), "value") << name;
  }
}

TEST(Secrets, TheSecretLookingVariablesOfAJobAndOfItsRolesAreMasked) {
  Job job;
  job.env = {{"HF_TOKEN", "hf_x"}, {"OMP_NUM_THREADS", "4"}};
  job.roles.resize(1);
  job.roles[0].env = {{"WANDB_API_KEY", "wb_x"}, {"RANK_HINT", "0"}};
  mask_secret_env(job);
  EXPECT_EQ(job.env, (StringMap{{"HF_TOKEN", "***"}, {"OMP_NUM_THREADS", "4"}}));
  EXPECT_EQ(job.roles[0].env, (StringMap{{"WANDB_API_KEY", "***"}, {"RANK_HINT", "0"}}));
}

}  // namespace
}  // namespace dlaunch::sdk
