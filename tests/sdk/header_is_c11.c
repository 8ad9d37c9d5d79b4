/* The public C header must be plain C11: this file compiles with -std=c11 -pedantic -Werror (tests/sdk). */
#include <dlaunch/plugin.h>

/* Every declaration is usable from C: take the size of each struct and the type of the entry point. */
static const size_t kSizes[] = {sizeof(dlaunch_host_api),    sizeof(dlaunch_init_args),
                                sizeof(dlaunch_text_sink),   sizeof(dlaunch_diagnostic_sink),
                                sizeof(dlaunch_job_status),  sizeof(dlaunch_status_sink),
                                sizeof(dlaunch_job_args),    sizeof(dlaunch_job_ref_args),
                                sizeof(dlaunch_logs_args),   sizeof(dlaunch_list_args),
                                sizeof(dlaunch_option_desc), sizeof(dlaunch_plugin_api)};
static dlaunch_plugin_entry_fn kEntry;

int main(void) { return kEntry == 0 && kSizes[0] > 0 && DLAUNCH_PLUGIN_API_SIZE_1_0 > 0 ? 0 : 1; }
