// Validating spec text as `dlaunch validate` does a file, and assertions on what it said: shared by the unit
// tests of the spec's rules.
#ifndef DLAUNCH_TESTS_SUPPORT_VALIDATION_ASSERTS_HPP_
#define DLAUNCH_TESTS_SUPPORT_VALIDATION_ASSERTS_HPP_

#include <dlaunch/core/validation.hpp>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/process.hpp"

namespace dlaunch::test {

// Every diagnostic of `c`, compiler-style, one per line: the message of a failed expectation.
inline std::string dump(const ValidationContext& c) {
  std::string out;
  for (const auto& d : c.diagnostics) out += format_diagnostic(d) + "\n";
  return out;
}

// The only error, checked to be at `path`, line `line`.
inline Diagnostic only_error(const ValidationContext& c, const std::string& path, unsigned line) {
  std::vector<Diagnostic> errors;
  for (const auto& d : c.diagnostics) {
    if (d.severity == Severity::kError) errors.push_back(d);
  }
  EXPECT_EQ(errors.size(), 1u) << dump(c);
  if (errors.empty()) return {};
  EXPECT_EQ(errors[0].path, path) << dump(c);
  EXPECT_EQ(errors[0].location.line, line) << dump(c);
  return errors[0];
}

// Validates spec text written to job.toml in a fresh directory.
class SpecFileTest : public ::testing::Test {
 protected:
  ValidationContext validate(const std::string& text) {
    ValidationContext context;
    context.spec_file = dir_.write("job.toml", text);
    ValidationPipeline::for_spec_file().run(context);
    return context;
  }

  TempDir dir_;
};

}  // namespace dlaunch::test

#endif  // DLAUNCH_TESTS_SUPPORT_VALIDATION_ASSERTS_HPP_
