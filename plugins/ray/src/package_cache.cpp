#include "package_cache.hpp"

#include <openssl/evp.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

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

bool parse_hex(std::string_view text, std::array<unsigned char, 32>& out) {
  if (text.size() != 64) return false;
  for (size_t i = 0; i < 32; ++i) {
    unsigned value = 0;
    if (std::sscanf(std::string(text.substr(2 * i, 2)).c_str(), "%2x", &value) != 1) return false;
    out[i] = static_cast<unsigned char>(value);
  }
  return true;
}

bool cacheable(const Package::Entry& entry) {
  return !entry.name.ends_with('/') && entry.digest && entry.name.find_first_of("\r\n") == std::string::npos;
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

void load_digests(const std::filesystem::path& file, std::vector<Package::Entry>& entries) {
  std::ifstream in(file);
  std::string line;
  if (!std::getline(in, line) || line != kHeader) return;
  auto entry = entries.begin();
  while (std::getline(in, line) && entry != entries.end()) {
    // "<64 hex digits> <size> <mtime in ns> <name>"
    std::istringstream fields(line);
    std::string digest_hex;
    uint64_t size = 0;
    int64_t mtime_ns = 0;
    if (!(fields >> digest_hex >> size >> mtime_ns) || fields.get() != ' ') return;
    std::string name;
    std::getline(fields, name);
    while (entry != entries.end() && entry->name < name) ++entry;
    if (entry == entries.end() || entry->name != name) continue;
    std::array<unsigned char, 32> digest;
    if (entry->size == size && entry->mtime_ns == mtime_ns && parse_hex(digest_hex, digest)) entry->digest = digest;
  }
}

void save_digests(const std::filesystem::path& file, const std::vector<Package::Entry>& entries) {
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  int64_t now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  std::filesystem::path temporary = file;
  temporary += ".tmp." + std::to_string(::getpid());  // two runs at once each write their own
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << kHeader << '\n';
    for (const auto& entry : entries) {
      if (!cacheable(entry) || entry.mtime_ns > now_ns - kSettledNs) continue;
      out << hex(entry.digest->data(), entry.digest->size()) << ' ' << entry.size << ' ' << entry.mtime_ns << ' '
          << entry.name << '\n';
    }
    if (!out.flush()) return;
  }
  std::filesystem::rename(temporary, file, ec);
}

}  // namespace dlaunch::ray
