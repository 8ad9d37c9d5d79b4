// The per-address cache of Ray server versions (server_version_cache.hpp): what it keeps, for how long, and
// that a refresh replaces what it held.
#include "server_version_cache.hpp"

#include <gtest/gtest.h>
#include <support/process.hpp>

#include <fstream>

namespace dlaunch::ray {
namespace {

using namespace std::chrono_literals;
using Clock = ServerVersionCache::Clock;

const std::string kAddress = "http://127.0.0.1:8265";

TEST(RayServerVersionCache, KeepsAVersionForItsLifetimeOnly) {
  test::TempDir dir;
  ServerVersionCache cache(dir.path(), 600s);
  Clock::time_point saved = Clock::now();
  EXPECT_FALSE(cache.load(kAddress, saved)) << "nothing saved yet";
  cache.save(kAddress, ServerVersion::of(4, "2.50.1"), saved);
  std::optional<ServerVersion> fresh = cache.load(kAddress, saved + 599s);
  ASSERT_TRUE(fresh);
  EXPECT_EQ(*fresh, ServerVersion::of(4, "2.50.1"));
  EXPECT_EQ(fresh->ray_minor, 50);
  EXPECT_FALSE(cache.load(kAddress, saved + 600s)) << "expired";
  EXPECT_FALSE(cache.load(kAddress, saved - 1s)) << "saved in the future: the clock went back";
  EXPECT_FALSE(cache.load("http://127.0.0.1:8266", saved)) << "another address";
}

TEST(RayServerVersionCache, ARefreshReplacesTheVersionAndForgetDropsIt) {
  test::TempDir dir;
  ServerVersionCache cache(dir.path());
  Clock::time_point now = Clock::now();
  cache.save(kAddress, ServerVersion::of(3, "2.5.0"), now - 300s);
  cache.save(kAddress, ServerVersion::of(4, "2.50.1"), now);  // the server was upgraded, and asked again
  EXPECT_EQ(cache.load(kAddress, now + 400s), ServerVersion::of(4, "2.50.1")) << "the refresh restarts its lifetime";
  cache.forget(kAddress);
  EXPECT_FALSE(cache.load(kAddress, now));
}

TEST(RayServerVersionCache, DamagedFilesAndNoDirectoryMeanAsking) {
  test::TempDir dir;
  ServerVersionCache cache(dir.path());
  std::ofstream(cache.file(kAddress)) << "dlaunch-ray-server-version-1\nnot numbers\n";
  EXPECT_FALSE(cache.load(kAddress));
  ServerVersionCache nowhere("");
  nowhere.save(kAddress, ServerVersion::of(4, "2.50.1"));
  EXPECT_FALSE(nowhere.load(kAddress));
}

TEST(RayServerVersionCache, OneFilePerAddressEvenWhenTheyDifferOnlyInPunctuation) {
  ServerVersionCache cache("/state");
  EXPECT_NE(cache.file("http://a.b:1"), cache.file("http://a_b:1"));
  EXPECT_EQ(cache.file("http://a.b:1").parent_path(), "/state");
}

}  // namespace
}  // namespace dlaunch::ray
