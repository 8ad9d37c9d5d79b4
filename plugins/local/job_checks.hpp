// What the local platform checks in a job beyond the host's own rules.
#ifndef DLAUNCH_LOCAL_JOB_CHECKS_HPP_
#define DLAUNCH_LOCAL_JOB_CHECKS_HPP_

#include <dlaunch/job_document.hpp>
#include <dlaunch/plugin.hpp>

namespace dlaunch::local {

// Errors: a negative stop grace period. Warnings: GPUs asked for (nothing isolates devices here), more than
// one node (everything runs on this one), a program not found.
void check_job(const sdk::Job& job, const sdk::DiagnosticsOut& out);

}  // namespace dlaunch::local

#endif  // DLAUNCH_LOCAL_JOB_CHECKS_HPP_
