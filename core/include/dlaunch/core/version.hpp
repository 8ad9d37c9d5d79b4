// What this build of dlaunch is: its release and the versions of the contracts it speaks.
#ifndef DLAUNCH_CORE_VERSION_HPP_
#define DLAUNCH_CORE_VERSION_HPP_

#include <cstdint>
#include <string>

namespace dlaunch {

struct VersionInfo {
  std::string release;         // e.g. "1.0.0"
  uint32_t plugin_abi_major;   // the plugin ABI this host provides
  uint32_t plugin_abi_minor;
  uint32_t job_schema_version;  // of the job document handed to plugins
};

VersionInfo version_info();

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_VERSION_HPP_
