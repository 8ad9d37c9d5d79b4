// What a server said about itself (its version, the API version chosen with it), kept per address between
// runs for a short while: a later command to a server seen recently sends its request without asking first,
// one round trip in the common case. The lifetime is short because a server may be upgraded behind the same
// address; a caller also forgets the entry when the server answers in a way a wrong version would explain.
// Used by the ray plugin (server versions) and the slurm plugin (the REST API version).
#ifndef DLAUNCH_SUPPORT_ADDRESS_CACHE_HPP_
#define DLAUNCH_SUPPORT_ADDRESS_CACHE_HPP_

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace dlaunch::support {

class AddressCache {
 public:
  using Clock = std::chrono::system_clock;

  // One small file per address in `dir`, named <address escaped><suffix>, starting with `header` (a format
  // name: a file of another format is not read). An empty dir caches nothing.
  AddressCache(std::filesystem::path dir, std::string header, std::string suffix, std::chrono::seconds lifetime)
      : dir_(std::move(dir)), header_(std::move(header)), suffix_(std::move(suffix)), lifetime_(lifetime) {}

  // The value saved for `address` less than the lifetime before `now`. Nothing when absent, expired, written
  // "in the future" (a clock that went back) or damaged: then the caller asks the server.
  std::optional<std::string> load(const std::string& address, Clock::time_point now = Clock::now()) const;
  // `value` is one line. Errors are ignored: a cache is only a shortcut.
  void save(const std::string& address, const std::string& value, Clock::time_point now = Clock::now()) const;
  void forget(const std::string& address) const;

  // The file of `address`: the address itself with every byte outside [A-Za-z0-9.-] as %XX (one file per
  // address, readable when debugging).
  std::filesystem::path file(const std::string& address) const;

 private:
  std::filesystem::path dir_;
  std::string header_;
  std::string suffix_;
  std::chrono::seconds lifetime_;
};

}  // namespace dlaunch::support

#endif  // DLAUNCH_SUPPORT_ADDRESS_CACHE_HPP_
