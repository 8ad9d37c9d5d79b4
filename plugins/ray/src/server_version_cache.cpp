#include "server_version_cache.hpp"

#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <fstream>

namespace dlaunch::ray {
namespace {

constexpr std::string_view kHeader = "dlaunch-ray-server-version-1";

int64_t to_ms(ServerVersionCache::Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace

std::filesystem::path ServerVersionCache::file(const std::string& address) const {
  std::string name;
  for (unsigned char c : address) {
    if (std::isalnum(c) || c == '.' || c == '-') {
      name += static_cast<char>(c);
    } else {
      char escaped[4];
      std::snprintf(escaped, sizeof escaped, "%%%02X", c);
      name += escaped;
    }
  }
  return dir_ / (name + ".version");
}

std::optional<ServerVersion> ServerVersionCache::load(const std::string& address, Clock::time_point now) const {
  if (dir_.empty()) return std::nullopt;
  // "<header>\n<saved, unix ms> <Jobs API version> <Ray version>\n"
  std::ifstream in(file(address));
  std::string header, ray_version;
  int64_t saved_ms = 0;
  int api_version = 0;
  if (!std::getline(in, header) || header != kHeader || !(in >> saved_ms >> api_version >> ray_version)) {
    return std::nullopt;
  }
  int64_t age_ms = to_ms(now) - saved_ms;
  if (age_ms < 0 || age_ms >= std::chrono::duration_cast<std::chrono::milliseconds>(lifetime_).count()) {
    return std::nullopt;
  }
  return ServerVersion::of(api_version, ray_version);
}

void ServerVersionCache::save(const std::string& address, const ServerVersion& version, Clock::time_point now) const {
  if (dir_.empty() || version.ray_version.empty() ||
      version.ray_version.find_first_of(" \t\r\n") != std::string::npos) {
    return;
  }
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  std::filesystem::path target = file(address);
  std::filesystem::path temporary = target;
  temporary += ".tmp." + std::to_string(::getpid());  // two runs at once each write their own
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << kHeader << '\n' << to_ms(now) << ' ' << version.api_version << ' ' << version.ray_version << '\n';
    if (!out.flush()) {
      std::filesystem::remove(temporary, ec);
      return;
    }
  }
  std::filesystem::rename(temporary, target, ec);
}

void ServerVersionCache::forget(const std::string& address) const {
  if (dir_.empty()) return;
  std::error_code ec;
  std::filesystem::remove(file(address), ec);
}

}  // namespace dlaunch::ray
