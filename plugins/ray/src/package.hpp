// A directory as a Ray package: the zip that runtime_env's working_dir or py_modules points at, named by a
// hash of its content so that an unchanged directory is uploaded once (GET before PUT).
//
// Bounded by construction: the scan reads metadata only and refuses a directory as soon as even the best
// compression could not bring it under the upload limit, or when deflating a sample of its largest files shows
// the zip would be far over it; the zip is written as a stream to a temporary file and stops the moment it
// reaches the limit; files' digests are cached by path, size and modification time, so an unchanged directory
// is named without reading it again. No list of the entries is kept: each pass walks the directory again
// (holding one directory's names at a time), so memory does not grow with the number of files.
#ifndef DLAUNCH_RAY_PACKAGE_HPP_
#define DLAUNCH_RAY_PACKAGE_HPP_

#include "human_size.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace dlaunch::ray {

// Always left out of a package: version control, virtual environments, bytecode caches.
inline const std::vector<std::string> kDefaultExcludes = {".git", ".venv", "__pycache__"};

// Deflate's best case: 258 bytes in 2 bits. No zip of n bytes of content is smaller than n / 1032.
constexpr uint64_t kDeflateMaxRatio = 1032;

struct PackageOptions {
  std::string what = "working_dir";  // for messages: "working_dir", "driver"
  // gitignore-like patterns, relative to the root, besides kDefaultExcludes and the ignore files.
  std::vector<std::string> excludes;
  // With a prefix (e.g. "mymodule/"), every entry is put under that folder, as py_modules needs.
  std::string prefix;
  // Read .gitignore files as Ray's client does (RAY_RUNTIME_ENV_IGNORE_GITIGNORE=1 turns that off for both);
  // .rayignore files are always read.
  bool read_gitignore = true;
  // A zip this large or larger is refused.
  uint64_t limit = UINT64_MAX;
  // Where the files' digests are kept between runs; empty: nowhere.
  std::filesystem::path cache_dir;
};

// The zip, in a temporary file removed with this object.
class ZipFile {
 public:
  ZipFile() = default;
  explicit ZipFile(std::filesystem::path path) : path_(std::move(path)) {}
  ~ZipFile();
  ZipFile(ZipFile&& other) noexcept : path_(std::exchange(other.path_, {})), size_(other.size_) {}
  ZipFile& operator=(ZipFile&&) = delete;
  ZipFile(const ZipFile&) = delete;

  const std::filesystem::path& path() const { return path_; }
  uint64_t size() const { return size_; }

 private:
  friend class Package;
  std::filesystem::path path_;
  uint64_t size_ = 0;
};

class Package {
 public:
  struct Entry {
    std::string name;  // the path inside the zip, '/'-separated; directories end with '/'
    std::filesystem::path source;  // the file or directory it comes from
    uint64_t size = 0;             // files only
    int64_t mtime_ns = 0;          // files only
    uint32_t mode = 0;             // permission bits
    bool is_file() const { return !name.ends_with('/'); }
  };

  // Walks `root` (metadata only), leaving out what the options and the ignore files say. Throws
  // INVALID_ARGUMENT when root is not a directory, as soon as the files seen make a zip under the limit
  // impossible, and when a sample says the zip would be over twice the limit. When a digest cache is set and
  // holds every file's digest, the package is named.
  static Package scan(const std::filesystem::path& root, const PackageOptions& options);

  // True when the name is known: every digest came from the cache, or zip() has run.
  bool named() const { return !name_.empty(); }
  // "_ray_pkg_<32 hex digits of SHA-256>.zip": the same content always gives the same name.
  const std::string& name() const;
  std::string uri() const { return "gcs://" + name(); }
  const std::filesystem::path& root() const { return root_; }
  // Files and directories, as the last pass (scan or zip) found them.
  uint64_t entry_count() const { return entry_count_; }
  // The files' total size before compression.
  uint64_t content_bytes() const { return content_bytes_; }

  // Walks the directory again and calls `visit` with each entry, in name order (the zip's); stops when
  // `visit` returns false. Returns false when it stopped.
  bool walk(const std::function<bool(const Entry&)>& visit) const;

  // Writes the zip (deflate, entries in name order, fixed timestamps) to a temporary file, reading each file
  // once and learning its digest on the way (so the package is named after). Throws INVALID_ARGUMENT, having
  // stopped writing, when the zip reaches the limit.
  ZipFile zip();

 private:
  void refuse_by_sample(uint64_t lower_bound, std::vector<std::pair<uint64_t, std::string>> largest) const;
  void name_from_cache();

  std::filesystem::path root_;
  PackageOptions options_;
  std::string name_;
  uint64_t entry_count_ = 0;
  uint64_t content_bytes_ = 0;
};

// What to do about a package that is too large: the advice every refusal ends with.
std::string oversized_advice();

}  // namespace dlaunch::ray

#endif  // DLAUNCH_RAY_PACKAGE_HPP_
