// What every CLI test shares: the built dlaunch run with its own state, config and data directories, and
// spec files written for the test.
#ifndef DLAUNCH_TESTS_CLI_CLI_FIXTURE_HPP_
#define DLAUNCH_TESTS_CLI_CLI_FIXTURE_HPP_

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
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

  // The user's configuration file (XDG_CONFIG_HOME/dlaunch/config.toml), which dlaunch reads when it exists.
  void configure(const std::string& toml) {
    std::filesystem::create_directories(home_.path() + "/config/dlaunch");
    std::ofstream(home_.path() + "/config/dlaunch/config.toml") << toml;
  }

  std::string journal_file() const { return home_.path() + "/state/dlaunch/journal.db"; }

  // Runs SQL on the journal's database with SQLite itself; the rows it returns, a line each, columns
  // separated by '|'. No journal: "". A failure fails the test.
  std::string journal_sql(const std::string& statements) {
    std::string rows;
    if (!std::ifstream(journal_file())) return rows;
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2(journal_file().c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    auto append = [](void* out, int columns, char** values, char**) {
      auto& text = *static_cast<std::string*>(out);
      for (int i = 0; i < columns; ++i) text += std::string(i > 0 ? "|" : "") + (values[i] ? values[i] : "NULL");
      text += "\n";
      return 0;
    };
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, statements.c_str(), append, &rows, &error), SQLITE_OK) << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
    return rows;
  }

  // Every journaled entry as stored, for "the journal was not touched".
  std::string journal_text() { return journal_sql("SELECT * FROM jobs ORDER BY rowid"); }

  test::TempDir home_;
  test::TempDir dir_;
};

inline std::string role(const std::string& name, const std::string& entrypoint, int replicas = 1) {
  return "[[roles]]\nname = \"" + name + "\"\nentrypoint = " + entrypoint + "\nreplicas = " + std::to_string(replicas) +
         "\n";
}

}  // namespace dlaunch

#endif  // DLAUNCH_TESTS_CLI_CLI_FIXTURE_HPP_
