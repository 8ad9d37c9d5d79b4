// Random hex strings from the kernel's generator: the core's submission and sweep ids, and `dlaunch ui`'s
// access token, use this one.
#ifndef DLAUNCH_CORE_RANDOM_HEX_HPP_
#define DLAUNCH_CORE_RANDOM_HEX_HPP_

#include <cstddef>
#include <string>

namespace dlaunch {

// `bytes` random bytes (at most 256) as 2 x `bytes` lowercase hex digits. From getrandom(2), which cannot
// run out or be missing the way a file under /dev can; throws std::system_error only if the kernel refuses.
std::string random_hex(std::size_t bytes);

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_RANDOM_HEX_HPP_
