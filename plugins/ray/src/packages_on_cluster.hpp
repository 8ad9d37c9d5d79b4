// The packages this process has seen on (or sent to) a cluster, so that the jobs of a sweep, submitted at once
// from several threads, check for a package they share, and upload it, once rather than once each.
#ifndef DLAUNCH_RAY_PACKAGES_ON_CLUSTER_HPP_
#define DLAUNCH_RAY_PACKAGES_ON_CLUSTER_HPP_

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace dlaunch::ray {

class PackagesOnCluster {
 public:
  // What was seen is trusted for `lifetime`. Ray keeps a package that was just asked for or sent for ten minutes
  // (its temporary reference), whether or not a job holds it, so a minute-old answer is still true; a process
  // that lives longer (dlaunch ui, a Python session) asks again.
  explicit PackagesOnCluster(std::chrono::steady_clock::duration lifetime = std::chrono::minutes(1))
      : lifetime_(lifetime) {}

  // Runs `make_present` (ask the cluster, upload when it lacks the package) unless `package` was made present
  // on `address` within the lifetime. Callers for the same package wait for the one running it, then use its
  // outcome; when it throws, the exception goes to its caller and nothing is remembered, so the next one tries.
  // Returns false when a recent outcome was used and `make_present` did not run.
  bool ensure(const std::string& address, const std::string& package, const std::function<void()>& make_present);

 private:
  struct Seen {
    std::mutex turn;  // held while one caller makes the package present
    bool present = false;
    std::chrono::steady_clock::time_point at;
  };
  std::chrono::steady_clock::duration lifetime_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Seen>> seen_;  // by address and package name
};

}  // namespace dlaunch::ray

#endif  // DLAUNCH_RAY_PACKAGES_ON_CLUSTER_HPP_
