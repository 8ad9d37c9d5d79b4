// Substring checks shared by the Ray tests.
#ifndef DLAUNCH_TESTS_RAY_TEXT_CHECKS_HPP_
#define DLAUNCH_TESTS_RAY_TEXT_CHECKS_HPP_

#include <algorithm>
#include <string>
#include <vector>

namespace dlaunch::ray_test {

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

inline bool any_contains(const std::vector<std::string>& texts, const std::string& part) {
  return std::any_of(texts.begin(), texts.end(), [&](const std::string& t) { return contains(t, part); });
}

}  // namespace dlaunch::ray_test

#endif  // DLAUNCH_TESTS_RAY_TEXT_CHECKS_HPP_
