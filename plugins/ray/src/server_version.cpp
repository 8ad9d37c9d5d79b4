#include "server_version.hpp"

#include <dlaunch/plugin.hpp>
#include <rapidjson/document.h>

#include <cstdio>

namespace dlaunch::ray {

ServerVersion ServerVersion::parse(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("ray_version") || !doc["ray_version"].IsString()) {
    throw sdk::Error(DLAUNCH_ERR_INTERNAL, "GET /api/version did not answer a Ray version object: " +
                                               std::string(json.substr(0, 200)));
  }
  ServerVersion v;
  v.ray_version = doc["ray_version"].GetString();
  std::sscanf(v.ray_version.c_str(), "%d.%d", &v.ray_major, &v.ray_minor);
  if (auto it = doc.FindMember("version"); it != doc.MemberEnd()) {
    if (it->value.IsString()) v.api_version = std::atoi(it->value.GetString());
    if (it->value.IsInt()) v.api_version = it->value.GetInt();
  }
  return v;
}

ServerVersion ServerVersion::newest() {
  ServerVersion v;
  v.api_version = 4;
  v.ray_version = "2.60.0";
  v.ray_major = 2;
  v.ray_minor = 60;
  return v;
}

}  // namespace dlaunch::ray
