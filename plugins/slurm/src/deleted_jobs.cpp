#include "deleted_jobs.hpp"

#include <dlaunch/plugin.hpp>

#include <cctype>
#include <fstream>
#include <system_error>

namespace dlaunch::slurm {

DeletedJobs::DeletedJobs(std::filesystem::path state_dir)
    : directory_(state_dir.empty() ? std::filesystem::path() : state_dir / "deleted") {}

std::filesystem::path DeletedJobs::mark(const std::string& instance_key) const {
  // The key is Slurm's cluster name and two numbers; anything else in a name stays out of the path.
  std::string name = instance_key;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') c = '_';
  }
  return directory_ / name;
}

bool DeletedJobs::contains(const std::string& instance_key) const {
  std::error_code ec;
  return !directory_.empty() && std::filesystem::exists(mark(instance_key), ec);
}

void DeletedJobs::add(const std::string& instance_key) const {
  if (directory_.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(directory_, ec);
  std::ofstream(mark(instance_key));
  if (!std::filesystem::exists(mark(instance_key), ec)) {
    throw sdk::Error(DLAUNCH_ERR_INTERNAL, "cannot remember the deleted job in " + directory_.string());
  }
  const auto oldest = std::filesystem::file_time_type::clock::now() - kKeptFor;
  for (const auto& entry : std::filesystem::directory_iterator(directory_, ec)) {
    if (entry.last_write_time(ec) < oldest && !ec) std::filesystem::remove(entry.path(), ec);
  }
}

}  // namespace dlaunch::slurm
