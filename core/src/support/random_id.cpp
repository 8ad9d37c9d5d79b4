#include "support/random_id.hpp"

#include <sys/random.h>

#include <array>
#include <cerrno>
#include <stdexcept>
#include <system_error>

namespace dlaunch {

std::string random_hex(std::size_t bytes) {
  // getrandom(2) fills up to 256 bytes in one call once the pool is ready; it may still be interrupted.
  std::array<unsigned char, 256> random{};
  if (bytes > random.size()) throw std::invalid_argument("random_hex: at most 256 bytes");
  std::size_t filled = 0;
  while (filled < bytes) {
    const ssize_t got = ::getrandom(random.data() + filled, bytes - filled, 0);
    if (got < 0 && errno != EINTR) throw std::system_error(errno, std::generic_category(), "getrandom");
    if (got > 0) filled += static_cast<std::size_t>(got);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * bytes);
  for (std::size_t i = 0; i < bytes; ++i) {
    out += kHex[random[i] >> 4];
    out += kHex[random[i] & 15];
  }
  return out;
}

std::string random_suffix() { return random_hex(6); }

}  // namespace dlaunch
