#include "package.hpp"

#include <dlaunch/plugin.hpp>
#include <fnmatch.h>
#include <openssl/evp.h>
#include <zip.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>

namespace dlaunch::ray {
namespace fs = std::filesystem;
namespace {

// Bumped whenever the package layout changes, so that old cached packages are never reused for new layouts.
constexpr std::string_view kFormatTag = "dlaunch-ray-package-1";

// The DOS epoch (1980-01-01): every entry gets it, so the zip depends on content only.
constexpr time_t kFixedMtime = 315532800;

class ExcludeRules {
 public:
  explicit ExcludeRules(const std::vector<std::string>& patterns) {
    for (std::string pattern : patterns) {
      Rule rule;
      if (pattern.ends_with('/')) {
        rule.directories_only = true;
        pattern.pop_back();
      }
      if (pattern.starts_with('/')) {
        rule.anchored = true;
        pattern.erase(0, 1);
      }
      if (pattern.find('/') != std::string::npos) rule.anchored = true;
      if (pattern.empty()) continue;
      rule.pattern = pattern;
      rules_.push_back(rule);
    }
  }

  // `relative` is '/'-separated, relative to the package root.
  bool excluded(const std::string& relative, bool is_directory) const {
    std::string base = relative.substr(relative.rfind('/') + 1);
    return std::any_of(rules_.begin(), rules_.end(), [&](const Rule& rule) {
      if (rule.directories_only && !is_directory) return false;
      const std::string& subject = rule.anchored ? relative : base;
      return fnmatch(rule.pattern.c_str(), subject.c_str(), FNM_PATHNAME) == 0;
    });
  }

 private:
  struct Rule {
    std::string pattern;
    bool anchored = false;
    bool directories_only = false;
  };
  std::vector<Rule> rules_;
};

class Sha256 {
 public:
  Sha256() : context_(EVP_MD_CTX_new(), &EVP_MD_CTX_free) { EVP_DigestInit_ex(context_.get(), EVP_sha256(), nullptr); }
  void add(std::string_view data) { EVP_DigestUpdate(context_.get(), data.data(), data.size()); }
  void add_field(std::string_view data) {
    add(data);
    add(std::string_view("\0", 1));
  }
  void add_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw sdk::Error(DLAUNCH_ERR_INVALID_ARGUMENT, "cannot read " + path.string() + " for the package");
    char buffer[1 << 16];
    while (in) {
      in.read(buffer, sizeof buffer);
      add(std::string_view(buffer, static_cast<size_t>(in.gcount())));
    }
  }
  std::string hex(size_t bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(context_.get(), digest, &length);
    std::string out;
    char two[3];
    for (size_t i = 0; i < std::min<size_t>(bytes, length); ++i) {
      std::snprintf(two, sizeof two, "%02x", digest[i]);
      out += two;
    }
    return out;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context_;
};

[[noreturn]] void zip_failed(const std::string& what, zip_error_t* error) {
  throw sdk::Error(DLAUNCH_ERR_INTERNAL, "cannot build the package zip (" + what + "): " + zip_error_strerror(error));
}

[[noreturn]] void zip_failed(const std::string& what, zip_t* archive) {
  std::string message = "cannot build the package zip (" + what + "): " + zip_strerror(archive);
  zip_discard(archive);
  throw sdk::Error(DLAUNCH_ERR_INTERNAL, message);
}

}  // namespace

Package Package::scan(const fs::path& root, const std::vector<std::string>& excludes, const std::string& prefix) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    throw sdk::Error(DLAUNCH_ERR_INVALID_ARGUMENT, "the working_dir '" + root.string() + "' is not a directory");
  }
  std::vector<std::string> patterns = kDefaultExcludes;
  patterns.insert(patterns.end(), excludes.begin(), excludes.end());
  ExcludeRules rules(patterns);

  Package package;
  package.root_ = root;
  if (!prefix.empty()) package.entries_.push_back(Entry{prefix, root, 0});
  for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::string relative = it->path().lexically_relative(root).generic_string();
    bool is_directory = it->is_directory(ec);
    if (rules.excluded(relative, is_directory)) {
      if (is_directory) it.disable_recursion_pending();
      continue;
    }
    if (is_directory) {
      package.entries_.push_back(Entry{prefix + relative + "/", it->path(), 0});
    } else if (it->is_regular_file(ec)) {
      uintmax_t size = it->file_size(ec);
      package.entries_.push_back(Entry{prefix + relative, it->path(), size});
      package.content_bytes_ += size;
    }
  }
  if (ec) throw sdk::Error(DLAUNCH_ERR_INVALID_ARGUMENT, "cannot read " + root.string() + ": " + ec.message());
  std::sort(package.entries_.begin(), package.entries_.end(),
            [](const Entry& a, const Entry& b) { return a.name < b.name; });

  Sha256 hash;
  hash.add_field(kFormatTag);
  for (const auto& entry : package.entries_) {
    hash.add_field(entry.name);
    if (entry.name.ends_with('/')) continue;
    auto permissions = fs::status(entry.source, ec).permissions();
    hash.add_field((permissions & fs::perms::owner_exec) != fs::perms::none ? "x" : "-");
    hash.add_field(std::to_string(entry.size));
    hash.add_file(entry.source);
  }
  package.name_ = "_ray_pkg_" + hash.hex(16) + ".zip";
  return package;
}

std::string Package::zip() const {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  if (buffer == nullptr) zip_failed("buffer", &error);
  zip_t* archive = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  if (archive == nullptr) {
    zip_source_free(buffer);
    zip_failed("open", &error);
  }
  zip_source_keep(buffer);  // still needed after zip_close, to read the bytes back
  std::unique_ptr<zip_source_t, decltype(&zip_source_free)> owned_buffer(buffer, &zip_source_free);

  for (const auto& entry : entries_) {
    zip_int64_t index = -1;
    if (entry.name.ends_with('/')) {
      index = zip_dir_add(archive, entry.name.c_str(), ZIP_FL_ENC_UTF_8);
    } else {
      zip_source_t* file = zip_source_file(archive, entry.source.c_str(), 0, -1);
      if (file == nullptr) zip_failed(entry.source.string(), archive);
      index = zip_file_add(archive, entry.name.c_str(), file, ZIP_FL_ENC_UTF_8);
      if (index < 0) zip_source_free(file);
    }
    if (index < 0) zip_failed(entry.name, archive);
    std::error_code ec;
    auto mode = static_cast<zip_uint32_t>(fs::status(entry.source, ec).permissions()) |
                (entry.name.ends_with('/') ? 0040000u : 0100000u);
    zip_file_set_external_attributes(archive, index, 0, ZIP_OPSYS_UNIX, mode << 16);
    zip_file_set_mtime(archive, index, kFixedMtime, 0);
  }
  if (zip_close(archive) != 0) zip_failed("write", archive);

  zip_stat_t stat;
  if (zip_source_open(buffer) != 0 || zip_source_stat(buffer, &stat) != 0) {
    zip_failed("read back", zip_source_error(buffer));
  }
  std::string bytes(stat.size, '\0');
  zip_int64_t read = zip_source_read(buffer, bytes.data(), stat.size);
  zip_source_close(buffer);
  if (read < 0 || static_cast<zip_uint64_t>(read) != stat.size) zip_failed("read back", zip_source_error(buffer));
  return bytes;
}

std::string human_size(uintmax_t bytes) {
  char text[32];
  if (bytes < 1024 * 1024) {
    std::snprintf(text, sizeof text, "%.1f KiB", bytes / 1024.0);
  } else {
    std::snprintf(text, sizeof text, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }
  return text;
}

}  // namespace dlaunch::ray
