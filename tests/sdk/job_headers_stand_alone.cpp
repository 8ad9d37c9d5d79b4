// The SDK's job headers need only the SDK (and RapidJSON): the field table lives here, not in the core,
// so a plugin built against an installed SDK reads and writes documents with it.
#include <dlaunch/job_fields.hpp>
#include <dlaunch/key_path.hpp>
#include <dlaunch/job_document.hpp>
#include <dlaunch/node_groups.hpp>
#include <dlaunch/role_variables.hpp>

static_assert(dlaunch::job_fields::kJobFields.size() > 0);
