// Random ids for submissions and sweeps.
#ifndef DLAUNCH_CORE_SRC_SUPPORT_RANDOM_ID_HPP_
#define DLAUNCH_CORE_SRC_SUPPORT_RANDOM_ID_HPP_

#include <dlaunch/core/random_hex.hpp>

#include <string>

namespace dlaunch {

// 12 random hex digits: enough that two submissions (or two sweeps) never share an id.
std::string random_suffix();

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_SRC_SUPPORT_RANDOM_ID_HPP_
