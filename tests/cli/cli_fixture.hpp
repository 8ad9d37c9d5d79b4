// What every CLI test shares: the built dlaunch run with its own state, config and data directories, and
// spec files written for the test.
#ifndef DLAUNCH_TESTS_CLI_CLI_FIXTURE_HPP_
#define DLAUNCH_TESTS_CLI_CLI_FIXTURE_HPP_

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace dlaunch {

class CliTest : public ::testing::Test {
 protected:
  std::map<std::string, std::string> environment() const {
    return {{"XDG_STATE_HOME", home_.path() + "/state"},
            {"XDG_CONFIG_HOME", home_.path() + "/config"},
            {"XDG_DATA_HOME", home_.path() + "/data"},
            {"DLAUNCH_PLUGIN_PATH", ""},
            {"DLAUNCH", test::dlaunch_binary()}};
  }

  // `input`, when given, is dlaunch's stdin.
  test::ProcessResult dlaunch(const std::vector<std::string>& args, const std::string& input = "") {
    test::ProcessOptions options;
    options.env = environment();
    options.input = input;
    options.timeout = std::chrono::seconds(60);
    return test::run_dlaunch(args, options);
  }

  // A shell command line, as a script would write it; $DLAUNCH is the built binary.
  test::ProcessResult shell(const std::string& command) {
    test::ProcessOptions options;
    options.env = environment();
    options.working_dir = dir_.path();
    options.timeout = std::chrono::seconds(60);
    return test::run_process({"/bin/sh", "-c", command}, options);
  }

  std::string spec(const std::string& name, const std::string& text) { return dir_.write(name, text); }

  std::string journal_text() {
    std::ifstream in(home_.path() + "/state/dlaunch/journal.json");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  test::TempDir home_;
  test::TempDir dir_;
};

inline std::string role(const std::string& name, const std::string& entrypoint, int replicas = 1) {
  return "[[roles]]\nname = \"" + name + "\"\nentrypoint = " + entrypoint + "\nreplicas = " + std::to_string(replicas) +
         "\n";
}

}  // namespace dlaunch

#endif  // DLAUNCH_TESTS_CLI_CLI_FIXTURE_HPP_
