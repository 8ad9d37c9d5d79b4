#include "loaded_plugin.hpp"

#include <filesystem>

namespace dlaunch::ray_test {

LoadedPlugin::LoadedPlugin(const std::string& plugin_dir)
    : test::PluginClient(plugin_dir, "ray",
                         (std::filesystem::temp_directory_path() / "dlaunch-ray-test-state").string()) {}

}  // namespace dlaunch::ray_test
