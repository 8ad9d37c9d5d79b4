// random_hex: the one generator behind submission ids, sweep ids and `dlaunch ui`'s token.
#include <dlaunch/core/random_hex.hpp>

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>

namespace dlaunch {
namespace {

TEST(RandomHex, IsTwoLowercaseHexDigitsPerByte) {
  for (size_t bytes : {0, 1, 6, 16, 256}) {
    const std::string hex = random_hex(bytes);
    EXPECT_EQ(hex.size(), 2 * bytes);
    EXPECT_EQ(hex.find_first_not_of("0123456789abcdef"), std::string::npos) << hex;
  }
}

// 16 bytes drawn 100 times: a generator that repeats itself, or reads nothing and writes zeros, shows here.
TEST(RandomHex, NeverRepeats) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(random_hex(16));
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_EQ(seen.count(std::string(32, '0')), 0u);
}

TEST(RandomHex, RefusesMoreThanOneCallOfTheKernelGives) { EXPECT_THROW(random_hex(257), std::invalid_argument); }

}  // namespace
}  // namespace dlaunch
