// The Slurm jobs `dlaunch delete` forgot. slurmctld keeps a finished job's record for MinJobAge and refuses
// every change to it ("Job has already finished"), so nothing on the cluster can say it was deleted: the
// plugin remembers it in its state directory instead, and answers for such a job as Slurm will once it has
// forgotten it (no such job). Each deleted job is an empty file named by its instance key (job_record.hpp).
#ifndef DLAUNCH_SLURM_DELETED_JOBS_HPP_
#define DLAUNCH_SLURM_DELETED_JOBS_HPP_

#include <chrono>
#include <filesystem>
#include <string>

namespace dlaunch::slurm {

class DeletedJobs {
 public:
  // Slurm keeps a finished job for MinJobAge, at most 65533 s: after a day a mark can only match a job that
  // was requeued since, so it goes.
  static constexpr std::chrono::hours kKeptFor{24};

  // The marks in `state_dir`/deleted; no directory (a host that gives none) remembers nothing.
  explicit DeletedJobs(std::filesystem::path state_dir);

  bool contains(const std::string& instance_key) const;
  // Remembers the job, and forgets marks older than kKeptFor. Throws sdk::Error when it cannot write.
  void add(const std::string& instance_key) const;

 private:
  std::filesystem::path mark(const std::string& instance_key) const;
  std::filesystem::path directory_;
};

}  // namespace dlaunch::slurm

#endif  // DLAUNCH_SLURM_DELETED_JOBS_HPP_
