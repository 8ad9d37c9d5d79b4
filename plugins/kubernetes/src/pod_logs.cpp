#include "pod_logs.hpp"

#include "job_plan.hpp"
#include "json.hpp"
#include "job_status.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace dlaunch::kubernetes {
namespace {

using Clock = std::chrono::steady_clock;

// How long a terminated pod's log stream may go on: a kubelet ends it when the container ends; this bounds
// one that does not.
constexpr std::chrono::seconds kDrainAfterExit{2};
constexpr int kWatchSeconds = 10;  // each watch ends after this long, and the job's state is read again

std::string pods_path(const std::string& namespace_, const std::string& selector) {
  return "/api/v1/namespaces/" + namespace_ + "/pods?labelSelector=" + selector;
}

std::string log_path(const std::string& namespace_, const std::string& pod, bool follow) {
  return "/api/v1/namespaces/" + namespace_ + "/pods/" + pod + "/log?container=" + kContainerName +
         (follow ? "&follow=true" : "");
}

bool container_started(const json::Value& pod) {
  std::string phase = json::text(pod, "status.phase");
  if (phase == "Running" || phase == "Succeeded" || phase == "Failed") return true;
  const auto& statuses = json::at(pod, "status.containerStatuses");
  if (!statuses.IsArray()) return false;
  return std::any_of(statuses.Begin(), statuses.End(), [](const json::Value& c) {
    return json::at(c, "state.running").IsObject() || json::at(c, "state.terminated").IsObject();
  });
}

// One pod's log stream in its own thread.
struct Follower {
  std::thread thread;
  std::atomic<bool> finished{false};
  std::atomic<int64_t> stop_at_ms{0};  // steady-clock ms after which the stream is cut; 0 = never
};

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count();
}

}  // namespace

std::vector<PodRef> pods_in_rank_order(const json::Value& items) {
  struct Sortable {
    PodRef ref;
    std::string role;
    int64_t rank;
    std::string created;
  };
  std::vector<Sortable> pods;
  if (!items.IsArray()) return {};
  for (const auto& pod : items.GetArray()) {
    const auto& labels = json::at(pod, "metadata.labels");
    std::string role = json::member(labels, kRoleLabel);
    std::string rank = json::member(json::at(pod, "metadata.annotations"), kCompletionIndexAnnotation);
    Sortable s{PodRef{json::text(pod, "metadata.name"), "[" + role + "/" + (rank.empty() ? "?" : rank) + "] ",
                      json::text(pod, "status.phase"), container_started(pod)},
               role, rank.empty() ? -1 : std::atoll(rank.c_str()), json::text(pod, "metadata.creationTimestamp")};
    pods.push_back(std::move(s));
  }
  std::stable_sort(pods.begin(), pods.end(), [](const Sortable& a, const Sortable& b) {
    return std::tie(a.role, a.rank, a.created) < std::tie(b.role, b.rank, b.created);
  });
  std::vector<PodRef> out;
  for (auto& s : pods) out.push_back(std::move(s.ref));
  return out;
}

std::string prefixed_lines(std::string_view data, const std::string& prefix, std::string& partial) {
  partial.append(data);
  std::string out;
  size_t start = 0;
  for (size_t newline; (newline = partial.find('\n', start)) != std::string::npos; start = newline + 1) {
    out += prefix;
    out.append(partial, start, newline + 1 - start);
  }
  partial.erase(0, start);
  return out;
}

void write_logs(const ApiClient& client, const std::string& namespace_, const std::string& selector,
                const sdk::TextOut& out) {
  rapidjson::Document pods = client.get(pods_path(namespace_, selector));
  for (const auto& pod : pods_in_rank_order(json::at(pods, "items"))) {
    if (!pod.started) continue;
    auto response = client.call("GET", log_path(namespace_, pod.name, false), {}, {400, 404});
    if (!response.ok()) continue;  // the pod went, or its container is not there yet
    std::string partial;
    std::string text = prefixed_lines(response.body, pod.prefix, partial);
    if (!partial.empty()) text += pod.prefix + partial + "\n";
    if (!out.write(text)) return;
  }
}

void follow_logs(const ApiClient& client, const std::string& namespace_, const std::string& selector,
                 const std::function<bool()>& job_terminal, const sdk::Host& host, const sdk::TextOut& out) {
  std::mutex out_mutex;
  std::atomic<bool> reader_gone{false};
  std::atomic<bool> quitting{false};
  std::map<std::string, std::unique_ptr<Follower>> followers;
  std::string first_error;
  std::mutex error_mutex;

  auto start = [&](const PodRef& pod) {
    auto follower = std::make_unique<Follower>();
    Follower* f = follower.get();
    f->thread = std::thread([&, f, pod] {
      std::string partial;
      auto write = [&](const std::string& text) {
        std::lock_guard<std::mutex> lock(out_mutex);
        if (!reader_gone && !text.empty() && !out.write(text)) reader_gone = true;
        return !reader_gone.load();
      };
      auto stop = [&] {
        int64_t at = f->stop_at_ms.load();
        return quitting.load() || reader_gone.load() || (at != 0 && now_ms() >= at);
      };
      try {
        client.stream(log_path(namespace_, pod.name, true),
                      [&](std::string_view data) { return write(prefixed_lines(data, pod.prefix, partial)); }, stop);
      } catch (const sdk::Error& e) {
        // A pod deleted under us (stop, a restart) ends its stream; anything else is reported at the end.
        if (e.code() != DLAUNCH_ERR_NOT_FOUND && e.code() != DLAUNCH_ERR_INVALID_ARGUMENT) {
          std::lock_guard<std::mutex> lock(error_mutex);
          if (first_error.empty()) first_error = e.what();
        }
      }
      if (!partial.empty()) write(pod.prefix + partial + "\n");
      f->finished = true;
    });
    followers.emplace(pod.name, std::move(follower));
  };
  auto finish = [&] {
    quitting = true;
    for (auto& [name, f] : followers) f->thread.join();
    followers.clear();
  };

  try {
    while (!reader_gone) {
      host.check_cancelled();
      rapidjson::Document pods = client.get(pods_path(namespace_, selector));
      std::map<std::string, bool> present;
      for (const auto& pod : pods_in_rank_order(json::at(pods, "items"))) {
        present[pod.name] = true;
        auto it = followers.find(pod.name);
        if (it == followers.end()) {
          if (pod.started) start(pod);
          continue;
        }
        if ((pod.phase == "Succeeded" || pod.phase == "Failed") && it->second->stop_at_ms == 0) {
          it->second->stop_at_ms = now_ms() + std::chrono::milliseconds(kDrainAfterExit).count();
        }
      }
      for (auto& [name, f] : followers) {
        if (!present.contains(name)) f->stop_at_ms = now_ms();  // deleted: nothing more will come
      }
      bool all_done =
          std::all_of(followers.begin(), followers.end(), [](const auto& f) { return f.second->finished.load(); });
      if (all_done && job_terminal()) break;
      // Wait for the next change of any pod of the job, or for the last stream to end.
      std::string version = json::text(pods, "metadata.resourceVersion");
      auto streams_ended = [&] {
        return std::all_of(followers.begin(), followers.end(), [](const auto& f) { return f.second->finished.load(); });
      };
      client.watch(pods_path(namespace_, selector) + "&watch=1&resourceVersion=" + version +
                       "&timeoutSeconds=" + std::to_string(kWatchSeconds),
                   [](std::string_view, const json::Value&) { return false; },
                   [&] { return reader_gone.load() || (!all_done && streams_ended()); });
    }
  } catch (...) {
    finish();
    throw;
  }
  finish();
  if (!first_error.empty() && !reader_gone) host.warn("following the logs: " + first_error);
}

}  // namespace dlaunch::kubernetes
