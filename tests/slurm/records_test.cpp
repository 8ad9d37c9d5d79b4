// Reading what slurmrestd answers: job records, API versions, the user in a JWT.
#include "connection.hpp"
#include "job_record.hpp"
#include "rest_api.hpp"

#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace dlaunch::slurm {
namespace {

rapidjson::Document json(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  EXPECT_FALSE(doc.HasParseError()) << text;
  return doc;
}

TEST(JobState, SlurmStatesMapToDlaunchStates) {
  EXPECT_EQ(state_of("PENDING"), DLAUNCH_STATE_PENDING);
  EXPECT_EQ(state_of("REQUEUED"), DLAUNCH_STATE_PENDING);
  EXPECT_EQ(state_of("RUNNING"), DLAUNCH_STATE_RUNNING);
  EXPECT_EQ(state_of("COMPLETING"), DLAUNCH_STATE_RUNNING);
  EXPECT_EQ(state_of("COMPLETED"), DLAUNCH_STATE_SUCCEEDED);
  EXPECT_EQ(state_of("CANCELLED"), DLAUNCH_STATE_STOPPED);
  EXPECT_EQ(state_of("CANCELLED by 0"), DLAUNCH_STATE_STOPPED);
  for (const char* failed : {"FAILED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "BOOT_FAIL", "DEADLINE", "PREEMPTED"}) {
    EXPECT_EQ(state_of(failed), DLAUNCH_STATE_FAILED) << failed;
  }
  EXPECT_EQ(state_of("SOMETHING_NEW"), DLAUNCH_STATE_UNKNOWN);
}

TEST(JobState, ExitCodesComeFromTheWaitStatus) {
  EXPECT_EQ(exit_code_of(4 << 8), 4);
  EXPECT_EQ(exit_code_of(0), 0);
  EXPECT_EQ(exit_code_of(15), std::nullopt);  // killed by SIGTERM
}

TEST(JobRecord, AFailedJobHasItsExitCodeReasonRestartsAndTimes) {
  auto record = json(R"({"job_id":42,"name":"train","job_state":"FAILED","exit_code":1024,"restart_cnt":1,
      "state_reason":"NonZeroExitCode","state_description":"","comment":"dlaunch {\"submission\":\"s\"}",
      "start_time":100,"end_time":160,"batch_host":"node1"})");
  sdk::JobStatus status = job_status(record);
  EXPECT_EQ(status.native_id, "42");
  EXPECT_EQ(status.name, "train");
  EXPECT_EQ(status.state, DLAUNCH_STATE_FAILED);
  EXPECT_EQ(status.native_state, "FAILED");
  EXPECT_EQ(status.exit_code, 4);
  EXPECT_EQ(status.restarts, 1u);
  EXPECT_EQ(status.message, "NonZeroExitCode");
  EXPECT_TRUE(status.submitted_by_dlaunch);
  EXPECT_EQ(status.start_time_ms, 100000);
  EXPECT_EQ(status.end_time_ms, 160000);
}

TEST(JobRecord, TimesNoClockCanShowAreUnknownNotOverflowed) {
  // From the slurmrestd fuzzer (tests/fuzz/corpus/slurm_responses/regression-time-overflow): a start time whose
  // milliseconds do not fit in 64 bits, and a negative end time.
  auto record = json(R"({"job_id":42,"job_state":"FAILED","exit_code":256,"batch_host":"node1",
      "start_time":176460000164600060,"end_time":-9223372036854775807})");
  sdk::JobStatus status = job_status(record);
  EXPECT_EQ(status.state, DLAUNCH_STATE_FAILED);
  EXPECT_EQ(status.start_time_ms, 0);
  EXPECT_EQ(status.end_time_ms, 0);
}

TEST(JobRecord, APendingJobShowsSlurmsReasonAndNoTimes) {
  auto record = json(R"({"job_id":7,"job_state":"PENDING","exit_code":0,"state_reason":"Resources",
      "state_description":"","comment":"","start_time":999,"end_time":0})");
  sdk::JobStatus status = job_status(record);
  EXPECT_EQ(status.state, DLAUNCH_STATE_PENDING);
  EXPECT_EQ(status.message, "Resources");
  EXPECT_FALSE(status.exit_code.has_value());
  EXPECT_FALSE(status.submitted_by_dlaunch);
  EXPECT_EQ(status.start_time_ms, 0) << "a pending job's start_time is only Slurm's estimate";
}

TEST(JobRecord, JobsEndedWithoutAnExitCodeOfTheirOwnHaveNone) {
  EXPECT_FALSE(job_status(json(R"({"job_id":1,"job_state":"CANCELLED","exit_code":15})")).exit_code.has_value());
  EXPECT_FALSE(job_status(json(R"({"job_id":1,"job_state":"TIMEOUT","exit_code":0})")).exit_code.has_value());
  EXPECT_EQ(job_status(json(R"({"job_id":1,"job_state":"COMPLETED","exit_code":0})")).exit_code, 0);
}

// The records below are what slurmrestd 22.05 answered on the test cluster for such jobs.
TEST(JobRecord, ATaskKilledByASignalIsNamedFromTheStepsWaitStatus) {
  auto record = json(R"({"job_id":2,"job_state":"FAILED","state_reason":"NonZeroExitCode","state_description":"",
      "exit_code":35072,"derived_exit_code":9,"batch_host":"vm"})");
  sdk::JobStatus status = job_status(record);
  EXPECT_EQ(status.exit_code, 137);  // the batch script's, as srun reports a killed task
  EXPECT_EQ(status.message, "NonZeroExitCode: a task was killed by SIGKILL");
  auto exited = json(R"({"job_id":3,"job_state":"FAILED","state_reason":"NonZeroExitCode",
      "exit_code":32512,"derived_exit_code":32512,"batch_host":"vm"})");
  EXPECT_EQ(job_status(exited).message, "NonZeroExitCode");
  EXPECT_EQ(job_status(exited).exit_code, 127);
}

TEST(JobRecord, AJobCancelledWhilePendingSaysSoWithTheReasonItWaitedFor) {
  auto record = json(R"({"job_id":5,"job_state":"CANCELLED","state_reason":"PartitionConfig","exit_code":0,
      "start_time":1796147471,"end_time":1796147471,"batch_host":"","standard_output":"/w/greedy-%j.out"})");
  sdk::JobStatus status = job_status(record);
  EXPECT_EQ(status.state, DLAUNCH_STATE_STOPPED);
  EXPECT_EQ(status.message, "cancelled while pending (PartitionConfig)");
  EXPECT_EQ(status.start_time_ms, 0) << "it never started";
  EXPECT_EQ(status.end_time_ms, 1796147471000);
  EXPECT_FALSE(script_started(record));
  auto ran = json(R"({"job_id":4,"job_state":"CANCELLED","state_reason":"None","exit_code":15,
      "derived_exit_code":15,"batch_host":"vm"})");
  EXPECT_EQ(job_status(ran).message, "") << "a cancel is no task's failure";
  EXPECT_TRUE(script_started(ran));
}

TEST(JobRecord, ALaunchFailureSaysWhereAndWhatToLookAt) {
  auto record = json(R"({"job_id":4,"job_state":"FAILED","state_reason":"JobLaunchFailure","exit_code":4021,
      "derived_exit_code":0,"batch_host":"vm","standard_output":"/root/nope/baddir-%j.out"})");
  sdk::JobStatus status = job_status(record);
  EXPECT_FALSE(status.exit_code.has_value());
  EXPECT_EQ(status.message,
            "JobLaunchFailure: the batch script could not start on vm (slurmd's log there says why; often a "
            "working_dir or output_dir the job's user cannot use)");
  EXPECT_FALSE(script_started(record)) << "its output file was never created";
}

TEST(JobRecord, SignalsHaveTheirNames) {
  EXPECT_EQ(signal_of(9), 9);
  EXPECT_EQ(signal_of(3 << 8), std::nullopt);
  EXPECT_EQ(signal_name(9), "SIGKILL");
  EXPECT_EQ(signal_name(11), "SIGSEGV");
  EXPECT_EQ(signal_name(127), "signal 127");
}

TEST(JobRecord, TheInstanceKeyTellsAReusedIdApart) {
  auto first = json(R"({"job_id":1,"cluster":"c","submit_time":100})");
  auto again = json(R"({"job_id":1,"cluster":"c","submit_time":200})");
  auto elsewhere = json(R"({"job_id":1,"cluster":"d","submit_time":100})");
  EXPECT_NE(instance_key(first), instance_key(again));
  EXPECT_NE(instance_key(first), instance_key(elsewhere));
  EXPECT_EQ(instance_key(first), instance_key(json(R"({"job_id":1,"cluster":"c","submit_time":100})")));
}

TEST(JobRecord, OutputPathExpandsSlurmsPatterns) {
  auto record = json(R"({"job_id":12,"name":"n","user_name":"u","standard_output":"/out/%x-%j.%u.100%%.%N"})");
  EXPECT_EQ(output_path(record), "/out/n-12.u.100%.%N");
}

TEST(JobRecord, TheCommentMarksDlaunchJobsAndCarriesTheLabels) {
  std::string comment = dlaunch_comment("sub-1", {{"team", "nlp"}, {"q", "a\"b"}});
  EXPECT_EQ(comment, R"(dlaunch {"submission":"sub-1","labels":{"q":"a\"b","team":"nlp"}})");
  EXPECT_TRUE(is_dlaunch_comment(comment));
  EXPECT_FALSE(is_dlaunch_comment("my own job"));
}

// Slurm has no limit on pending: a job past its start_timeout (kept in the comment) is FAILED with Slurm's
// reason, pending (the plugin then cancels it) or already cancelled; a requeued or started job is not.
TEST(JobRecord, AJobPendingPastItsStartTimeoutFailedWithSlurmsReason) {
  const std::string comment = dlaunch_comment("s", {}, 30);
  EXPECT_EQ(start_timeout_of(comment), 30);
  EXPECT_EQ(start_timeout_of(dlaunch_comment("s", {})), 0);
  auto record = [&](const std::string& state, const std::string& more) {
    rapidjson::StringBuffer quoted;
    rapidjson::Writer<rapidjson::StringBuffer> w(quoted);
    w.String(comment.c_str());
    return json(R"({"job_id":3,"job_state":")" + state + R"(","submit_time":1000,"state_reason":"BeginTime",)" +
                R"("comment":)" + quoted.GetString() + more + "}");
  };
  sdk::JobStatus early = job_status(record("PENDING", ""), 1029);
  EXPECT_EQ(early.state, DLAUNCH_STATE_PENDING);
  sdk::JobStatus late = job_status(record("PENDING", ""), 1030);
  EXPECT_EQ(late.state, DLAUNCH_STATE_FAILED);
  EXPECT_EQ(late.message, "did not start within start_timeout (30s): Slurm's reason: BeginTime");
  EXPECT_TRUE(needs_cancel(late));
  sdk::JobStatus cancelled = job_status(record("CANCELLED", R"(,"end_time":1031)"), 5000);
  EXPECT_EQ(cancelled.state, DLAUNCH_STATE_FAILED);
  EXPECT_FALSE(needs_cancel(cancelled));
  EXPECT_EQ(job_status(record("CANCELLED", R"(,"end_time":1010)"), 5000).state, DLAUNCH_STATE_STOPPED);
  EXPECT_EQ(job_status(record("PENDING", R"(,"restart_cnt":1)"), 5000).state, DLAUNCH_STATE_PENDING);
  EXPECT_EQ(job_status(record("RUNNING", R"(,"batch_host":"n1")"), 5000).state, DLAUNCH_STATE_RUNNING);
}

TEST(JobRecord, AnAnswerWithoutJobsIsNotFound) {
  auto answer = json(R"({"jobs":[]})");
  try {
    single_record(answer, "5");
    FAIL() << "no error";
  } catch (const sdk::Error& e) {
    EXPECT_EQ(e.code(), DLAUNCH_ERR_NOT_FOUND);
  }
}

// Found by tests/fuzz/fuzz_slurm_responses (undefined behaviour under UBSan: rapidjson asked a number for its
// members); the fuzz corpus keeps those inputs, run under UBSan in CI.
TEST(JobRecord, AnswersThatAreNoObjectsReadAsEmpty) {
  EXPECT_TRUE(offered_api_versions(json("4")).empty());
  try {
    single_record(json("1"), "5");
    FAIL() << "no error";
  } catch (const sdk::Error& e) {
    EXPECT_EQ(e.code(), DLAUNCH_ERR_NOT_FOUND);
  }
  auto answer = json(R"({"jobs":[7]})");
  EXPECT_EQ(job_status(single_record(answer, "7")).native_id, "0");
}

TEST(ApiVersion, TheNewestVersionBothSidesKnowIsChosen) {
  auto openapi = json(R"({"paths":{"/slurm/v0.0.37/ping":{},"/slurm/v0.0.38/ping":{},"/slurm/v0.0.38/jobs":{},
      "/slurmdb/v0.0.38/jobs":{},"/openapi/v3":{}}})");
  auto offered = offered_api_versions(openapi);
  EXPECT_EQ(offered, (std::vector<std::string>{"v0.0.37", "v0.0.38"}));
  EXPECT_EQ(choose_api_version(offered, "server"), "v0.0.38");
}

TEST(ApiVersion, NoSharedVersionIsAnErrorNamingBothSides) {
  try {
    choose_api_version({"v0.0.36", "v0.0.41"}, "slurmrestd at http://h");
    FAIL() << "no error";
  } catch (const sdk::Error& e) {
    EXPECT_EQ(e.code(), DLAUNCH_ERR_UNAVAILABLE);
    EXPECT_EQ(std::string(e.what()),
              "slurmrestd at http://h offers Slurm REST API versions v0.0.36, v0.0.41; this plugin speaks v0.0.38");
  }
}

TEST(ApiVersion, SlurmErrorsAreJoinedIntoOneLine) {
  auto answer = json(R"({"errors":[{"description":"Unknown key \"bogus\"","source":"hsearch_r"},
      {"error_code":9001,"error":"Failure during parsing"}]})");
  EXPECT_EQ(error_text(answer), "Unknown key \"bogus\"; Failure during parsing");
  EXPECT_EQ(error_text(json(R"({"errors":[]})")), "");
}

TEST(Connection, TheUserOfAJwtIsItsSunClaim) {
  // {"alg":"HS256"} . {"exp":1,"sun":"alice"} . signature
  EXPECT_EQ(jwt_user("eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjEsInN1biI6ImFsaWNlIn0.c2ln"), "alice");
  EXPECT_EQ(jwt_user("not-a-token"), "");
  EXPECT_EQ(jwt_user("a.b.c"), "");
}

TEST(Connection, ARecordedSecretPlaceholderIsNoToken) {
  setenv("SLURM_JWT", "from-the-environment", 1);
  Connection connection = resolve_connection(sdk::Options::parse(R"({"url":"http://h/","token":"***"})"));
  unsetenv("SLURM_JWT");
  EXPECT_EQ(connection.url, "http://h");
  EXPECT_EQ(connection.token, "from-the-environment");
}

}  // namespace
}  // namespace dlaunch::slurm
