#include <dlaunch/core/version.hpp>
#include <dlaunch/plugin.h>  // the ABI this host is built with

namespace dlaunch {

VersionInfo version_info() {
  return VersionInfo{DLAUNCH_VERSION, DLAUNCH_ABI_MAJOR, DLAUNCH_ABI_MINOR, DLAUNCH_JOB_SCHEMA_VERSION};
}

}  // namespace dlaunch
