// Test support for the secrets tests of every platform: what commands printed, kept under their names, and a
// search of it and of every file under a state directory for a secret.
#ifndef DLAUNCH_TESTS_SUPPORT_SECRET_SEARCH_HPP_
#define DLAUNCH_TESTS_SUPPORT_SECRET_SEARCH_HPP_

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dlaunch::test {

class PrintedOutput {
 public:
  // Keeps `text` (a command's stdout and stderr) under `what` (its name, never its arguments, which may hold
  // the secret).
  void add(std::string what, std::string text) { printed_.emplace_back(std::move(what), std::move(text)); }
  const std::string& last_name() const { return printed_.back().first; }
  const std::string& last_text() const { return printed_.back().second; }

  // Fails the test for each command that printed `secret`, and when nothing was kept (a search of nothing).
  void expect_none_printed(std::string_view secret) const {
    ASSERT_FALSE(printed_.empty()) << "no command's output was kept";
    for (const auto& [what, text] : printed_) {
      EXPECT_EQ(text.find(secret), std::string::npos) << what << " printed the token:\n" << text;
    }
  }

 private:
  std::vector<std::pair<std::string, std::string>> printed_;
};

// Fails the test for every regular file under `directory` whose bytes hold `secret`.
inline void expect_no_file_holds(const std::filesystem::path& directory, std::string_view secret) {
  for (const auto& entry : std::filesystem::recursive_directory_iterator(directory)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    EXPECT_EQ(bytes.str().find(secret), std::string::npos) << "the token is in " << entry.path();
  }
}

}  // namespace dlaunch::test

#endif  // DLAUNCH_TESTS_SUPPORT_SECRET_SEARCH_HPP_
