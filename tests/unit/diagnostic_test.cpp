#include <dlaunch/core/diagnostic.hpp>

#include <gtest/gtest.h>

namespace dlaunch {
namespace {

TEST(FormatDiagnostic, LocatedErrorNamesFileLineColumnAndKeyPath) {
  const Diagnostic d{Severity::kError, "roles[0].replicas", {"job.toml", 12, 11},
                     "replicas must be an integer, got float 2.5", ""};
  EXPECT_EQ(format_diagnostic(d),
            "job.toml:12:11: error: replicas must be an integer, got float 2.5 (at roles[0].replicas)");
}

TEST(FormatDiagnostic, HintIsANoteOnASecondLineAtTheSamePlace) {
  const Diagnostic d{Severity::kError, "roles[0].replicsa", {"job.toml", 7, 1}, "unknown key 'replicsa'",
                     "did you mean 'replicas'?"};
  EXPECT_EQ(format_diagnostic(d),
            "job.toml:7:1: error: unknown key 'replicsa' (at roles[0].replicsa)\n"
            "job.toml:7:1: note: did you mean 'replicas'?");
}

TEST(FormatDiagnostic, WarningsSayWarning) {
  const Diagnostic d{Severity::kWarning, "", {"job.json", 1, 2}, "something odd", ""};
  EXPECT_EQ(format_diagnostic(d), "job.json:1:2: warning: something odd");
}

TEST(FormatDiagnostic, KeyPathTakesThePlaceOfAnUnknownLocation) {
  const Diagnostic d{Severity::kError, "roles[1].replicas", {}, "replicas must be at least 1", "set it to 1 or more"};
  EXPECT_EQ(format_diagnostic(d),
            "roles[1].replicas: error: replicas must be at least 1\n"
            "roles[1].replicas: note: set it to 1 or more");
}

TEST(FormatDiagnostic, FileWithoutLineIsStillNamed) {
  const Diagnostic d{Severity::kError, "", {"job.toml", 0, 0}, "is empty", ""};
  EXPECT_EQ(format_diagnostic(d), "job.toml: error: is empty");
}

TEST(FormatDiagnostic, NothingKnownIsJustTheMessage) {
  const Diagnostic d{Severity::kError, "", {}, "cannot read job spec 'x.toml': No such file or directory", ""};
  EXPECT_EQ(format_diagnostic(d), "error: cannot read job spec 'x.toml': No such file or directory");
}

TEST(HasErrors, WarningsAloneAreNotErrors) {
  Diagnostics diagnostics;
  EXPECT_FALSE(has_errors(diagnostics));
  diagnostics.push_back(Diagnostic{Severity::kWarning, "", {}, "w", ""});
  EXPECT_FALSE(has_errors(diagnostics));
  diagnostics.push_back(Diagnostic{Severity::kError, "", {}, "e", ""});
  EXPECT_TRUE(has_errors(diagnostics));
}

}  // namespace
}  // namespace dlaunch
