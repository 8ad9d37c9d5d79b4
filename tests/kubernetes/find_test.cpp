// find_submissions (plugin ABI 1.1) against the plane: each submission the cluster holds is reported with its
// handle, no other, and a cluster it cannot reach is an error, never "none of them". Then `dlaunch run -p
// kubernetes` killed with SIGKILL at random points of a submit, as tests/cli/kill_test.cpp does on local with
// a hundred trials (a few here: each submit reaches the plane): the next `list` settles every intent the
// killed submits left, each job on the cluster journaled once with its handle, each other submit as failed.
#include "job_plan.hpp"
#include "json.hpp"
#include "kubernetes_plane.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <random>
#include <regex>
#include <set>

namespace dlaunch::kubernetes_test {
namespace {

using kubernetes::json::at;
using kubernetes::json::member;

std::string role(const std::string& name) {
  return R"({"name":")" + name + R"(","entrypoint":["/bin/sh","-c","echo hi"],"replicas":1,"per_node":1,)"
         R"("resources":{"cpu":1,"gpu":0,"memory_bytes":0},"env":{},"driver":true})";
}

using KubernetesFind = PlaneTest;

TEST_F(KubernetesFind, ReportsEachSubmissionTheClusterHoldsAndNoOther) {
  const std::string options = options_json(R"("annotations":{"dlaunch.test/duration":"30s"})");
  const std::string two = "dlaunch-found-000000000001", one = "dlaunch-found-000000000002";
  const std::string never = "dlaunch-found-000000000003";
  std::string first = submit(job_json("found", "[" + role("main") + "," + role("side") + "]", options), two);
  // This one ends at once: its state, read after it ended, is the one status reads.
  std::string second = submit(job_json("found", "[" + role("main") + "]", options_json()), one);
  ASSERT_FALSE(HasFailure());
  ASSERT_TRUE(eventually([&] { return status_of(second, options).terminal(); })) << second << " did not end";

  Found found = find_submissions({two, one, never}, options);
  ASSERT_EQ(found.code, 0) << found.message;
  EXPECT_EQ(found.native_ids, (std::map<std::string, std::string>{{two, first}, {one, second}}));
  EXPECT_EQ(found.states[one], DLAUNCH_STATE_SUCCEEDED);
  EXPECT_NE(found.states[two], DLAUNCH_STATE_UNKNOWN);
  Found nothing = find_submissions({never}, options);
  EXPECT_EQ(nothing.code, 0) << nothing.message;
  EXPECT_TRUE(nothing.native_ids.empty());

  // A server that cannot be asked is an error, not an empty answer.
  std::string nowhere = scratch_->write("nowhere.kubeconfig", "apiVersion: v1\nkind: Config\ncurrent-context: c\n"
                                        "clusters:\n- name: k\n  cluster: {server: \"https://127.0.0.1:1\"}\n"
                                        "users:\n- name: u\n  user: {token: t}\n"
                                        "contexts:\n- name: c\n  context: {cluster: k, user: u}\n");
  const std::string unreachable = R"({"image":"busybox:1.36","namespace":")" + namespace_ + R"(","kubeconfig":")" +
                                  nowhere + R"("})";
  Found none = find_submissions({two}, unreachable);
  EXPECT_EQ(none.code, DLAUNCH_ERR_UNAVAILABLE) << none.message;
  EXPECT_TRUE(none.native_ids.empty());
}

// The handles `pattern` (its first group) matches in `text`, in order, repeats kept.
std::vector<std::string> matches(const std::string& text, const std::regex& pattern) {
  std::vector<std::string> found;
  for (std::sregex_iterator it(text.begin(), text.end(), pattern), end; it != end; ++it) found.push_back((*it)[1]);
  return found;
}

TEST_F(KubernetesFind, SubmitsKilledAtRandomPointsAreSettledByTheNextList) {
  const std::string name = "killed";
  const std::string spec = scratch_->write("killed.toml", "name = \"" + name + "\"\n[[roles]]\nname = \"main\"\n"
                                                          "entrypoint = \"echo hi\"\n[platform.kubernetes]\n"
                                                          "image = \"busybox:1.36\"\nnamespace = \"" + namespace_ + "\"\n");
  auto submit = [&](std::chrono::milliseconds kill_after) {
    test::ProcessOptions options = dlaunch_options();
    options.timeout = kill_after;  // then SIGKILL to its process group
    return test::run_dlaunch({"run", spec, "-p", "kubernetes"}, options);
  };
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(test::quickest_of(2, [&] {
    auto whole = submit(std::chrono::seconds(60));
    EXPECT_EQ(whole.exit_code, 0) << whole.err;
  }));
  ASSERT_FALSE(HasFailure()) << "a whole submit must succeed";
  const std::filesystem::path locks = scratch_->path() + "/state/dlaunch/submitting";
  EXPECT_EQ(test::entries_in(locks), 0) << "a whole submit removes its lock file";
  // Half the kills anywhere in a submit, half in its last half, where the cluster may have the job already.
  std::mt19937 random(20261202);
  constexpr int kTrials = 20;
  int killed = 0;
  for (int trial = 0; trial < kTrials; ++trial) {
    const long from = trial % 2 == 0 ? 1 : took.count() / 2;
    killed += submit(std::chrono::milliseconds(std::uniform_int_distribution<long>(from, took.count())(random))).timed_out;
  }
  EXPECT_GT(killed, 0) << "submits must be cut short for the test to mean anything";

  auto journal = dlaunch({"list", "-o", "json"});
  ASSERT_EQ(journal.exit_code, 0) << journal.err;
  EXPECT_EQ(journal.out.find("\"journal_state\": \"submitting\""), std::string::npos)
      << "an intent no submit holds was left unsettled:\n" << journal.out;
  EXPECT_EQ(test::entries_in(locks), 0) << "the recovery removes the lock files the killed submits left";
  const auto journaled = matches(journal.out, std::regex("\"handle\": \"kubernetes:([^\"]+)\""));
  EXPECT_EQ(std::set<std::string>(journaled.begin(), journaled.end()).size(), journaled.size()) << "a job journaled twice";
  // The cluster's side, as the admin sees it: every Job of the spec's name.
  auto jobs = list("/apis/batch/v1/namespaces/" + namespace_ + "/jobs",
                   std::string(kubernetes::kNameLabel) + "%3D" + name);
  std::set<std::string> on_cluster;
  for (const auto& job : at(jobs, "items").GetArray()) {
    on_cluster.insert(namespace_ + "/" + member(at(job, "metadata.labels"), kubernetes::kJobLabel));
  }
  EXPECT_EQ(std::set<std::string>(journaled.begin(), journaled.end()), on_cluster) << journal.out;
  std::cout << "[kill] whole submit " << took.count() << " ms; " << killed << " of " << kTrials
            << " submits killed; " << on_cluster.size()
            << " jobs on the cluster, each journaled once\n";
}

}  // namespace
}  // namespace dlaunch::kubernetes_test
