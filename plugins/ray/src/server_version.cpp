#include "server_version.hpp"

#include <dlaunch/plugin.hpp>
#include <dlaunch_support/json.hpp>
#include <rapidjson/document.h>

#include <cstdio>

namespace dlaunch::ray {

ServerVersion ServerVersion::parse(std::string_view json, std::string_view address) {
  rapidjson::Document doc;
  const std::string wrong = support::parse_json(doc, json);
  if (!wrong.empty() || !doc.IsObject() || !doc.HasMember("ray_version") || !doc["ray_version"].IsString()) {
    throw sdk::Error(DLAUNCH_ERR_INTERNAL, "Ray at " + std::string(address) +
                                               " did not answer GET /api/version with a Ray version object" +
                                               (wrong.empty() ? "" : " (" + wrong + ")") + ": " +
                                               std::string(json.substr(0, 200)));
  }
  int api_version = 0;
  if (auto it = doc.FindMember("version"); it != doc.MemberEnd()) {
    if (it->value.IsString()) api_version = std::atoi(it->value.GetString());
    if (it->value.IsInt()) api_version = it->value.GetInt();
  }
  return of(api_version, doc["ray_version"].GetString());
}

ServerVersion ServerVersion::of(int api_version, std::string ray_version) {
  ServerVersion v;
  v.api_version = api_version;
  v.ray_version = std::move(ray_version);
  std::sscanf(v.ray_version.c_str(), "%d.%d", &v.ray_major, &v.ray_minor);
  return v;
}

ServerVersion ServerVersion::newest() { return of(4, "2.60.0"); }

}  // namespace dlaunch::ray
