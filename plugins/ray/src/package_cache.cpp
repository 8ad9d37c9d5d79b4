#include "package_cache.hpp"

#include <openssl/evp.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>

namespace dlaunch::ray {
namespace {

constexpr std::string_view kHeader = "dlaunch-ray-digests-1";
// Modified this recently, a file may change again within the same timestamp: its digest is not kept.
constexpr int64_t kSettledNs = 2'000'000'000;

std::string hex(const unsigned char* bytes, size_t size) {
  std::string out;
  char two[3];
  for (size_t i = 0; i < size; ++i) {
    std::snprintf(two, sizeof two, "%02x", bytes[i]);
    out += two;
  }
  return out;
}

bool parse_hex(std::string_view text, Digest& out) {
  if (text.size() != 64) return false;
  for (size_t i = 0; i < 32; ++i) {
    unsigned value = 0;
    if (std::sscanf(std::string(text.substr(2 * i, 2)).c_str(), "%2x", &value) != 1) return false;
    out[i] = static_cast<unsigned char>(value);
  }
  return true;
}

}  // namespace

std::filesystem::path digest_cache_file(const std::filesystem::path& cache_dir, const std::filesystem::path& root,
                                        const std::string& prefix) {
  std::error_code ec;
  std::string key = std::filesystem::absolute(root, ec).lexically_normal().string() + '\n' + prefix;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(key.data(), key.size(), digest, &length, EVP_sha256(), nullptr);
  return cache_dir / (hex(digest, 16) + ".digests");
}

DigestCacheReader::DigestCacheReader(const std::filesystem::path& file) : in_(file) {
  std::string header;
  valid_ = std::getline(in_, header) && header == kHeader && next();
}

bool DigestCacheReader::next() {
  // "<64 hex digits> <size> <mtime in ns> <name>"
  valid_ = static_cast<bool>(in_ >> digest_hex_ >> size_ >> mtime_ns_) && in_.get() == ' ' &&
           std::getline(in_, name_);
  return valid_;
}

std::optional<Digest> DigestCacheReader::find(const std::string& name, uint64_t size, int64_t mtime_ns) {
  while (valid_ && name_ < name) next();
  Digest digest;
  if (!valid_ || name_ != name || size_ != size || mtime_ns_ != mtime_ns || !parse_hex(digest_hex_, digest)) {
    return std::nullopt;
  }
  return digest;
}

DigestCacheWriter::DigestCacheWriter(std::filesystem::path file) : file_(std::move(file)) {
  std::error_code ec;
  std::filesystem::create_directories(file_.parent_path(), ec);
  temporary_ = file_;
  temporary_ += ".tmp." + std::to_string(::getpid());  // two runs at once each write their own
  out_.open(temporary_, std::ios::trunc);
  out_ << kHeader << '\n';
  settled_before_ns_ = std::chrono::duration_cast<std::chrono::nanoseconds>(
                           std::chrono::system_clock::now().time_since_epoch()).count() - kSettledNs;
}

DigestCacheWriter::~DigestCacheWriter() {
  if (temporary_.empty()) return;
  out_.close();
  std::error_code ec;
  std::filesystem::remove(temporary_, ec);
}

void DigestCacheWriter::add(const std::string& name, uint64_t size, int64_t mtime_ns, const Digest& digest) {
  if (mtime_ns > settled_before_ns_ || name.find_first_of("\r\n") != std::string::npos) return;
  out_ << hex(digest.data(), digest.size()) << ' ' << size << ' ' << mtime_ns << ' ' << name << '\n';
}

void DigestCacheWriter::commit() {
  if (!out_.flush()) return;
  out_.close();
  std::error_code ec;
  std::filesystem::rename(temporary_, file_, ec);
  if (!ec) temporary_.clear();
}

}  // namespace dlaunch::ray
