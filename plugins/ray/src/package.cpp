#include "package.hpp"

#include "package_cache.hpp"
#include "package_ignore.hpp"
#include "package_zip.hpp"

#include <dlaunch/plugin.hpp>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>

namespace dlaunch::ray {
namespace fs = std::filesystem;
namespace {

// Bumped whenever the package layout or naming changes, so that old packages are never reused for new layouts.
constexpr std::string_view kFormatTag = "dlaunch-ray-package-2";

// The least a zip entry costs besides its data: a local header (30 bytes) and a central directory record
// (46 bytes), each with the name; and the end record (22 bytes) once.
constexpr uint64_t kEntryOverhead = 30 + 46;
constexpr uint64_t kEndRecord = 22;

// The sample that estimates how a directory over the limit compresses: pieces of 128 KiB, 64 at most (8 MiB),
// spread over the 64 largest files in proportion to their sizes.
constexpr size_t kSamplePiece = 128 * 1024;
constexpr uint64_t kSamplePieces = 64;
constexpr size_t kSampledFiles = 64;

class Sha256 {
 public:
  Sha256() : context_(EVP_MD_CTX_new(), &EVP_MD_CTX_free) { EVP_DigestInit_ex(context_.get(), EVP_sha256(), nullptr); }
  void add(std::string_view data) { EVP_DigestUpdate(context_.get(), data.data(), data.size()); }
  void add_field(std::string_view data) {
    add(data);
    add(std::string_view("\0", 1));
  }
  Digest digest() {
    Digest out{};
    unsigned int length = 0;
    EVP_DigestFinal_ex(context_.get(), out.data(), &length);
    return out;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context_;
};

// The package's name: a hash of every entry's name and, for files, mode, size and digest, in name order.
class NameHash {
 public:
  NameHash() { hash_.add_field(kFormatTag); }
  void add(const Package::Entry& entry, const Digest* digest) {
    hash_.add_field(entry.name);
    if (!entry.is_file()) return;
    hash_.add_field((entry.mode & S_IXUSR) != 0 ? "x" : "-");
    hash_.add_field(std::to_string(entry.size));
    hash_.add(std::string_view(reinterpret_cast<const char*>(digest->data()), digest->size()));
  }
  std::string name() {
    auto digest = hash_.digest();
    std::string name = "_ray_pkg_";
    char two[3];
    for (size_t i = 0; i < 16; ++i) {
      std::snprintf(two, sizeof two, "%02x", digest[i]);
      name += two;
    }
    return name + ".zip";
  }

 private:
  Sha256 hash_;
};

int64_t mtime_ns(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

// What a path holds for a package: a link to a file ships the file; a link to a directory is not followed (it
// may loop); FIFOs, sockets and devices have nothing to ship.
enum class Kind { kNone, kFile, kDirectory };
Kind classify(const fs::path& path, struct stat& st) {
  if (::lstat(path.c_str(), &st) != 0) return Kind::kNone;
  if (S_ISLNK(st.st_mode) && (::stat(path.c_str(), &st) != 0 || S_ISDIR(st.st_mode))) return Kind::kNone;
  if (S_ISDIR(st.st_mode)) return Kind::kDirectory;
  return S_ISREG(st.st_mode) ? Kind::kFile : Kind::kNone;
}

// A walk of the directory: metadata only, pruning ignored directories. Unsorted, it visits each entry as the
// directory lists it and holds nothing; sorted, it holds the names of one directory at a time (and of the
// directories above it), in one string per directory, and visits them in the zip's name order: a directory's key is its
// name with a '/', so sorting each directory's keys and visiting a directory before what it holds gives the
// order of the full names.
class Walker {
 public:
  using Visit = std::function<bool(const Package::Entry&)>;
  Walker(const fs::path& root, const PackageOptions& options, bool sorted, Visit visit)
      : root_(root), options_(options), sorted_(sorted), visit_(std::move(visit)) {
    std::vector<std::string> patterns = kDefaultExcludes;
    patterns.insert(patterns.end(), options.excludes.begin(), options.excludes.end());
    rules_.push_back({"", IgnoreRules(patterns)});
  }

  bool run() {
    // With a prefix (py_modules), everything is in that folder.
    if (!options_.prefix.empty() && !visit_(Package::Entry{options_.prefix, root_, 0, 0, 0755})) return false;
    return walk(root_, "");
  }

 private:
  bool walk(const fs::path& directory, const std::string& relative_dir) {
    // Like Ray's client: each directory's ignore files apply to what is below it, relative to it.
    size_t pushed = 0;
    for (const char* file : {".gitignore", ".rayignore"}) {
      if (std::string_view(file) == ".gitignore" && !options_.read_gitignore) continue;
      IgnoreRules rules = IgnoreRules::read(directory / file);
      if (rules.empty()) continue;
      rules_.push_back({relative_dir, std::move(rules)});
      ++pushed;
    }
    bool going = sorted_ ? walk_sorted(directory, relative_dir) : walk_listed(directory, relative_dir);
    rules_.resize(rules_.size() - pushed);
    return going;
  }

  bool walk_listed(const fs::path& directory, const std::string& relative_dir) {
    return list(directory, relative_dir, [&](const fs::path& path, const std::string& relative, Kind kind,
                                             const struct stat& st) { return enter(path, relative, kind, st); });
  }

  bool walk_sorted(const fs::path& directory, const std::string& relative_dir) {
    // The keys one after the other, each ended by a NUL (no file name holds one), and where each starts.
    std::string keys;
    std::vector<size_t> starts;
    list(directory, relative_dir, [&](const fs::path& path, const std::string&, Kind kind, const struct stat&) {
      starts.push_back(keys.size());
      keys += path.filename().native();
      keys += kind == Kind::kDirectory ? std::string_view("/\0", 2) : std::string_view("\0", 1);
      return true;
    });
    // strcmp compares bytes as unsigned char, as std::string's operator< does.
    std::sort(starts.begin(), starts.end(),
              [&](size_t a, size_t b) { return std::strcmp(keys.data() + a, keys.data() + b) < 0; });
    for (size_t start : starts) {
      std::string_view key(keys.data() + start);
      bool directory_key = key.ends_with('/');
      if (directory_key) key.remove_suffix(1);
      fs::path path = directory / key;
      struct stat st {};
      Kind kind = classify(path, st);
      // Changed since it was listed: left out, as if it had been listed a moment later.
      if (kind != (directory_key ? Kind::kDirectory : Kind::kFile)) continue;
      if (!enter(path, relative_dir + std::string(key), kind, st)) return false;
    }
    return true;
  }

  // Calls `found` with each entry of `directory` that goes into the package, in the directory's order.
  template <typename Found>
  bool list(const fs::path& directory, const std::string& relative_dir, Found found) {
    std::error_code ec;
    for (fs::directory_iterator it(directory, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec)) {
      const fs::path& path = it->path();
      std::string relative = relative_dir + path.filename().string();
      struct stat st {};
      Kind kind = classify(path, st);
      if (kind == Kind::kNone || ignored(relative, kind == Kind::kDirectory)) continue;
      if (!found(path, relative, kind, st)) return false;
    }
    if (ec) throw sdk::Error(DLAUNCH_ERR_INVALID_ARGUMENT, "cannot read " + directory.string() + ": " + ec.message());
    return true;
  }

  bool enter(const fs::path& path, const std::string& relative, Kind kind, const struct stat& st) {
    bool is_directory = kind == Kind::kDirectory;
    Package::Entry entry{options_.prefix + relative + (is_directory ? "/" : ""), path, 0, 0, st.st_mode & 07777u};
    if (!is_directory) {
      entry.size = static_cast<uint64_t>(st.st_size);
      entry.mtime_ns = mtime_ns(st);
    }
    if (!visit_(entry)) return false;
    return !is_directory || walk(path, relative + "/");
  }

  bool ignored(const std::string& relative, bool is_directory) const {
    // Like Ray's client, a path is left out when any one ignore file (or the excludes) leaves it out.
    return std::any_of(rules_.begin(), rules_.end(), [&](const auto& scoped) {
      return scoped.second.ignored(std::string_view(relative).substr(scoped.first.size()), is_directory);
    });
  }

  const fs::path& root_;
  const PackageOptions& options_;
  bool sorted_;
  Visit visit_;
  std::vector<std::pair<std::string, IgnoreRules>> rules_;  // (directory relative to root, its rules)
};

// The deflated size of pieces of files, and of the bytes read: what a sample says of how they compress.
class SampleDeflater {
 public:
  SampleDeflater() {
    if (deflateInit2(&z_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      throw sdk::Error(DLAUNCH_ERR_INTERNAL, "cannot start deflate");
    }
    input_.resize(kSamplePiece);
    output_.resize(deflateBound(&z_, kSamplePiece));
  }
  ~SampleDeflater() { deflateEnd(&z_); }
  SampleDeflater(const SampleDeflater&) = delete;
  SampleDeflater& operator=(const SampleDeflater&) = delete;

  // Deflates `length` (at most kSamplePiece) bytes of `path` from `offset`, as the zip would (the same level,
  // a stream of its own). False when the file cannot be read as it was seen.
  bool add(const fs::path& path, uint64_t offset, size_t length) {
    int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat st {};
    size_t got = 0;
    while (got < length && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
      ssize_t n = ::pread(fd, input_.data() + got, length - got, static_cast<off_t>(offset + got));
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    ::close(fd);
    if (got != length) return false;
    deflateReset(&z_);
    z_.next_in = reinterpret_cast<Bytef*>(input_.data());
    z_.avail_in = static_cast<uInt>(length);
    z_.next_out = reinterpret_cast<Bytef*>(output_.data());
    z_.avail_out = static_cast<uInt>(output_.size());
    if (deflate(&z_, Z_FINISH) != Z_STREAM_END) return false;
    read_ += length;
    deflated_ += output_.size() - z_.avail_out;
    return true;
  }

  uint64_t read() const { return read_; }
  uint64_t deflated() const { return deflated_; }

 private:
  z_stream z_{};
  std::vector<char> input_, output_;
  uint64_t read_ = 0, deflated_ = 0;
};

std::string largest_files(size_t n) {
  return n == 1 ? "its largest file" : "its " + std::to_string(n) + " largest files";
}

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

  // First pass, in the directory's order: the lower bound of the zip's size, and the largest files (for the
  // sample), nothing else kept.
  uint64_t lower_bound = kEndRecord, files = 0;
  std::vector<std::pair<uint64_t, std::string>> largest;  // a min-heap of (size, path) of the largest files
  auto smaller_first = [](const auto& a, const auto& b) { return a > b; };
  Walker(root, options, false, [&](const Entry& entry) {
    ++package.entry_count_;
    lower_bound += kEntryOverhead + 2 * entry.name.size() + entry.size / kDeflateMaxRatio;
    if (entry.is_file()) {
      ++files;
      package.content_bytes_ += entry.size;
      largest.emplace_back(entry.size, entry.source.string());
      std::push_heap(largest.begin(), largest.end(), smaller_first);
      if (largest.size() > kSampledFiles) {
        std::pop_heap(largest.begin(), largest.end(), smaller_first);
        largest.pop_back();
      }
    }
    if (lower_bound < options.limit) return true;
    throw sdk::Error(
        DLAUNCH_ERR_INVALID_ARGUMENT,
        "the " + options.what + " package of " + root.string() + " cannot fit under the Ray dashboard's upload " +
            "limit of " + human_size(options.limit) + ": the " + std::to_string(files) + " files found so far hold " +
            human_size(package.content_bytes_) + ", which no zip holds in less than " + human_size(lower_bound) +
            " (deflate compresses " + std::to_string(kDeflateMaxRatio) + " to 1 at best). " + oversized_advice());
  }).run();

  if (package.content_bytes_ > options.limit) package.refuse_by_sample(lower_bound, largest);
  if (!options.cache_dir.empty()) package.name_from_cache();
  return package;
}

// Systematic sampling over the largest files' bytes laid end to end: kSamplePieces pieces centred at equal
// steps, each deflated on its own. Those files count at the sample's ratio, every other file at deflate's best
// (as in the lower bound), so only what the sample read can raise the estimate.
void Package::refuse_by_sample(uint64_t lower_bound, std::vector<std::pair<uint64_t, std::string>> largest) const {
  if (options_.limit > UINT64_MAX / 2) return;
  std::sort(largest.begin(), largest.end(), std::greater<>());  // the same sample whatever the listing order
  uint64_t total = 0;
  for (const auto& file : largest) total += file.first;
  if (total == 0) return;
  uint64_t pieces = std::clamp<uint64_t>(total / kSamplePiece, 1, kSamplePieces);
  uint64_t step = total / pieces;
  SampleDeflater sample;
  auto file = largest.begin();
  uint64_t file_start = 0;  // where *file begins among the bytes laid end to end
  for (uint64_t i = 0; i < pieces; ++i) {
    uint64_t centre = i * step + step / 2;
    while (centre >= file_start + file->first) file_start += (file++)->first;
    uint64_t length = std::min<uint64_t>(kSamplePiece, file->first);
    uint64_t offset = std::min(centre - file_start - std::min(centre - file_start, length / 2), file->first - length);
    if (!sample.add(file->second, offset, length)) return;  // the zip will tell
  }
  long double ratio = static_cast<long double>(sample.deflated()) / static_cast<long double>(sample.read());
  auto estimate = static_cast<uint64_t>(static_cast<long double>(lower_bound) +
                                        (ratio - 1.0L / kDeflateMaxRatio) * static_cast<long double>(total));
  if (estimate < 2 * options_.limit) return;
  throw sdk::Error(
      DLAUNCH_ERR_INVALID_ARGUMENT,
      "the " + options_.what + " package of " + root_.string() + " would be far over the Ray dashboard's upload " +
          "limit of " + human_size(options_.limit) + ": its zip would take about " + human_size(estimate) +
          " for the " + human_size(content_bytes_) + " found, an estimate from a sample of " +
          human_size(sample.read()) + " deflated from " + largest_files(largest.size()) +
          " (" + human_size(total) + "); nothing was zipped. " + oversized_advice());
}

void Package::name_from_cache() {
  DigestCacheReader cache(digest_cache_file(options_.cache_dir, root_, options_.prefix));
  NameHash hash;
  // Stops at the first file the cache does not know: zip() reads it, and names the package then.
  bool known = walk([&](const Entry& entry) {
    std::optional<Digest> digest;
    if (entry.is_file() && !(digest = cache.find(entry.name, entry.size, entry.mtime_ns))) return false;
    hash.add(entry, digest ? &*digest : nullptr);
    return true;
  });
  if (known) name_ = hash.name();
}

const std::string& Package::name() const {
  if (name_.empty()) throw sdk::Error(DLAUNCH_ERR_INTERNAL, "the package of " + root_.string() + " is not named yet");
  return name_;
}

bool Package::walk(const std::function<bool(const Entry&)>& visit) const {
  return Walker(root_, options_, true, visit).run();
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
  std::optional<DigestCacheWriter> cache;
  if (!options_.cache_dir.empty()) cache.emplace(digest_cache_file(options_.cache_dir, root_, options_.prefix));
  NameHash hash;
  uint64_t done = 0, content_bytes = 0;
  bool fits = walk([&](const Entry& entry) {
    if (!entry.is_file()) {
      if (!writer.add_directory(entry.name, entry.mode)) return false;
      hash.add(entry, nullptr);
    } else {
      Sha256 file_hash;
      if (!writer.add_file(entry.name, entry.source, entry.size, entry.mode,
                           [&](std::string_view data) { file_hash.add(data); })) {
        return false;
      }
      Digest digest = file_hash.digest();
      hash.add(entry, &digest);
      if (cache) cache->add(entry.name, entry.size, entry.mtime_ns, digest);
      content_bytes += entry.size;
    }
    ++done;
    return true;
  });
  if (!fits || !writer.finish()) {
    throw sdk::Error(DLAUNCH_ERR_INVALID_ARGUMENT,
                     "the " + options_.what + " package of " + root_.string() +
                         " is over the Ray dashboard's upload limit of " + human_size(options_.limit) +
                         ": zipping stopped there, after " + std::to_string(done) + " of " +
                         std::to_string(entry_count_) + " entries (" + human_size(content_bytes_) +
                         " before compression). " + oversized_advice());
  }
  file.size_ = writer.size();
  entry_count_ = done;
  content_bytes_ = content_bytes;
  name_ = hash.name();
  if (cache) cache->commit();
  return file;
}

std::string oversized_advice() {
  return "Leave large files out with [platform.ray] excludes = [\"data/\", \"*.ckpt\"] or a .rayignore file, or put "
         "them in remote storage and set [platform.ray] runtime_env = { working_dir = \"s3://bucket/code.zip\" }.";
}

}  // namespace dlaunch::ray
