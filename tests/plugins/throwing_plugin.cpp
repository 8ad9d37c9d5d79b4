// A C++ plugin whose every operation throws, to show the SDK helper contains it: the host gets error objects
// and goes on (tests/unit/plugin_host_test.cpp).
#include <dlaunch/plugin.hpp>

#include <stdexcept>

namespace {

class ThrowingPlatform : public dlaunch::sdk::Plugin {
 public:
  void dry_run(const dlaunch::sdk::JobRequest&, const dlaunch::sdk::TextOut&) override {
    throw std::runtime_error("dry_run exploded");
  }
  std::string submit(const dlaunch::sdk::JobRequest&) override { throw 42; }  // not even an exception class
  dlaunch::sdk::JobStatus status(const dlaunch::sdk::JobRef&) override {
    throw dlaunch::sdk::Error(DLAUNCH_ERR_UNAVAILABLE, "the platform is down");
  }
  void logs(const dlaunch::sdk::JobRef&, bool, const dlaunch::sdk::TextOut&) override {
    throw std::logic_error("logs exploded");
  }
  void stop(const dlaunch::sdk::JobRef&) override { throw std::bad_alloc(); }
};

}  // namespace

DLAUNCH_PLUGIN(ThrowingPlatform, "throwing", "1.0.0", "throws from every operation")
