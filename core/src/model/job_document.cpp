#include <dlaunch/core/job_document.hpp>
#include <dlaunch/job_document.hpp>
#include <dlaunch/job_fields.hpp>
#include <dlaunch/plugin.h>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <filesystem>
#include <utility>

#include "model/gpu_share.hpp"
#include "support/json.hpp"

namespace dlaunch {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void write_value(JsonWriter& w, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      w.Null();
      break;
    case Value::Kind::kBool:
      w.Bool(v.as_bool());
      break;
    case Value::Kind::kInteger:
      w.Int64(v.as_integer());
      break;
    case Value::Kind::kFloat:
      w.Double(v.as_number());
      break;
    case Value::Kind::kString:
      w.String(v.as_string().c_str(), static_cast<rapidjson::SizeType>(v.as_string().size()));
      break;
    case Value::Kind::kArray:
      w.StartArray();
      for (const auto& item : v.items()) write_value(w, item);
      w.EndArray();
      break;
    case Value::Kind::kTable:
      w.StartObject();
      for (const auto& m : v.members()) {
        w.Key(m.key.c_str(), static_cast<rapidjson::SizeType>(m.key.size()));
        write_value(w, m.value);
      }
      w.EndObject();
      break;
  }
}

void write_string(JsonWriter& w, const std::string& s) {
  w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
}

std::string absolute_working_dir(const Job& job) {
  std::filesystem::path base = job.spec_file.empty() ? std::filesystem::current_path()
                                                      : std::filesystem::absolute(job.spec_file).parent_path();
  std::string dir = (base / job.working_dir).lexically_normal().string();
  if (dir.size() > 1 && dir.back() == '/') dir.pop_back();  // "spec_dir/." normalizes to "spec_dir/"
  return dir;
}

// The job as the document states it (job_fields.hpp's kinds): defaults are already in the Job; paths become
// absolute, unset values explicit, and "platform" the receiving plugin's options.
struct DocumentContext {
  const Job& job;
  std::string_view options_json;
  bool any_driver;  // some role says driver = true
};

using job_fields::Kind;
using job_fields::KindTag;

template <Kind K, class T>
T to_document(const DocumentContext&, KindTag<K>, const T& value) {
  return value;  // the same in the spec and the document
}
std::string to_document(const DocumentContext& c, KindTag<Kind::kDirectory>, const std::string&) {
  return absolute_working_dir(c.job);
}
std::string to_document(const DocumentContext&, KindTag<Kind::kSpecFile>, const std::string& spec_file) {
  return spec_file.empty() ? std::string() : std::filesystem::absolute(spec_file).string();
}
int64_t to_document(const DocumentContext&, KindTag<Kind::kOptionalInteger>, const std::optional<int64_t>& n) {
  return n.value_or(0);
}
// With no role marked, every role is a driver: the job ends when all have ended.
bool to_document(const DocumentContext& c, KindTag<Kind::kDriver>, const std::optional<bool>& driver) {
  return c.any_driver ? driver.value_or(false) : true;
}
sdk::Options to_document(const DocumentContext& c, KindTag<Kind::kPlatform>, const std::string&) {
  return sdk::Options::parse(c.options_json);
}
std::string to_json_text(const Value& value);
sdk::Options to_document(const DocumentContext&, KindTag<Kind::kConfig>, const Value& config) {
  return config.is_table() ? sdk::Options::parse(to_json_text(config)) : sdk::Options();
}
// Unset, they inherit; write_job writes the inherited value.
int64_t to_document(const DocumentContext&, KindTag<Kind::kMinReplicas>, const std::optional<int64_t>& n) {
  return n.value_or(sdk::detail::kAllReplicas);
}
int64_t to_document(const DocumentContext&, KindTag<Kind::kRoleRestarts>, const std::optional<int64_t>& n) {
  return n.value_or(sdk::detail::kJobRestarts);
}
// A spec's gpu is whole devices or a share of one; the document keeps the whole ones in gpu (an integer, as
// version 1 has it) and a share in gpu_share (below), so no reader can truncate a share to an integer.
int64_t to_document(const DocumentContext&, KindTag<Kind::kGpu>, double gpu) {
  return is_gpu_share(gpu) ? 0 : static_cast<int64_t>(gpu);
}
double to_document(const DocumentContext&, KindTag<Kind::kGpuShare>, job_model::DerivedInDocument) { return 0; }
std::vector<sdk::Colocation> to_document(const DocumentContext&, KindTag<Kind::kColocations>,
                                         const std::vector<Colocation>& in) {
  std::vector<sdk::Colocation> out;
  for (const auto& colocation : in) out.push_back({colocation.roles});
  return out;
}
void to_document(const DocumentContext& c, const Failover& in, sdk::Failover& out);
void to_document(const DocumentContext& c, const Resources& in, sdk::Resources& out);
void to_document(const DocumentContext& c, const Role& in, sdk::Role& out);
sdk::Failover to_document(const DocumentContext& c, KindTag<Kind::kFailover>, const Failover& in) {
  sdk::Failover out;
  to_document(c, in, out);
  return out;
}
sdk::Resources to_document(const DocumentContext& c, KindTag<Kind::kResources>, const Resources& in) {
  sdk::Resources out;
  to_document(c, in, out);
  return out;
}
std::vector<sdk::Role> to_document(const DocumentContext& c, KindTag<Kind::kRoles>, const std::vector<Role>& in) {
  std::vector<sdk::Role> out(in.size());
  for (size_t i = 0; i < in.size(); ++i) to_document(c, in[i], out[i]);
  return out;
}

#define DLAUNCH_TO_DOCUMENT(field, key, kind, def, constraint, since, doc) \
  out.field = to_document(c, KindTag<Kind::kind>{}, in.field);
void to_document(const DocumentContext& c, const Failover& in, sdk::Failover& out) {
  DLAUNCH_FAILOVER_FIELDS(DLAUNCH_TO_DOCUMENT)
}
void to_document(const DocumentContext& c, const Resources& in, sdk::Resources& out) {
  DLAUNCH_RESOURCES_FIELDS(DLAUNCH_TO_DOCUMENT)
  if (is_gpu_share(in.gpu)) out.gpu_share = in.gpu;
}
void to_document(const DocumentContext& c, const Role& in, sdk::Role& out) { DLAUNCH_ROLE_FIELDS(DLAUNCH_TO_DOCUMENT) }
void to_document(const DocumentContext& c, const Job& in, sdk::Job& out) { DLAUNCH_JOB_FIELDS(DLAUNCH_TO_DOCUMENT) }
#undef DLAUNCH_TO_DOCUMENT

std::string to_json_text(const Value& value) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  write_value(w, value);
  return std::string(buffer.GetString(), buffer.GetSize());
}

sdk::Job document_of(const Job& job, const std::string& options_json) {
  DocumentContext context{job, options_json, false};
  for (const auto& role : job.roles) context.any_driver = context.any_driver || role.driver.value_or(false);
  sdk::Job document;
  to_document(context, job, document);
  return document;
}

}  // namespace

std::string to_json(const Value& value) { return to_json_text(value); }

std::string platform_options_json(const Job& job, const std::string& platform_id,
                                  const std::vector<PlatformOption>& declared) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  auto given = job.platform_options.find(platform_id);
  const Value* table = given != job.platform_options.end() ? &given->second : nullptr;
  if (table != nullptr) {
    for (const auto& m : table->members()) {
      write_string(w, m.key);
      write_value(w, m.value);
    }
  }
  for (const auto& option : declared) {
    if (option.default_json.empty() || (table != nullptr && table->find(option.name) != nullptr)) continue;
    write_string(w, option.name);
    w.RawValue(option.default_json.c_str(), option.default_json.size(), rapidjson::kNullType);
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string redacted_options_json(const std::string& options_json, const std::vector<PlatformOption>& declared) {
  rapidjson::Document doc;
  if (!parse_json(doc, options_json).empty() || !doc.IsObject()) return "{}";
  for (const auto& option : declared) {
    auto it = doc.FindMember(option.name.c_str());
    const bool has_value = it != doc.MemberEnd() && !(it->value.IsString() && it->value.GetStringLength() == 0);
    if (option.secret && has_value) it->value.SetString("***");
  }
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  doc.Accept(w);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string job_document(const Job& job, const std::string& options_json) {
  return sdk::write_job(document_of(job, options_json));
}

std::string shown_job_document(const Job& job, const std::string& options_json,
                               const std::vector<PlatformOption>& declared) {
  sdk::Job document = document_of(job, redacted_options_json(options_json, declared));
  sdk::mask_secret_env(document);
  return sdk::write_job(std::move(document));
}

}  // namespace dlaunch
