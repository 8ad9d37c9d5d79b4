#include "package.hpp"

#include "package_cache.hpp"
#include "package_ignore.hpp"
#include "package_zip.hpp"

#include <dlaunch/plugin.hpp>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace dlaunch::ray {
namespace fs = std::filesystem;
namespace {

// Bumped whenever the package layout or naming changes, so that old packages are never reused for new layouts.
constexpr std::string_view kFormatTag = "dlaunch-ray-package-2";

// The least a zip entry costs besides its data: a local header (30 bytes) and a central directory record
// (46 bytes), each with the name; and the end record (22 bytes) once.
constexpr uint64_t kEntryOverhead = 30 + 46;
constexpr uint64_t kEndRecord = 22;

class Sha256 {
 public:
  Sha256() : context_(EVP_MD_CTX_new(), &EVP_MD_CTX_free) { EVP_DigestInit_ex(context_.get(), EVP_sha256(), nullptr); }
  void add(std::string_view data) { EVP_DigestUpdate(context_.get(), data.data(), data.size()); }
  void add_field(std::string_view data) {
    add(data);
    add(std::string_view("\0", 1));
  }
  std::array<unsigned char, 32> digest() {
    std::array<unsigned char, 32> out{};
    unsigned int length = 0;
    EVP_DigestFinal_ex(context_.get(), out.data(), &length);
    return out;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context_;
};

int64_t mtime_ns(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

// The walk: metadata only, pruning ignored directories, with the lower bound of the zip's size kept current.
class Walker {
 public:
  Walker(const fs::path& root, const PackageOptions& options, std::vector<Package::Entry>& entries)
      : root_(root), options_(options), entries_(entries) {
    std::vector<std::string> patterns = kDefaultExcludes;
    patterns.insert(patterns.end(), options.excludes.begin(), options.excludes.end());
    rules_.push_back({"", IgnoreRules(patterns)});
  }

  void walk(const fs::path& directory, const std::string& relative_dir) {
    // Like Ray's client: each directory's ignore files apply to what is below it, relative to it.
    size_t pushed = 0;
    for (const char* file : {".gitignore", ".rayignore"}) {
      if (std::string_view(file) == ".gitignore" && !options_.read_gitignore) continue;
      IgnoreRules rules = IgnoreRules::read(directory / file);
      if (rules.empty()) continue;
      rules_.push_back({relative_dir, std::move(rules)});
      ++pushed;
    }
    std::error_code ec;
    for (fs::directory_iterator it(directory, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec)) {
      const fs::path& path = it->path();
      std::string relative = relative_dir + path.filename().string();
      struct stat st {};
      // A link to a file ships the file; a link to a directory is not followed (it may loop).
      if (::lstat(path.c_str(), &st) != 0) continue;
      if (S_ISLNK(st.st_mode) && (::stat(path.c_str(), &st) != 0 || S_ISDIR(st.st_mode))) continue;
      bool directory_entry = S_ISDIR(st.st_mode);
      if (!directory_entry && !S_ISREG(st.st_mode)) continue;  // FIFOs, sockets, devices: nothing to ship
      if (ignored(relative, directory_entry)) continue;
      Package::Entry entry;
      entry.name = options_.prefix + relative + (directory_entry ? "/" : "");
      entry.mode = st.st_mode & 07777;
      if (!directory_entry) {
        entry.size = static_cast<uint64_t>(st.st_size);
        entry.mtime_ns = mtime_ns(st);
        files_ += 1;
        content_bytes_ += entry.size;
      }
      count(entry);
      entries_.push_back(std::move(entry));
      if (directory_entry) walk(path, relative + "/");
    }
    if (ec) throw sdk::Error(DLAUNCH_ERR_INVALID_ARGUMENT, "cannot read " + directory.string() + ": " + ec.message());
    rules_.resize(rules_.size() - pushed);
  }

  void count(const Package::Entry& entry) {
    lower_bound_ += kEntryOverhead + 2 * entry.name.size() + entry.size / kDeflateMaxRatio;
    if (lower_bound_ < options_.limit) return;
    throw sdk::Error(
        DLAUNCH_ERR_INVALID_ARGUMENT,
        "the " + options_.what + " package of " + root_.string() + " cannot fit under the Ray dashboard's upload " +
            "limit of " + human_size(options_.limit) + ": the " + std::to_string(files_) + " files found so far hold " +
            human_size(content_bytes_) + ", which no zip holds in less than " + human_size(lower_bound_) +
            " (deflate compresses " + std::to_string(kDeflateMaxRatio) + " to 1 at best). " + oversized_advice());
  }

  uint64_t content_bytes() const { return content_bytes_; }

 private:
  bool ignored(const std::string& relative, bool is_directory) const {
    // Like Ray's client, a path is left out when any one ignore file (or the excludes) leaves it out.
    return std::any_of(rules_.begin(), rules_.end(), [&](const auto& scoped) {
      return scoped.second.ignored(std::string_view(relative).substr(scoped.first.size()), is_directory);
    });
  }

  const fs::path& root_;
  const PackageOptions& options_;
  std::vector<Package::Entry>& entries_;
  std::vector<std::pair<std::string, IgnoreRules>> rules_;  // (directory relative to root, its rules)
  uint64_t lower_bound_ = kEndRecord;
  uint64_t content_bytes_ = 0;
  uint64_t files_ = 0;
};

bool is_file(const Package::Entry& entry) { return !entry.name.ends_with('/'); }

}  // namespace

ZipFile::~ZipFile() {
  if (path_.empty()) return;
  std::error_code ec;
  fs::remove(path_, ec);
}

Package Package::scan(const fs::path& root, const PackageOptions& options) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    throw sdk::Error(DLAUNCH_ERR_INVALID_ARGUMENT, "the " + options.what + " '" + root.string() + "' is not a directory");
  }
  Package package;
  package.root_ = root;
  package.options_ = options;
  if (!options.prefix.empty()) package.entries_.push_back(Entry{options.prefix, 0, 0, 0755, std::nullopt});
  Walker walker(root, options, package.entries_);
  if (!options.prefix.empty()) walker.count(package.entries_.front());
  walker.walk(root, "");
  package.content_bytes_ = walker.content_bytes();
  std::sort(package.entries_.begin(), package.entries_.end(),
            [](const Entry& a, const Entry& b) { return a.name < b.name; });
  if (!options.cache_dir.empty()) {
    load_digests(digest_cache_file(options.cache_dir, root, options.prefix), package.entries_);
  }
  package.compute_name();
  return package;
}

const std::string& Package::name() const {
  if (name_.empty()) throw sdk::Error(DLAUNCH_ERR_INTERNAL, "the package of " + root_.string() + " is not named yet");
  return name_;
}

fs::path Package::source(const Entry& entry) const { return root_ / entry.name.substr(options_.prefix.size()); }

void Package::compute_name() {
  Sha256 hash;
  hash.add_field(kFormatTag);
  for (const auto& entry : entries_) {
    hash.add_field(entry.name);
    if (!is_file(entry)) continue;
    if (!entry.digest) return;  // not known yet: zip() reads the file
    hash.add_field((entry.mode & S_IXUSR) != 0 ? "x" : "-");
    hash.add_field(std::to_string(entry.size));
    hash.add(std::string_view(reinterpret_cast<const char*>(entry.digest->data()), entry.digest->size()));
  }
  auto digest = hash.digest();
  name_ = "_ray_pkg_";
  char two[3];
  for (size_t i = 0; i < 16; ++i) {
    std::snprintf(two, sizeof two, "%02x", digest[i]);
    name_ += two;
  }
  name_ += ".zip";
}

ZipFile Package::zip() {
  std::string pattern = (fs::temp_directory_path() / "dlaunch-ray-package-XXXXXX.zip").string();
  int fd = ::mkstemps(pattern.data(), 4);
  if (fd < 0) {
    throw sdk::Error(DLAUNCH_ERR_INTERNAL, "cannot create a temporary file for the package: " + std::string(std::strerror(errno)));
  }
  ::close(fd);
  ZipFile file(pattern);
  ZipWriter writer(file.path(), options_.limit);
  size_t done = 0;
  bool fits = true;
  for (auto& entry : entries_) {
    if (is_file(entry)) {
      Sha256 hash;
      fits = writer.add_file(entry.name, source(entry), entry.size, entry.mode,
                             [&](std::string_view data) { hash.add(data); });
      if (fits) entry.digest = hash.digest();
    } else {
      fits = writer.add_directory(entry.name, entry.mode);
    }
    if (!fits) break;
    ++done;
  }
  if (!fits || !writer.finish()) {
    throw sdk::Error(DLAUNCH_ERR_INVALID_ARGUMENT,
                     "the " + options_.what + " package of " + root_.string() +
                         " is over the Ray dashboard's upload limit of " + human_size(options_.limit) +
                         ": zipping stopped there, after " + std::to_string(done) + " of " +
                         std::to_string(entries_.size()) + " entries (" + human_size(content_bytes_) +
                         " before compression). " + oversized_advice());
  }
  file.size_ = writer.size();
  compute_name();
  if (!options_.cache_dir.empty()) {
    save_digests(digest_cache_file(options_.cache_dir, root_, options_.prefix), entries_);
  }
  return file;
}

std::string oversized_advice() {
  return "Leave large files out with [platform.ray] excludes = [\"data/\", \"*.ckpt\"] or a .rayignore file, or put "
         "them in remote storage and set [platform.ray] runtime_env = { working_dir = \"s3://bucket/code.zip\" }.";
}

}  // namespace dlaunch::ray
