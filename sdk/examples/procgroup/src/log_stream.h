/* A job's output: every replica's log, each line prefixed with "[role/rank] ". */
#ifndef PROCGROUP_LOG_STREAM_H_
#define PROCGROUP_LOG_STREAM_H_

#include <dlaunch/plugin.h>
#include <stdbool.h>

#include "job_record.h"

/* Without follow: each replica's log so far, one after the other. With follow: lines as they come, from all
 * replicas, until the job is terminal; DLAUNCH_ERR_CANCELLED when the host asks to stop first. */
dlaunch_error *pg_stream_logs(const char *job_dir, const pg_record *record, bool follow, const dlaunch_host_api *host,
                              const dlaunch_text_sink *out);

#endif /* PROCGROUP_LOG_STREAM_H_ */
