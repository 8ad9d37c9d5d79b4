// A C++ SDK plugin that declares the oldest host minor it runs on (kMinHostMinor, from TEST_MIN_HOST_MINOR)
// and reports the host's minor it was given in init, as its status message: "host ABI minor N"
// (tests/unit/plugin_host_test.cpp). Built against the real header and against the test 1.1 one.
#include <dlaunch/plugin.hpp>

#include <string>

namespace {

class MinorPlatform : public dlaunch::sdk::Plugin {
 public:
  static constexpr uint32_t kMinHostMinor = TEST_MIN_HOST_MINOR;

  void init(const dlaunch::sdk::InitContext& context) override { host_minor_ = context.host_abi_minor; }
  void dry_run(const dlaunch::sdk::JobRequest&, const dlaunch::sdk::TextOut&) override {}
  std::string submit(const dlaunch::sdk::JobRequest&) override { return "job"; }
  dlaunch::sdk::JobStatus status(const dlaunch::sdk::JobRef& job) override {
    dlaunch::sdk::JobStatus status;
    status.native_id = std::string(job.native_id);
    status.state = DLAUNCH_STATE_SUCCEEDED;
    status.message = "host ABI minor " + std::to_string(host_minor_);
    return status;
  }
  void logs(const dlaunch::sdk::JobRef&, bool, const dlaunch::sdk::TextOut&) override {}
  void stop(const dlaunch::sdk::JobRef&) override {}

 private:
  uint32_t host_minor_ = 0;
};

}  // namespace

DLAUNCH_PLUGIN(MinorPlatform, TEST_PLUGIN_ID, "1.0.0", "reports the host's ABI minor")
