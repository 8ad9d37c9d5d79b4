#include "ray_cluster.hpp"

#include <dlaunch_support/http_client.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#ifndef DLAUNCH_TEST_RAY_STATE
#error "tests/ray/CMakeLists.txt defines the clusters' state directories"
#endif

namespace dlaunch::ray_test {
namespace {

support::HttpResponse exchange(const Cluster& cluster, const std::string& method, const std::string& path,
                               const std::string& body = {}) {
  support::HttpRequest request;
  request.method = method;
  request.url = cluster.address + path;
  request.body = body;
  request.content_type = "application/json";
  if (!cluster.token_file.empty()) request.headers.emplace_back("Authorization", "Bearer " + cluster.token());
  return support::HttpClient().send(request);
}

// The dashboard URL that scripts/ray-cluster.sh start wrote into the state directory (it picks free ports),
// or "" when no cluster was started there.
std::string recorded_address(const std::string& state) {
  std::ifstream in(state + "/address");
  std::string address;
  in >> address;
  return address;
}

}  // namespace

std::string Cluster::token() const {
  std::ifstream in(token_file);
  std::string token;
  in >> token;
  return token;
}

Cluster plain_cluster() { return Cluster{recorded_address(DLAUNCH_TEST_RAY_STATE), "", DLAUNCH_TEST_RAY_STATE}; }

Cluster token_cluster() {
  return Cluster{recorded_address(DLAUNCH_TEST_RAY_TOKEN_STATE), DLAUNCH_TEST_RAY_TOKEN_STATE "/auth_token",
                 DLAUNCH_TEST_RAY_TOKEN_STATE};
}

std::optional<std::string> unavailable_reason(const Cluster& cluster) {
  if (cluster.address.empty()) {
    return "no Ray cluster recorded in " + cluster.state + "/address; start it with scripts/ray-cluster.sh start "
           "(DLAUNCH_RAY_STATE=" + cluster.state + "), or run the tests with ctest -L ray";
  }
  auto response = exchange(cluster, "GET", "/api/version");
  if (response.ok()) return std::nullopt;
  std::string why = response.transport_failed() ? response.transport_error : "HTTP " + std::to_string(response.status);
  return "no Ray dashboard at " + cluster.address + " (" + why +
         "); start it with scripts/ray-cluster.sh start, or run the tests with ctest -L ray";
}

rapidjson::Document RayRest::get(const std::string& path) const {
  auto response = exchange(cluster_, "GET", path);
  rapidjson::Document doc;
  if (response.ok()) doc.Parse(response.body.c_str());
  return doc;
}

std::string RayRest::submit(const std::string& body) const {
  auto response = exchange(cluster_, "POST", "/api/jobs/", body);
  rapidjson::Document doc;
  doc.Parse(response.body.c_str());
  return doc.IsObject() && doc.HasMember("submission_id") ? doc["submission_id"].GetString() : "";
}

int RayRest::count_jobs(const std::string& submission_id) const {
  rapidjson::Document jobs = get("/api/jobs/");
  int count = 0;
  if (!jobs.IsArray()) return -1;
  for (const auto& job : jobs.GetArray()) {
    auto it = job.FindMember("submission_id");
    if (it != job.MemberEnd() && it->value.IsString() && submission_id == it->value.GetString()) ++count;
  }
  return count;
}

rapidjson::Document RayRest::wait_until_terminal(const std::string& submission_id, std::chrono::seconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    rapidjson::Document job = get("/api/jobs/" + submission_id);
    if (job.IsObject()) {
      std::string status = job["status"].GetString();
      if (status == "SUCCEEDED" || status == "FAILED" || status == "STOPPED") return job;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      ADD_FAILURE() << "job " << submission_id << " not terminal after " << timeout.count() << " s";
      return job;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
}

}  // namespace dlaunch::ray_test
