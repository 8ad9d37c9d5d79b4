#include "gang_wait.hpp"

#include "package.hpp"  // human_size

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <utility>
#include <vector>

namespace dlaunch::ray {
namespace {

// {CPU: 1, GPU: 1, memory: 256.0 MiB}, the way the gang driver writes it in the job's log.
std::string resources_text(const rapidjson::Value& resources) {
  std::map<std::string, double> sorted;
  for (const auto& m : resources.GetObject()) {
    if (m.value.IsNumber()) sorted[m.name.GetString()] = m.value.GetDouble();
  }
  std::string text;
  for (const auto& [name, amount] : sorted) {
    if (!text.empty()) text += ", ";
    char number[32];
    if (name == "memory") {
      std::snprintf(number, sizeof number, "%s", human_size(static_cast<uintmax_t>(amount)).c_str());
    } else if (amount == std::floor(amount)) {
      std::snprintf(number, sizeof number, "%.0f", amount);
    } else {
      std::snprintf(number, sizeof number, "%g", amount);
    }
    text += name + ": " + number;
  }
  return "{" + text + "}";
}

const rapidjson::Value* member(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(name);
  return it != object.MemberEnd() ? &it->value : nullptr;
}

}  // namespace

std::string placement_groups_path(const std::string& job_id) {
  return "/api/v0/placement_groups?detail=1&limit=1000&filter_keys=creator_job_id&filter_predicates=%3D&"
         "filter_values=" + job_id;
}

std::string waiting_for(const rapidjson::Value& answer) {
  // {"result": true, "data": {"result": {"result": [placement group, ...], ...}}}
  const rapidjson::Value* groups = member(answer, "data");
  if (groups != nullptr) groups = member(*groups, "result");
  if (groups != nullptr) groups = member(*groups, "result");
  if (groups == nullptr || !groups->IsArray()) return {};
  // Bundles in the order Ray lists them, counted: 2 × {CPU: 1} + 1 × {CPU: 2}.
  std::vector<std::pair<std::string, int>> wanted;
  for (const auto& group : groups->GetArray()) {
    const rapidjson::Value* state = member(group, "state");
    const rapidjson::Value* bundles = member(group, "bundles");
    if (state == nullptr || !state->IsString() || std::string_view(state->GetString()) != "PENDING") continue;
    if (bundles == nullptr || !bundles->IsArray()) continue;
    for (const auto& bundle : bundles->GetArray()) {
      const rapidjson::Value* resources = member(bundle, "unit_resources");
      if (resources == nullptr || !resources->IsObject()) continue;
      std::string text = resources_text(*resources);
      auto same = std::find_if(wanted.begin(), wanted.end(), [&](const auto& w) { return w.first == text; });
      if (same != wanted.end()) {
        ++same->second;
      } else {
        wanted.emplace_back(text, 1);
      }
    }
  }
  std::string text;
  for (const auto& [resources, count] : wanted) {
    text += (text.empty() ? "waiting for " : " + ") + std::to_string(count) + " × " + resources;
  }
  return text;
}

}  // namespace dlaunch::ray
