// What reaches the cluster of a working_dir: the files Ray's own client would ship, and not the ignored ones.
#include "plugin_test_fixture.hpp"

#include <support/process.hpp>

namespace dlaunch::ray_test {
namespace {

using RayPackageUpload = PluginTest;

TEST_F(RayPackageUpload, IgnoredFilesAreNotInTheUploadedPackage) {
  test::TempDir dir;
  dir.write("version.txt", unique_submission_id() + "\n");  // new content: a package the cluster has never seen
  dir.write(".gitignore", "*.ckpt\n");
  dir.write("model.ckpt", "ignored by .gitignore\n");
  dir.write("src/.rayignore", "scratch/\n");
  dir.write("src/scratch/notes.txt", "ignored by src/.rayignore\n");
  dir.write("src/train.py", "print('kept')\n");
  JobSpec spec = job("ignored-files", "find . -type f | sort | sed 's/^/file: /'");
  spec.working_dir = dir.path();

  std::string id = submit(spec);
  EXPECT_TRUE(any_contains(plugin().log_messages(), "uploading")) << "the package is new: it is uploaded";
  EXPECT_EQ(wait_for_end(id, spec).state, DLAUNCH_STATE_SUCCEEDED);
  std::string text = logs(id, spec);
  for (const char* kept : {"file: ./version.txt", "file: ./.gitignore", "file: ./src/train.py",
                           "file: ./src/.rayignore"}) {
    EXPECT_TRUE(contains(text, kept)) << kept << " is missing from:\n" << text;
  }
  EXPECT_FALSE(contains(text, "model.ckpt")) << text;
  EXPECT_FALSE(contains(text, "notes.txt")) << text;
}

}  // namespace
}  // namespace dlaunch::ray_test
