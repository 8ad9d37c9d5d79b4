// The commands of a sweep (dlaunch/core/sweep.hpp): `run` of a spec with [sweep] or --sweep, and `status` and
// `stop` of a sweep's handle "sweep:ID", each over every job of the sweep.
#ifndef APPS_SWEEP_COMMANDS_HPP_
#define APPS_SWEEP_COMMANDS_HPP_

#include <dlaunch/core/orchestrator.hpp>

#include "cli.hpp"

namespace dlaunch::cli {

// Dry-runs every job, or submits them all (concurrently) and prints each handle, then the sweep's handle
// alone on the last line; with `wait`, waits for every job. The exit code is that of the first job, by index,
// that did not succeed (0 when all did).
int run_sweep(Orchestrator& orchestrator, const SweepReport& sweep, OutputFormat format, bool dry_run, bool wait);

// One line (or JSON object) per job of the sweep; with `wait` once each has ended, exiting as run_sweep.
int sweep_status(Orchestrator& orchestrator, const std::string& sweep_id, OutputFormat format, bool wait);

// Stops every job of the sweep; the exit code of the first stop that failed, else 0.
int sweep_stop(Orchestrator& orchestrator, const std::string& sweep_id);

}  // namespace dlaunch::cli

#endif  // APPS_SWEEP_COMMANDS_HPP_
