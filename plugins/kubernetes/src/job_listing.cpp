#include "job_listing.hpp"

#include "job_plan.hpp"
#include "job_status.hpp"
#include "json.hpp"
#include "names.hpp"

#include <cctype>
#include <map>
#include <set>

namespace dlaunch::kubernetes {

std::string submission_label(std::string_view submission_id) {
  if (!submission_id.empty() && !label_value_problem(submission_id)) return std::string(submission_id);
  return "digest-" + short_digest(submission_id);
}

std::string submission_of(const rapidjson::Value& object) {
  std::string id = json::member(json::at(object, "metadata.annotations"), kSubmissionLabel);
  return id.empty() ? json::member(json::at(object, "metadata.labels"), kSubmissionLabel) : id;
}

std::string submissions_selector(const std::vector<std::string_view>& submission_ids) {
  std::set<std::string> values;
  for (auto id : submission_ids) values.insert(submission_label(id));
  std::string selector = std::string(kSubmissionLabel) + " in (";
  for (const auto& value : values) selector += (value == *values.begin() ? "" : ",") + value;
  return selector + ")";
}

std::string selector_query(std::string_view selector) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : selector) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    }
  }
  return out;
}

std::vector<ListedJob> listed_jobs(const std::string& namespace_, Kind kind, const rapidjson::Value& objects,
                                   const rapidjson::Value& pods) {
  rapidjson::Document scratch;  // owns the copies grouped below
  auto& a = scratch.GetAllocator();
  std::map<std::string, std::pair<rapidjson::Value, rapidjson::Value>> jobs;  // base -> (objects, pods)
  auto add = [&](const rapidjson::Value& items, bool is_pod) {
    if (!items.IsArray()) return;
    for (const auto& item : items.GetArray()) {
      std::string base = json::member(json::at(item, "metadata.labels"), kJobLabel);
      if (base.empty()) continue;
      auto [it, inserted] =
          jobs.try_emplace(base, rapidjson::Value(rapidjson::kArrayType), rapidjson::Value(rapidjson::kArrayType));
      (is_pod ? it->second.second : it->second.first).PushBack(rapidjson::Value(item, a), a);
    }
  };
  add(objects, false);
  add(pods, true);
  std::vector<ListedJob> listed;
  for (auto& [base, parts] : jobs) {
    auto& [items, job_pods] = parts;
    if (items.Empty()) continue;
    const std::string id = namespace_ + "/" + base;
    listed.push_back({submission_of(items[0]), kind == Kind::kJob      ? status_of_jobs(id, items, job_pods)
                                               : kind == Kind::kJobSet ? status_of_jobset(id, items[0], job_pods)
                                                                       : status_of_elasticjob(id, items[0], job_pods)});
  }
  return listed;
}

std::vector<ListedJob> services_alone(const std::string& namespace_, const rapidjson::Value& jobs,
                                      const rapidjson::Value& services) {
  std::set<std::string> with_jobs;
  for (const auto& job : jobs.GetArray()) with_jobs.insert(json::member(json::at(job, "metadata.labels"), kJobLabel));
  std::vector<ListedJob> alone;
  for (const auto& service : services.GetArray()) {
    std::string base = json::member(json::at(service, "metadata.labels"), kJobLabel);
    if (base.empty() || with_jobs.contains(base)) continue;
    alone.push_back({submission_of(service), status_of_service_alone(namespace_ + "/" + base, service)});
  }
  return alone;
}

}  // namespace dlaunch::kubernetes
