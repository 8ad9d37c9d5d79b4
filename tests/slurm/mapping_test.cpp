// How a dlaunch job maps onto Slurm: the allocation, the options and their checks.
#include "allocation.hpp"
#include "options.hpp"

#include <dlaunch_plugin_options.h>
#include <gtest/gtest.h>

namespace dlaunch::slurm {
namespace {

sdk::Role role(const std::string& name, int64_t replicas, int64_t per_node, double cpu, int64_t memory_bytes = 0,
               int64_t gpu = 0) {
  sdk::Role r;
  r.name = name;
  r.entrypoint = {"true"};
  r.replicas = replicas;
  r.per_node = per_node;
  r.resources = {cpu, gpu, memory_bytes};
  return r;
}

// Collects what the plugin reports.
struct Findings {
  std::vector<std::string> errors;
  std::vector<std::string> warnings;
  dlaunch_diagnostic_sink sink{DLAUNCH_DIAGNOSTIC_SINK_SIZE_1_0, this,
                               [](void* context, int32_t severity, const char* path, const char* message, const char*) {
                                 auto* self = static_cast<Findings*>(context);
                                 (severity == DLAUNCH_SEVERITY_ERROR ? self->errors : self->warnings)
                                     .push_back(std::string(path) + ": " + message);
                               }};
};

TEST(Allocation, EachRoleIsAStepLaidOutAsEveryPlatformLaysItOut) {
  sdk::Job job;
  job.node_num = 2;
  // trainer's groups on nodes 0 and 1; server's (the job's third group) on node 0.
  job.roles = {role("trainer", 4, 2, 2, 512 << 20, 1), role("server", 1, 1, 0.5)};
  Allocation allocation = plan_allocation(job);
  EXPECT_EQ(allocation.nodes, 2);
  EXPECT_EQ(allocation.cpus_per_node, 2 * 2 + 1);  // node 0: 2 trainers x 2 CPUs and 1 server x ceil(0.5)
  EXPECT_EQ(allocation.memory_mib_per_node, 2 * 512);
  EXPECT_EQ(allocation.gpus_per_node, 2);
  ASSERT_EQ(allocation.steps.size(), 2u);
  const RoleStep& trainer = allocation.steps[0];
  EXPECT_EQ(trainer.tasks, 4);
  EXPECT_EQ(trainer.cpus_per_task, 2);
  EXPECT_EQ(trainer.memory_mib_per_node, 1024);
  EXPECT_EQ(trainer.gpus_per_task, 1);
  EXPECT_EQ(trainer.node_hosts, (std::vector<int64_t>{0, 1}));
  ASSERT_EQ(trainer.places.size(), 4u);
  EXPECT_EQ(trainer.places[3].job_node, 1);
  EXPECT_EQ(trainer.places[3].node_rank, 1);
  EXPECT_EQ(trainer.places[3].local_rank, 1);
  EXPECT_EQ(trainer.places[3].local_world_size, 2);
  EXPECT_EQ(allocation.steps[1].cpus_per_task, 1);
  EXPECT_EQ(allocation.steps[1].index, 1u);
  EXPECT_EQ(allocation.steps[1].node_hosts, (std::vector<int64_t>{0}));
}

// The issue's case: roles that do not span every node no longer ask every node for their sum.
TEST(Allocation, EveryNodeIsAskedForWhatTheMostLoadedNeedsNotTheSumOfTheRoles) {
  sdk::Job job;
  job.node_num = 2;
  job.roles = {role("actor", 4, 4, 1, 0, 1), role("critic", 4, 4, 1, 0, 1)};
  Allocation allocation = plan_allocation(job);
  EXPECT_EQ(allocation.gpus_per_node, 4);
  EXPECT_EQ(allocation.cpus_per_node, 4);
  EXPECT_EQ(allocation.steps[1].node_hosts, (std::vector<int64_t>{1}));
}

// More groups than nodes: they share one (valid on every platform); the role's replicas on the node count
// their LOCAL_RANK on, so it indexes the devices they see.
TEST(Allocation, GroupsShareANodeWhenThereAreMoreThanNodes) {
  sdk::Job job;
  job.node_num = 1;
  job.roles = {role("trainer", 2, 1, 1)};
  Allocation allocation = plan_allocation(job);
  EXPECT_EQ(allocation.nodes, 1);
  EXPECT_EQ(allocation.cpus_per_node, 2);
  const RoleStep& trainer = allocation.steps[0];
  EXPECT_EQ(trainer.node_hosts, (std::vector<int64_t>{0}));
  EXPECT_EQ(trainer.places[1].node_rank, 0);
  EXPECT_EQ(trainer.places[1].local_rank, 1);
  EXPECT_EQ(trainer.places[1].local_world_size, 2);
}

TEST(Allocation, MemoryRoundsUpToWholeMebibytes) {
  sdk::Job job;
  job.roles = {role("main", 1, 1, 1, (1 << 20) + 1)};
  EXPECT_EQ(plan_allocation(job).steps[0].memory_mib_per_node, 2);
}

TEST(Allocation, FractionalCpusAreNoted) {
  sdk::Job job;
  job.roles = {role("a", 1, 1, 1.5), role("b", 1, 1, 2)};
  auto notes = fractional_cpu_notes(job);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].first, "roles[0].resources.cpu");
  EXPECT_NE(notes[0].second.find("gets 2"), std::string::npos) << notes[0].second;
}

TEST(TimeLimit, SbatchFormsBecomeMinutes) {
  EXPECT_EQ(parse_time_limit("90"), 90);
  EXPECT_EQ(parse_time_limit("10:30"), 11);  // MM:SS, seconds round up
  EXPECT_EQ(parse_time_limit("2:00:00"), 120);
  EXPECT_EQ(parse_time_limit("1-0"), 24 * 60);
  EXPECT_EQ(parse_time_limit("1-02:30"), 24 * 60 + 150);
  EXPECT_EQ(parse_time_limit("2-00:00:01"), 2 * 24 * 60 + 1);
  for (const char* bad : {"", "soon", "1:2:3:4", "-5", "1-", "0", "1h", "1-2-3", "9999999999"}) {
    EXPECT_EQ(parse_time_limit(bad), std::nullopt) << bad;
  }
}

TEST(Options, SchedulingOptionsAreReadAndOutputDirIsRelativeToWorkingDir) {
  auto options = sdk::Options::parse(
      R"({"partition":"gpu","account":"proj","qos":"high","reservation":"r1","constraint":"a100",
          "time_limit":"1:00:00","exclusive":true,"output_dir":"logs/","extra":{"nice":10}})");
  SchedulingOptions read = read_scheduling_options(options, "/work/job");
  EXPECT_EQ(read.partition, "gpu");
  EXPECT_EQ(read.account, "proj");
  EXPECT_EQ(read.qos, "high");
  EXPECT_EQ(read.reservation, "r1");
  EXPECT_EQ(read.constraint, "a100");
  EXPECT_EQ(read.time_limit_minutes, 60);
  EXPECT_TRUE(read.exclusive);
  EXPECT_EQ(read.output_dir, "/work/job/logs");
  EXPECT_EQ(read.extra_json, R"({"nice":10})");
  EXPECT_EQ(read_scheduling_options(sdk::Options::parse(R"({"output_dir":"/shared/out"})"), "/w").output_dir,
            "/shared/out");
  EXPECT_EQ(read_scheduling_options(sdk::Options::parse("{}"), "/w").output_dir, "/w");
}

TEST(Options, ChecksReportEveryProblemWithItsPath) {
  Findings findings;
  check_options(sdk::Options::parse(R"({"time_limit":"soon","socket":"/s","url":"ftp://x",
                                        "extra":{"script":"x","environment":{},"mail_type":"END"}})"),
                sdk::DiagnosticsOut(&findings.sink));
  std::string all;
  for (const auto& error : findings.errors) all += error + "\n";
  EXPECT_EQ(findings.errors.size(), 5u) << all;
  EXPECT_NE(all.find("platform.slurm.extra.script: the job property 'script' is set by dlaunch\n"), std::string::npos)
      << all;
  EXPECT_NE(all.find("platform.slurm.extra.environment: the job property 'environment' is set by dlaunch; use env "
                     "instead"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("platform.slurm.time_limit: 'soon' is not a Slurm time limit"), std::string::npos) << all;
  EXPECT_NE(all.find("platform.slurm.socket: socket and url are both set"), std::string::npos) << all;
  EXPECT_NE(all.find("platform.slurm.url: 'ftp://x' is not an http:// or https:// URL"), std::string::npos) << all;
}

// A killed submit is settled from GET /jobs only while Slurm surely still lists its job: MinJobAge (the
// option; Slurm's default 300 s) less a 60 s margin.
TEST(Options, TheSettlingWindowIsMinJobAgeLessAMargin) {
  EXPECT_EQ(listed_window_ms(sdk::Options::parse("{}")), 240'000);
  EXPECT_EQ(listed_window_ms(sdk::Options::parse(R"({"min_job_age_s":300})")), 240'000);
  EXPECT_EQ(listed_window_ms(sdk::Options::parse(R"({"min_job_age_s":100})")), 40'000);
  EXPECT_EQ(listed_window_ms(sdk::Options::parse(R"({"min_job_age_s":30})")), 0) << "no window: nothing is settled";
  Findings findings;
  check_options(sdk::Options::parse(R"({"min_job_age_s":-1})"), sdk::DiagnosticsOut(&findings.sink));
  ASSERT_EQ(findings.errors.size(), 1u);
  EXPECT_NE(findings.errors[0].find("platform.slurm.min_job_age_s: a number of seconds cannot be negative"),
            std::string::npos)
      << findings.errors[0];
  // Declared with Slurm's default, so a job document always carries the value it was settled with.
  bool declared = false;
  for (const dlaunch_option_desc* const* option = dlaunch_plugin_options; *option != nullptr; ++option) {
    if (std::string((*option)->name) != "min_job_age_s") continue;
    declared = true;
    EXPECT_EQ(std::string((*option)->default_json), "300");
  }
  EXPECT_TRUE(declared);
}

TEST(Options, EveryDeclaredOptionHasHelpAndTheTokenIsSecret) {
  int count = 0;
  for (const dlaunch_option_desc* const* option = dlaunch_plugin_options; *option != nullptr; ++option, ++count) {
    EXPECT_NE(std::string((*option)->help), "") << (*option)->name;
    EXPECT_EQ((*option)->struct_size, DLAUNCH_OPTION_DESC_SIZE_1_0);
    bool secret = ((*option)->flags & DLAUNCH_OPTION_SECRET) != 0;
    EXPECT_EQ(secret, std::string((*option)->name) == "token") << (*option)->name;
  }
  EXPECT_EQ(count, 16);
}

}  // namespace
}  // namespace dlaunch::slurm
