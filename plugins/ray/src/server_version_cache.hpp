// The server version of each Ray address, kept between runs for a short while (support::AddressCache): a
// submit to a cluster seen recently then sends its job (and its packages) without asking GET /api/version
// first. The submit path also asks again when the server rejects a body that a wrong version would explain.
#ifndef DLAUNCH_RAY_SERVER_VERSION_CACHE_HPP_
#define DLAUNCH_RAY_SERVER_VERSION_CACHE_HPP_

#include "server_version.hpp"

#include <dlaunch_support/address_cache.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace dlaunch::ray {

class ServerVersionCache {
 public:
  using Clock = support::AddressCache::Clock;
  static constexpr std::chrono::seconds kLifetime{600};

  // One small file per address in `dir`; an empty dir caches nothing.
  explicit ServerVersionCache(std::filesystem::path dir, std::chrono::seconds lifetime = kLifetime)
      : files_(std::move(dir), "dlaunch-ray-server-version-1", ".version", lifetime) {}

  // What `address` answered less than the lifetime before `now`; nothing when absent, expired or damaged.
  std::optional<ServerVersion> load(const std::string& address, Clock::time_point now = Clock::now()) const;
  void save(const std::string& address, const ServerVersion& version, Clock::time_point now = Clock::now()) const;
  void forget(const std::string& address) const { files_.forget(address); }
  std::filesystem::path file(const std::string& address) const { return files_.file(address); }

 private:
  support::AddressCache files_;
};

}  // namespace dlaunch::ray

#endif  // DLAUNCH_RAY_SERVER_VERSION_CACHE_HPP_
