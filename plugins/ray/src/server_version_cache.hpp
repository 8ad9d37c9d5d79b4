// The server version of each Ray address, kept between runs for a short while: a submit to a cluster seen
// recently then sends its job (and its packages) without asking GET /api/version first, one round trip in
// the common case. The lifetime is short because a cluster may be upgraded behind the same address; the
// submit path also asks again when the server rejects a body that a wrong version would explain.
#ifndef DLAUNCH_RAY_SERVER_VERSION_CACHE_HPP_
#define DLAUNCH_RAY_SERVER_VERSION_CACHE_HPP_

#include "server_version.hpp"

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace dlaunch::ray {

class ServerVersionCache {
 public:
  using Clock = std::chrono::system_clock;
  static constexpr std::chrono::seconds kLifetime{600};

  // One small file per address in `dir`; an empty dir caches nothing.
  explicit ServerVersionCache(std::filesystem::path dir, std::chrono::seconds lifetime = kLifetime)
      : dir_(std::move(dir)), lifetime_(lifetime) {}

  // What `address` answered less than the lifetime before `now`. Nothing when absent, expired, written
  // "in the future" (a clock that went back) or damaged: then the caller asks the server.
  std::optional<ServerVersion> load(const std::string& address, Clock::time_point now = Clock::now()) const;
  // Errors are ignored: a cache is only a shortcut.
  void save(const std::string& address, const ServerVersion& version, Clock::time_point now = Clock::now()) const;
  void forget(const std::string& address) const;

  // The file of `address`: the address itself with every byte outside [A-Za-z0-9.-] as %XX (one file per
  // address, readable when debugging).
  std::filesystem::path file(const std::string& address) const;

 private:
  std::filesystem::path dir_;
  std::chrono::seconds lifetime_;
};

}  // namespace dlaunch::ray

#endif  // DLAUNCH_RAY_SERVER_VERSION_CACHE_HPP_
