// The files' digests of one package directory, kept between runs: a file whose path, size and modification
// time are unchanged is not read again to name its package. One file per directory, its lines in the
// package's entry order, so that reading and writing it are one pass in step with the walk of the directory:
// no map of a large directory in memory.
#ifndef DLAUNCH_RAY_PACKAGE_CACHE_HPP_
#define DLAUNCH_RAY_PACKAGE_CACHE_HPP_

#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

namespace dlaunch::ray {

using Digest = std::array<unsigned char, 32>;

// The cache file of the package of `root` (with `prefix`) in `cache_dir`.
std::filesystem::path digest_cache_file(const std::filesystem::path& cache_dir, const std::filesystem::path& root,
                                        const std::string& prefix);

// Reads a cache file in step with the entries. A missing or damaged cache is no error: it finds nothing, and
// the files are read instead.
class DigestCacheReader {
 public:
  explicit DigestCacheReader(const std::filesystem::path& file);
  // The digest kept for the file `name` with this size and time. Names must be asked in increasing order.
  std::optional<Digest> find(const std::string& name, uint64_t size, int64_t mtime_ns);

 private:
  bool next();

  std::ifstream in_;
  bool valid_ = false;
  std::string name_, digest_hex_;
  uint64_t size_ = 0;
  int64_t mtime_ns_ = 0;
};

// Writes a new cache file, line by line, to a temporary file that commit() puts in its place; without a
// commit, the old cache stays. Errors are ignored: a cache is only a shortcut.
class DigestCacheWriter {
 public:
  explicit DigestCacheWriter(std::filesystem::path file);
  ~DigestCacheWriter();
  DigestCacheWriter(const DigestCacheWriter&) = delete;
  DigestCacheWriter& operator=(const DigestCacheWriter&) = delete;

  // Keeps the digest of a file, but not of one modified in the last seconds: a change within the file
  // system's time resolution would go unseen.
  void add(const std::string& name, uint64_t size, int64_t mtime_ns, const Digest& digest);
  void commit();

 private:
  std::filesystem::path file_, temporary_;
  std::ofstream out_;
  int64_t settled_before_ns_ = 0;
};

}  // namespace dlaunch::ray

#endif  // DLAUNCH_RAY_PACKAGE_CACHE_HPP_
