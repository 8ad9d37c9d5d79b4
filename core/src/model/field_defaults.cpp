#include "model/field_defaults.hpp"

#include <dlaunch/core/job.hpp>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace dlaunch {
namespace {

std::string json_of(int64_t n) { return std::to_string(n); }
std::string json_of(double x) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.Double(x);
  return buffer.GetString();
}
std::string json_of(const std::string& s) {
  if (s.empty()) return {};
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
  return buffer.GetString();
}
template <class T>
std::string json_of(const T&) {
  return {};  // tables, lists, unset values: nothing to show
}

#define DLAUNCH_DEFAULT_OF(field, key, kind, def, constraint, since, doc) \
  if (member == #field) return json_of(defaults.field);

std::string default_of(const Failover& defaults, std::string_view member) {
  DLAUNCH_FAILOVER_FIELDS(DLAUNCH_DEFAULT_OF)
  return {};
}
std::string default_of(const Resources& defaults, std::string_view member) {
  DLAUNCH_RESOURCES_FIELDS(DLAUNCH_DEFAULT_OF)
  return {};
}
std::string default_of(const Role& defaults, std::string_view member) {
  DLAUNCH_ROLE_FIELDS(DLAUNCH_DEFAULT_OF)
  return {};
}
std::string default_of(const Job& defaults, std::string_view member) {
  DLAUNCH_JOB_FIELDS(DLAUNCH_DEFAULT_OF)
  return {};
}
#undef DLAUNCH_DEFAULT_OF

}  // namespace

std::string default_json(std::span<const job_fields::Field> table, const job_fields::Field& field) {
  if (table.data() == job_fields::kFailoverFields.data()) return default_of(Failover{}, field.member);
  if (table.data() == job_fields::kResourcesFields.data()) return default_of(Resources{}, field.member);
  if (table.data() == job_fields::kRoleFields.data()) return default_of(Role{}, field.member);
  return default_of(Job{}, field.member);
}

}  // namespace dlaunch
