// PackagesOnCluster (packages_on_cluster.hpp): the jobs of a sweep, submitted at once from several threads,
// make a shared package present once; a failure is not remembered; what was seen expires.
#include "packages_on_cluster.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

namespace dlaunch::ray {
namespace {

using namespace std::chrono_literals;

TEST(RayPackagesOnCluster, ThreadsSharingAPackageMakeItPresentOnce) {
  PackagesOnCluster packages;
  std::atomic<int> made{0}, other{0};
  std::vector<std::jthread> submits;
  for (int i = 0; i < 8; ++i) {
    submits.emplace_back([&] {
      packages.ensure("http://ray:8265", "_ray_pkg_a.zip", [&] {
        std::this_thread::sleep_for(20ms);  // the others arrive while the first asks the cluster
        ++made;
      });
    });
  }
  submits.clear();  // joins
  EXPECT_EQ(made, 1);
  packages.ensure("http://ray:8265", "_ray_pkg_b.zip", [&] { ++other; });  // another package
  packages.ensure("http://other:8265", "_ray_pkg_a.zip", [&] { ++other; });  // another cluster
  EXPECT_EQ(other, 2);
}

TEST(RayPackagesOnCluster, AFailureIsPassedOnAndTheNextCallerTriesAgain) {
  PackagesOnCluster packages;
  EXPECT_THROW(packages.ensure("a", "p", [] { throw std::runtime_error("upload refused"); }), std::runtime_error);
  int made = 0;
  EXPECT_TRUE(packages.ensure("a", "p", [&] { ++made; })) << "the failed call left nothing remembered";
  EXPECT_FALSE(packages.ensure("a", "p", [&] { ++made; })) << "the second call uses the first one's answer";
  EXPECT_EQ(made, 1);
}

TEST(RayPackagesOnCluster, WhatWasSeenExpires) {
  PackagesOnCluster packages(0s);  // nothing is trusted: every caller asks
  int made = 0;
  packages.ensure("a", "p", [&] { ++made; });
  packages.ensure("a", "p", [&] { ++made; });
  EXPECT_EQ(made, 2);
}

}  // namespace
}  // namespace dlaunch::ray
