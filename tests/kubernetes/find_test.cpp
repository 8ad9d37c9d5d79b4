// find_submissions (plugin ABI 1.1) against the plane: each submission the cluster holds is reported with its
// handle, no other, and a cluster it cannot reach is an error, never "none of them". Then `dlaunch run -p
// kubernetes` killed with SIGKILL at random points of a submit, as tests/cli/kill_test.cpp does on local with
// a hundred trials (a few here: each submit reaches the plane): the next `list` settles every intent the
// killed submits left, each job on the cluster (whole, or the part a kill left) journaled once with its
// handle, each other submit as failed.
#include "job_plan.hpp"
#include "json.hpp"
#include "kubernetes_plane.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <thread>

namespace dlaunch::kubernetes_test {
namespace {

using kubernetes::json::at;
using kubernetes::json::member;

std::string role(const std::string& name) {
  return R"({"name":")" + name + R"(","entrypoint":["/bin/sh","-c","echo hi"],"replicas":1,"per_node":1,)"
         R"("resources":{"cpu":1,"gpu":0,"memory_bytes":0},"env":{},"driver":true})";
}

class KubernetesFind : public PlaneTest {
 protected:
  std::string jobs_path() const { return "/apis/batch/v1/namespaces/" + namespace_ + "/jobs"; }
  std::string services_path() const { return "/api/v1/namespaces/" + namespace_ + "/services"; }
};

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

  // Submits cut short: one without one of its role Jobs, one with its Service alone. Both are held: reported
  // with their handles, FAILED as status says them; find deletes nothing, `delete` removes what they made.
  const std::string part = "dlaunch-found-000000000004", service = "dlaunch-found-000000000005";
  std::string partial = submit(job_json("part", "[" + role("main") + "," + role("side") + "]", options), part);
  std::string alone = submit(job_json("alone", "[" + role("main") + "]", options), service);
  const std::string kForeground = R"({"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Foreground"})";
  admin_->call("DELETE", jobs_path() + "/" + base_of(partial) + "-side", kForeground);
  admin_->call("DELETE", jobs_path() + "/" + base_of(alone) + "-main", kForeground);
  ASSERT_TRUE(eventually([&] {
    return at(list(jobs_path(), selector(base_of(partial))), "items").Size() == 1 &&
           at(list(jobs_path(), selector(base_of(alone))), "items").Size() == 0;
  })) << "the Jobs deleted by hand are still there";
  Found cut = find_submissions({part, service, one}, options);
  ASSERT_EQ(cut.code, 0) << cut.message;
  EXPECT_EQ(cut.native_ids, (std::map<std::string, std::string>{{part, partial}, {service, alone}, {one, second}}));
  EXPECT_EQ(cut.states[part], DLAUNCH_STATE_FAILED);
  EXPECT_EQ(cut.states[service], DLAUNCH_STATE_FAILED);
  EXPECT_EQ(at(list(jobs_path(), selector(base_of(partial))), "items").Size(), 1u) << "find deleted a Job";
  EXPECT_EQ(at(list(services_path(), selector(base_of(alone))), "items").Size(), 1u) << "find deleted a Service";
  for (const auto& [native_id, missing] : {std::pair{partial, "only 1 of its 2 role Jobs"},
                                           std::pair{alone, "none of its role Jobs"}}) {
    sdk::JobStatus shown = status_of(native_id, options);
    EXPECT_EQ(shown.state, DLAUNCH_STATE_FAILED) << native_id;
    EXPECT_NE(shown.message.find(missing), std::string::npos) << shown.message;
    auto deleted = plugin().delete_job(native_id, options);
    EXPECT_TRUE(deleted.ok()) << deleted.message;
    EXPECT_EQ(at(list(jobs_path(), selector(base_of(native_id))), "items").Size(), 0u) << native_id;
    EXPECT_EQ(at(list(services_path(), selector(base_of(native_id))), "items").Size(), 0u) << native_id;
  }
  EXPECT_TRUE(find_submissions({part, service}, options).native_ids.empty()) << "deleted jobs are still found";

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
  // Two roles: a Service and two Jobs, created at once, any of which a kill may leave alone.
  const std::string spec = scratch_->write("killed.toml", "name = \"" + name + "\"\n"
                                                          "[[roles]]\nname = \"a\"\nentrypoint = \"echo a\"\n"
                                                          "[[roles]]\nname = \"b\"\nentrypoint = \"echo b\"\n"
                                                          "[platform.kubernetes]\nimage = \"busybox:1.36\"\n"
                                                          "namespace = \"" + namespace_ + "\"\n");
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

  // A create a killed dlaunch sent may still land: what the cluster does not hold is settled failed only a grace
  // period (a second here) after the first list found it abandoned.
  const std::string config = scratch_->write("grace.toml", "settle_grace_seconds = 1\n");
  ASSERT_EQ(dlaunch({"--config", config, "list"}).exit_code, 0);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  auto journal = dlaunch({"--config", config, "list", "-o", "json"});
  ASSERT_EQ(journal.exit_code, 0) << journal.err;
  EXPECT_EQ(journal.out.find("\"journal_state\": \"submitting\""), std::string::npos)
      << "an intent no submit holds was left unsettled:\n" << journal.out;
  EXPECT_EQ(test::entries_in(locks), 0) << "the recovery removes the lock files the killed submits left";
  const auto journaled = matches(journal.out, std::regex("\"handle\": \"kubernetes:([^\"]+)\""));
  EXPECT_EQ(std::set<std::string>(journaled.begin(), journaled.end()).size(), journaled.size()) << "a job journaled twice";
  // The cluster's side, as the admin sees it: every Job and Service of the spec's name, by job.
  auto jobs_of = [&](const std::string& path) {
    std::map<std::string, int> count;
    const rapidjson::Document listed = list(path, std::string(kubernetes::kNameLabel) + "%3D" + name);
    for (const auto& item : at(listed, "items").GetArray()) {
      ++count[namespace_ + "/" + member(at(item, "metadata.labels"), kubernetes::kJobLabel)];
    }
    return count;
  };
  // A submit cut short between its creates leaves part of a job (a Service alone, one role Job): journaled
  // with its handle like a whole one, so `dlaunch delete` removes it.
  const auto jobs = jobs_of(jobs_path()), services = jobs_of(services_path());
  std::set<std::string> on_cluster;
  int partial = 0;
  for (const auto& [job, count] : jobs) {
    on_cluster.insert(job);
    EXPECT_LE(count, 2) << job;
    partial += count < 2 || services.count(job) == 0;
  }
  for (const auto& [job, count] : services) {
    on_cluster.insert(job);
    EXPECT_EQ(count, 1) << job;
    partial += jobs.count(job) == 0;
  }
  EXPECT_EQ(std::set<std::string>(journaled.begin(), journaled.end()), on_cluster) << journal.out;
  std::cout << "[kill] whole submit " << took.count() << " ms; " << killed << " of " << kTrials
            << " submits killed; " << on_cluster.size() << " jobs on the cluster (" << partial
            << " of them partial), each journaled once\n";
}

}  // namespace
}  // namespace dlaunch::kubernetes_test
