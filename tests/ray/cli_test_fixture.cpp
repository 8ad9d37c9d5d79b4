#include "cli_test_fixture.hpp"

namespace dlaunch::ray_test {

JobSpec CliTest::job(const std::string& name, const std::string& command) const {
  JobSpec spec = shell_job(name, command);
  spec.option("address", string_literal(cluster_.address));
  return spec;
}

std::string CliTest::write_spec(const JobSpec& spec) const { return work_.write("job.toml", spec.toml()); }

test::ProcessResult CliTest::dlaunch(const std::vector<std::string>& args,
                                     const std::map<std::string, std::string>& env) const {
  test::ProcessOptions options;
  options.env = {{"XDG_STATE_HOME", state_.path() + "/state"}, {"XDG_CONFIG_HOME", state_.path() + "/config"}};
  for (const auto& [k, v] : env) options.env[k] = v;
  return test::run_dlaunch(args, options);
}

std::string CliTest::run(const JobSpec& spec) const {
  auto result = dlaunch({"run", write_spec(spec), "-p", "ray"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  std::string handle = test::last_line(result.out);
  EXPECT_TRUE(handle.starts_with("ray:")) << result.out;
  return handle;
}

}  // namespace dlaunch::ray_test
