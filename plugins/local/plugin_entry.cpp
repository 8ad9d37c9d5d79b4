// The local plugin's entry symbol and its declared options.
#include <dlaunch/plugin.hpp>

#include "local_options.hpp"
#include "local_platform.hpp"

namespace {

#define DLAUNCH_LOCAL_STRINGIFY_(x) #x
#define DLAUNCH_LOCAL_STRINGIFY(x) DLAUNCH_LOCAL_STRINGIFY_(x)

const dlaunch_option_desc kStopGrace = dlaunch::sdk::option(
    dlaunch::local::kStopGraceOption, DLAUNCH_OPTION_INTEGER, 0,
    DLAUNCH_LOCAL_STRINGIFY(DLAUNCH_LOCAL_DEFAULT_STOP_GRACE_SECONDS),
    "Seconds the job's processes get between SIGTERM and SIGKILL when the job is stopped or ends.");
const dlaunch_option_desc* const kOptions[] = {&kStopGrace, nullptr};

}  // namespace

DLAUNCH_PLUGIN(dlaunch::local::LocalPlatform, "local", DLAUNCH_PLUGIN_VERSION, DLAUNCH_PLUGIN_DESCRIPTION, kOptions)
