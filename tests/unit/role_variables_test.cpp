// The variables every platform gives a process about the job's roles (dlaunch/role_variables.hpp).
#include <dlaunch/role_variables.hpp>
#include <gtest/gtest.h>

namespace dlaunch::sdk {
namespace {

Role role(const std::string& name, int64_t replicas, const std::string& tf_task) {
  Role r;
  r.name = name;
  r.replicas = replicas;
  r.tf_task = tf_task;
  return r;
}

TEST(RoleVariables, APrefixIsTheRoleNameAsAnIdentifier) {
  EXPECT_EQ(role_variable_prefix("actor-rollout"), "DLAUNCH_ACTOR_ROLLOUT_");
  EXPECT_EQ(role_variable_prefix("ps2"), "DLAUNCH_PS2_");
}

TEST(RoleVariables, TfConfigListsEveryTfTaskRoleButTheEvaluatorAndNamesTheProcesssTask) {
  Job job;
  job.roles = {role("chief", 1, "chief"), role("param-server", 2, "ps"), role("logger", 1, "none"),
               role("trainer", 2, "worker"), role("eval", 1, "evaluator")};
  auto address = [](const Role& r, int64_t rank) { return r.name + "-" + std::to_string(rank) + ":2222"; };
  const std::string cluster =
      R"({"cluster":{"chief":["chief-0:2222"],"ps":["param-server-0:2222","param-server-1:2222"],)"
      R"("worker":["trainer-0:2222","trainer-1:2222"]},)";
  EXPECT_EQ(tf_config(job, job.roles[3], 1, address), cluster + R"("task":{"type":"worker","index":1}})");
  EXPECT_EQ(tf_config(job, job.roles[1], 0, address), cluster + R"("task":{"type":"ps","index":0}})");
  // The evaluator knows the cluster it evaluates, without being part of it.
  EXPECT_EQ(tf_config(job, job.roles[4], 0, address), cluster + R"("task":{"type":"evaluator","index":0}})");
  EXPECT_EQ(tf_config(job, job.roles[2], 0, address), "");
}

}  // namespace
}  // namespace dlaunch::sdk
