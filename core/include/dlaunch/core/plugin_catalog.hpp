// Finding plugins: manifests are read from the search path without loading any code. A plugin directory or
// file that others could have written is refused, with the reason.
#ifndef DLAUNCH_CORE_PLUGIN_CATALOG_HPP_
#define DLAUNCH_CORE_PLUGIN_CATALOG_HPP_

#include <dlaunch/core/plugin_option.hpp>

#include <cstdint>
#include <expected>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dlaunch {

struct PluginManifest {
  std::string id;
  std::string version;
  std::string description;
  uint32_t abi_major = 0;
  uint32_t abi_minor = 0;
  uint32_t min_host_minor = 0;  // "abi.min_host_minor"; defaults to abi_minor
  // "job_document.newest": the newest job document version the plugin reads (the DLAUNCH_JOB_SCHEMA_VERSION
  // of the SDK it was built against); 0 when its manifest predates the claim.
  int job_document_version = 0;
  std::filesystem::path manifest_path;
  std::filesystem::path directory;
  std::filesystem::path library;  // absolute
  // Manifest version 2 declares the plugin's options, so they are known without loading its code; a version 1
  // manifest does not, and its options come from loading the plugin.
  bool declares_options = false;
  std::vector<PlatformOption> options;
};

// The manifest file's name inside a plugin directory.
inline constexpr std::string_view kManifestFileName = "plugin.json";

// Reads and checks one manifest (format version, id, library, abi, options). Errors are messages naming the
// file.
std::expected<PluginManifest, std::string> read_manifest(const std::filesystem::path& manifest_path);

// Why `path` must not be trusted to hold plugin code (group- or world-writable, or owned by someone other
// than root or the caller), or nullopt when it is fine.
std::optional<std::string> untrusted_reason(const std::filesystem::path& path);

// The plugin search path, in order: `cli_dirs` (--plugin-dir), DLAUNCH_PLUGIN_PATH (colon list),
// $XDG_DATA_HOME/dlaunch/plugins (default ~/.local/share/dlaunch/plugins), then lib/dlaunch/plugins beside
// the running executable's prefix (<exe>/../lib/dlaunch/plugins), which serves both the build tree and a
// relocated install, and, in a program that uses libdlaunch.so (the C client API), dlaunch/plugins beside that
// library (lib/libdlaunch.so finds lib/dlaunch/plugins, wherever a package put both).
std::vector<std::filesystem::path> plugin_search_path(const std::vector<std::string>& cli_dirs);

class PluginCatalog {
 public:
  struct Problem {
    std::filesystem::path path;
    std::string message;
  };

  // Scans each directory's subdirectories for plugin.json. The first plugin with a given id wins.
  static PluginCatalog discover(const std::vector<std::filesystem::path>& search_path);

  const std::vector<PluginManifest>& plugins() const { return plugins_; }    // winners, in search order
  const std::vector<PluginManifest>& shadowed() const { return shadowed_; }  // losers to an earlier id
  const std::vector<Problem>& problems() const { return problems_; }         // refused or unreadable
  const std::vector<std::filesystem::path>& search_path() const { return search_path_; }

  const PluginManifest* find(std::string_view id) const;
  std::vector<std::string> ids() const;

 private:
  std::vector<std::filesystem::path> search_path_;
  std::vector<PluginManifest> plugins_;
  std::vector<PluginManifest> shadowed_;
  std::vector<Problem> problems_;
};

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_PLUGIN_CATALOG_HPP_
