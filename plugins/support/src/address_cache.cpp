#include "dlaunch_support/address_cache.hpp"

#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <fstream>
#include <functional>
#include <thread>

namespace dlaunch::support {
namespace {

int64_t to_ms(AddressCache::Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace

std::filesystem::path AddressCache::file(const std::string& address) const {
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
  return dir_ / (name + suffix_);
}

std::optional<std::string> AddressCache::load(const std::string& address, Clock::time_point now) const {
  if (dir_.empty()) return std::nullopt;
  // "<header>\n<saved, unix ms> <value>\n"
  std::ifstream in(file(address));
  std::string header, value;
  int64_t saved_ms = 0;
  if (!std::getline(in, header) || header != header_ || !(in >> saved_ms) || in.get() != ' ' ||
      !std::getline(in, value) || value.empty()) {
    return std::nullopt;
  }
  int64_t age_ms = to_ms(now) - saved_ms;
  if (age_ms < 0 || age_ms >= std::chrono::duration_cast<std::chrono::milliseconds>(lifetime_).count()) {
    return std::nullopt;
  }
  return value;
}

void AddressCache::save(const std::string& address, const std::string& value, Clock::time_point now) const {
  if (dir_.empty() || value.empty() || value.find_first_of("\r\n") != std::string::npos) return;
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  std::filesystem::path target = file(address);
  std::filesystem::path temporary = target;
  // Two runs at once, or two threads of one (a sweep's submits), each write their own.
  temporary += ".tmp." + std::to_string(::getpid()) + "." +
               std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id()));
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << header_ << '\n' << to_ms(now) << ' ' << value << '\n';
    if (!out.flush()) {
      std::filesystem::remove(temporary, ec);
      return;
    }
  }
  std::filesystem::rename(temporary, target, ec);
}

void AddressCache::forget(const std::string& address) const {
  if (dir_.empty()) return;
  std::error_code ec;
  std::filesystem::remove(file(address), ec);
}

}  // namespace dlaunch::support
