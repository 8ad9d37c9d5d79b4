#include "packages_on_cluster.hpp"

namespace dlaunch::ray {

bool PackagesOnCluster::ensure(const std::string& address, const std::string& package,
                               const std::function<void()>& make_present) {
  std::shared_ptr<Seen> seen;
  {
    std::lock_guard lock(mutex_);
    auto& slot = seen_[address + "\n" + package];
    if (!slot) slot = std::make_shared<Seen>();
    seen = slot;
  }
  std::lock_guard turn(seen->turn);
  const auto now = std::chrono::steady_clock::now();
  if (seen->present && now - seen->at < lifetime_) return false;
  seen->present = false;
  make_present();
  seen->present = true;
  seen->at = now;
  return true;
}

}  // namespace dlaunch::ray
