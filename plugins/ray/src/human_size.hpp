// Byte counts as people read them, for messages.
#ifndef DLAUNCH_RAY_HUMAN_SIZE_HPP_
#define DLAUNCH_RAY_HUMAN_SIZE_HPP_

#include <cstdint>
#include <string>

namespace dlaunch::ray {

// "512.0 KiB", "12.3 MiB", "3.0 GiB".
std::string human_size(uint64_t bytes);

}  // namespace dlaunch::ray

#endif  // DLAUNCH_RAY_HUMAN_SIZE_HPP_
