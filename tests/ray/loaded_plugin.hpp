// The built ray plugin, opened with dlopen and driven through its C table exactly as a host would
// (tests/support/plugin_client.hpp): the plugin-level tests use it to prove the plugin without the CLI.
#ifndef DLAUNCH_TESTS_RAY_LOADED_PLUGIN_HPP_
#define DLAUNCH_TESTS_RAY_LOADED_PLUGIN_HPP_

#include <string>

#include "support/plugin_client.hpp"

namespace dlaunch::ray_test {

using Outcome = test::CallResult;
using Status = sdk::JobStatus;
using Finding = test::Finding;

class LoadedPlugin : public test::PluginClient {
 public:
  // Opens libdlaunch-ray.so in `plugin_dir`, with a state directory of the ray tests' own.
  explicit LoadedPlugin(const std::string& plugin_dir);
};

}  // namespace dlaunch::ray_test

#endif  // DLAUNCH_TESTS_RAY_LOADED_PLUGIN_HPP_
