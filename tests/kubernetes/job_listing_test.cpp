// find_submissions' pieces without a cluster: the submission label and selector, and the jobs read from a
// list answer (tests/kubernetes/find_test.cpp runs them against the plane).
#include "job_listing.hpp"
#include "job_plan.hpp"
#include "json.hpp"
#include "manifests.hpp"
#include "names.hpp"

#include <gtest/gtest.h>

namespace dlaunch::kubernetes {
namespace {

TEST(SubmissionLabel, TheIdsDlaunchMakesAreTheirOwnLabelOthersADigest) {
  // The longest ids the host makes: a 40-character job name, and a sweep's thousandth point.
  const std::string longest = "dlaunch-" + std::string(40, 'j') + "-0123456789ab";
  const std::string sweep = "dlaunch-sweep." + std::string(30, 's') + "-0123456789ab-999";
  EXPECT_EQ(submission_label(longest), longest);
  EXPECT_EQ(submission_label(sweep), sweep);
  for (const std::string& other : {std::string(64, 'a'), std::string("a/b"), std::string("-a"), std::string()}) {
    const std::string label = submission_label(other);
    EXPECT_EQ(label, "digest-" + short_digest(other));
    EXPECT_EQ(label_value_problem(label), std::nullopt) << label;
  }
}

TEST(SubmissionLabel, TheSelectorNamesEachLabelOnceAndIsEncodedForAQuery) {
  const std::string other(70, 'x');
  const std::string selector = submissions_selector({"dlaunch-b-2", "dlaunch-a-1", "dlaunch-b-2", other});
  EXPECT_EQ(selector, "dlaunch.io/submission-id in (digest-" + short_digest(other) + ",dlaunch-a-1,dlaunch-b-2)");
  EXPECT_EQ(selector_query("dlaunch.io/submission-id in (a_1,b.2)"),
            "dlaunch.io%2Fsubmission-id%20in%20%28a_1%2Cb.2%29");
  EXPECT_EQ(selector_query(job_selector("ddp-1")), "dlaunch.io%2Fjob%3Dddp-1");
}

// A list answer's items: role Jobs of two jobs (one labelled only, as objects made before the annotation),
// and pods, one of them left by a deleted job.
constexpr const char* kJobs = R"([
  {"metadata":{"name":"ddp-1-trainer","labels":{"dlaunch.io/job":"ddp-1","dlaunch.io/name":"ddp",
     "app.kubernetes.io/managed-by":"dlaunch","dlaunch.io/role":"trainer","dlaunch.io/submission-id":"digest-1"},
     "annotations":{"dlaunch.io/submission-id":"the whole id of ddp"}},
   "status":{"active":1}},
  {"metadata":{"name":"ddp-1-evaluator","labels":{"dlaunch.io/job":"ddp-1","dlaunch.io/name":"ddp",
     "app.kubernetes.io/managed-by":"dlaunch","dlaunch.io/role":"evaluator","dlaunch.io/submission-id":"digest-1"},
     "annotations":{"dlaunch.io/submission-id":"the whole id of ddp"}},
   "status":{"active":1}},
  {"metadata":{"name":"old-2-main","labels":{"dlaunch.io/job":"old-2","dlaunch.io/name":"old",
     "app.kubernetes.io/managed-by":"dlaunch","dlaunch.io/role":"main","dlaunch.io/submission-id":"dlaunch-old-2"}},
   "status":{"succeeded":1,"conditions":[{"type":"Complete","status":"True"}]}}
])";
constexpr const char* kPods = R"([
  {"metadata":{"name":"ddp-1-trainer-0","labels":{"dlaunch.io/job":"ddp-1"}},"status":{"phase":"Running"}},
  {"metadata":{"name":"gone-3-main-0","labels":{"dlaunch.io/job":"gone-3"}},"status":{"phase":"Running"}}
])";

TEST(ListedJobs, EachJobOnceWithItsSubmissionAndTheStatusStatusGives) {
  rapidjson::Document jobs = json::parse(kJobs);
  rapidjson::Document pods = json::parse(kPods);
  auto listed = listed_jobs("ns1", Kind::kJob, jobs, pods);
  ASSERT_EQ(listed.size(), 2u);  // the deleted job's pod makes none
  EXPECT_EQ(listed[0].submission_id, "the whole id of ddp");
  EXPECT_EQ(listed[0].status.native_id, "ns1/ddp-1");
  EXPECT_EQ(listed[0].status.name, "ddp");
  EXPECT_EQ(listed[0].status.state, DLAUNCH_STATE_RUNNING);
  EXPECT_EQ(listed[1].submission_id, "dlaunch-old-2");
  EXPECT_EQ(listed[1].status.native_id, "ns1/old-2");
  EXPECT_EQ(listed[1].status.state, DLAUNCH_STATE_SUCCEEDED);
  // An answer without items lists nothing (find_submissions refuses such an answer before it gets here).
  EXPECT_TRUE(listed_jobs("ns1", Kind::kJob, rapidjson::Value(), pods).empty());
}

// A Job or Service of a submission, as listed; `roles` the Job's dlaunch.io/roles ("" for none).
std::string object(const std::string& name, const std::string& submission, const std::string& roles = "") {
  const std::string roles_member = roles.empty() ? "" : ", \"dlaunch.io/roles\": \"" + roles + "\"";
  return "{\"metadata\": {\"name\": \"" + name + "\", \"labels\": {\"dlaunch.io/job\": \"" + submission +
         "-base\", \"dlaunch.io/role\": \"" + name + "\"}, \"annotations\": {\"dlaunch.io/submission-id\": \"" +
         submission + "\"" + roles_member + "}}, \"status\": {\"active\": 1}}";
}

// What a submit cut short between its creates leaves is a job: held (find reports it with its handle, so a
// create landing later belongs to it), FAILED as status says it, and removed by dlaunch delete.
TEST(CutShort, FewerRoleJobsThanAnnouncedIsAFailedJob) {
  // whole: both Jobs; one-job: one of two; old: a Job made before Jobs said how many there are.
  rapidjson::Document jobs = json::parse("[" + object("whole-a", "whole", "2") + "," + object("whole-b", "whole", "2") +
                                         "," + object("one-job-a", "one-job", "2") + "," + object("old-a", "old") + "]");
  const rapidjson::Value no_pods(rapidjson::kArrayType);
  auto listed = listed_jobs("ns1", Kind::kJob, jobs, no_pods);
  ASSERT_EQ(listed.size(), 3u);
  EXPECT_EQ(listed[0].submission_id, "old");
  EXPECT_EQ(listed[0].status.state, DLAUNCH_STATE_PENDING);
  EXPECT_EQ(listed[1].submission_id, "one-job");
  EXPECT_EQ(listed[1].status.native_id, "ns1/one-job-base");
  EXPECT_EQ(listed[1].status.state, DLAUNCH_STATE_FAILED);
  EXPECT_NE(listed[1].status.message.find("only 1 of its 2 role Jobs exist"), std::string::npos)
      << listed[1].status.message;
  EXPECT_EQ(listed[2].submission_id, "whole");
  EXPECT_EQ(listed[2].status.state, DLAUNCH_STATE_PENDING);
}

TEST(CutShort, AServiceWithoutRoleJobsIsAFailedJob) {
  rapidjson::Document jobs = json::parse("[" + object("whole-a", "whole", "1") + "]");
  rapidjson::Document services = json::parse("[" + object("whole", "whole") + "," + object("service", "service") + "]");
  auto alone = services_alone("ns1", jobs, services);
  ASSERT_EQ(alone.size(), 1u);  // whole's Service belongs to a job its Jobs make
  EXPECT_EQ(alone[0].submission_id, "service");
  EXPECT_EQ(alone[0].status.native_id, "ns1/service-base");
  EXPECT_EQ(alone[0].status.state, DLAUNCH_STATE_FAILED);
  EXPECT_NE(alone[0].status.message.find("none of its role Jobs"), std::string::npos) << alone[0].status.message;
}

}  // namespace
}  // namespace dlaunch::kubernetes
