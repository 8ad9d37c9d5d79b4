// The files' digests of one package directory, kept between runs: a file whose path, size and modification
// time are unchanged is not read again to name its package. One file per directory, its lines in the
// package's entry order, so that reading and writing it are one pass in step with the entries: no map of a
// large directory in memory.
#ifndef DLAUNCH_RAY_PACKAGE_CACHE_HPP_
#define DLAUNCH_RAY_PACKAGE_CACHE_HPP_

#include "package.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace dlaunch::ray {

// The cache file of the package of `root` (with `prefix`) in `cache_dir`.
std::filesystem::path digest_cache_file(const std::filesystem::path& cache_dir, const std::filesystem::path& root,
                                        const std::string& prefix);
// Fills the digests of `entries` (sorted by name) that `file` holds for the same size and time. A missing or
// damaged cache is no error: the files are read instead.
void load_digests(const std::filesystem::path& file, std::vector<Package::Entry>& entries);
// Writes every known digest of `entries`, but not those of files modified in the last seconds: a change within
// the file system's time resolution would go unseen. Errors are ignored: a cache is only a shortcut.
void save_digests(const std::filesystem::path& file, const std::vector<Package::Entry>& entries);

}  // namespace dlaunch::ray

#endif  // DLAUNCH_RAY_PACKAGE_CACHE_HPP_
