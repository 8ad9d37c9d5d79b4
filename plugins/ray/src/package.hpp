// A directory as a Ray package: the zip that runtime_env's working_dir or py_modules points at, named by a
// hash of its content so that an unchanged directory is uploaded once (GET before PUT).
#ifndef DLAUNCH_RAY_PACKAGE_HPP_
#define DLAUNCH_RAY_PACKAGE_HPP_

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace dlaunch::ray {

// Always left out of a package: version control, virtual environments, bytecode caches.
inline const std::vector<std::string> kDefaultExcludes = {".git", ".venv", "__pycache__"};

class Package {
 public:
  struct Entry {
    std::string name;  // the path inside the zip, '/'-separated; directories end with '/'
    std::filesystem::path source;
    uintmax_t size = 0;
  };

  // Walks `root` and hashes what it will hold. Each pattern in `excludes` (gitignore-like) is a name matched
  // at any depth (`data`, `*.ckpt`), a path relative to root when it has a '/' (`out/big.bin`, `/logs`),
  // and matches directories only when it ends with '/'. With `prefix` (e.g. "mymodule/"), every entry is
  // put under that folder, as py_modules needs. Throws INVALID_ARGUMENT when root is not a directory.
  static Package scan(const std::filesystem::path& root, const std::vector<std::string>& excludes,
                      const std::string& prefix = {});

  // "_ray_pkg_<32 hex digits of SHA-256>.zip": the same content always gives the same name.
  const std::string& name() const { return name_; }
  std::string uri() const { return "gcs://" + name_; }
  const std::filesystem::path& root() const { return root_; }
  const std::vector<Entry>& entries() const { return entries_; }
  // The files' total size before compression.
  uintmax_t content_bytes() const { return content_bytes_; }

  // Builds the zip (deflate, entries in name order, fixed timestamps) in memory.
  std::string zip() const;

 private:
  std::filesystem::path root_;
  std::vector<Entry> entries_;
  std::string name_;
  uintmax_t content_bytes_ = 0;
};

// "12.3 MiB", for messages.
std::string human_size(uintmax_t bytes);

}  // namespace dlaunch::ray

#endif  // DLAUNCH_RAY_PACKAGE_HPP_
