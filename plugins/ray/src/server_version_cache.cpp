#include "server_version_cache.hpp"

#include <sstream>

namespace dlaunch::ray {

// The value: "<Jobs API version> <Ray version>".
std::optional<ServerVersion> ServerVersionCache::load(const std::string& address, Clock::time_point now) const {
  std::optional<std::string> saved = files_.load(address, now);
  if (!saved) return std::nullopt;
  std::istringstream in(*saved);
  int api_version = 0;
  std::string ray_version, rest;
  if (!(in >> api_version >> ray_version) || in >> rest) return std::nullopt;
  return ServerVersion::of(api_version, ray_version);
}

void ServerVersionCache::save(const std::string& address, const ServerVersion& version, Clock::time_point now) const {
  if (version.ray_version.empty() || version.ray_version.find_first_of(" \t\r\n") != std::string::npos) return;
  files_.save(address, std::to_string(version.api_version) + " " + version.ray_version, now);
}

}  // namespace dlaunch::ray
