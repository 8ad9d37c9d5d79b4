#include "support/paths.hpp"
#include "support/regular_file.hpp"
#include <dlaunch/core/plugin_catalog.hpp>
#include <dlaunch/plugin.h>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <sstream>
#include <utility>

namespace dlaunch {
namespace {

// Version 2 adds "options"; version 1 manifests are still read (their options come from loading the plugin).
constexpr int kOldestManifestVersion = 1;
constexpr int kManifestVersion = 2;

bool is_platform_id(const std::string& id) {
  if (id.empty() || id.size() > 63) return false;
  return std::all_of(id.begin(), id.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

// Option names are written as bare TOML keys, so they are limited to what a bare key may hold.
bool is_option_name(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

std::string to_json_text(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return buffer.GetString();
}

// The "options" array of a version 2 manifest: what dlaunch_add_plugin wrote from the plugin's options.json.
std::expected<std::vector<PlatformOption>, std::string> read_options(const rapidjson::Value& doc) {
  auto member = doc.FindMember("options");
  if (member == doc.MemberEnd() || !member->value.IsArray()) {
    return std::unexpected("manifest_version 2 needs an \"options\" array (empty when the plugin takes none)");
  }
  std::vector<PlatformOption> options;
  std::set<std::string> names;
  for (const auto& item : member->value.GetArray()) {
    const std::string where = "options[" + std::to_string(options.size()) + "]";
    if (!item.IsObject()) return std::unexpected(where + " must be an object");
    auto field = [&](const char* key) -> const rapidjson::Value* {
      auto it = item.FindMember(key);
      return it == item.MemberEnd() ? nullptr : &it->value;
    };
    PlatformOption option;
    const rapidjson::Value* name = field("name");
    option.name = name != nullptr && name->IsString() ? name->GetString() : "";
    if (!is_option_name(option.name)) {
      return std::unexpected(where + ": \"name\" must be a non-empty string of A-Z, a-z, 0-9, '_' and '-'");
    }
    if (!names.insert(option.name).second) return std::unexpected(where + ": option '" + option.name + "' is declared twice");
    const rapidjson::Value* type = field("type");
    auto parsed_type = type != nullptr && type->IsString() ? option_type_from_key(type->GetString()) : std::nullopt;
    if (!parsed_type) {
      return std::unexpected(where + " ('" + option.name +
                             "'): \"type\" must be one of string, integer, number, boolean, string_array, "
                             "string_table, any");
    }
    option.type = *parsed_type;
    for (auto [key, flag] : {std::pair{"required", &option.required}, std::pair{"secret", &option.secret}}) {
      const rapidjson::Value* value = field(key);
      if (value == nullptr) continue;
      if (!value->IsBool()) return std::unexpected(where + " ('" + option.name + "'): \"" + key + "\" must be true or false");
      *flag = value->GetBool();
    }
    if (const rapidjson::Value* value = field("default")) option.default_json = to_json_text(*value);
    const rapidjson::Value* help = field("help");
    if (help != nullptr && !help->IsString()) return std::unexpected(where + " ('" + option.name + "'): \"help\" must be a string");
    option.help = help != nullptr ? help->GetString() : "";
    options.push_back(std::move(option));
  }
  return options;
}

// A manifest is a few KiB; the limit keeps a stray file in a plugin directory from costing much.
constexpr std::size_t kMaxManifestBytes = 1024 * 1024;

}  // namespace

std::expected<PluginManifest, std::string> read_manifest(const std::filesystem::path& manifest_path) {
  auto fail = [&](const std::string& why) {
    return std::unexpected(manifest_path.string() + ": " + why);
  };
  auto text = read_regular_file(manifest_path.string(), kMaxManifestBytes);
  if (!text) {
    return fail(text.error().too_large ? "the manifest is over the limit of " + mebibytes(kMaxManifestBytes)
                                       : "cannot read the manifest: " + text.error().reason);
  }
  rapidjson::Document doc;
  // Iterative: however deeply a manifest nests, nothing recurses (the document's pool allocator frees
  // without walking the tree either).
  doc.Parse<rapidjson::kParseIterativeFlag>(text->c_str());
  if (doc.HasParseError()) {
    return fail(std::string("not valid JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()) + " at offset " +
                std::to_string(doc.GetErrorOffset()));
  }
  if (!doc.IsObject()) return fail("the manifest must be a JSON object");
  auto string_field = [&](const char* name) -> std::string {
    auto it = doc.FindMember(name);
    return it != doc.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
  };
  auto version = doc.FindMember("manifest_version");
  if (version == doc.MemberEnd() || !version->value.IsInt()) return fail("missing integer \"manifest_version\"");
  const int manifest_version = version->value.GetInt();
  if (manifest_version < kOldestManifestVersion || manifest_version > kManifestVersion) {
    return fail("manifest_version " + std::to_string(manifest_version) + " is not supported (this dlaunch reads " +
                std::to_string(kOldestManifestVersion) + " to " + std::to_string(kManifestVersion) + ")");
  }
  PluginManifest m;
  m.manifest_path = std::filesystem::absolute(manifest_path);
  m.directory = m.manifest_path.parent_path();
  m.id = string_field("id");
  if (!is_platform_id(m.id)) return fail("\"id\" must be a platform id of a-z, 0-9 and '-', got '" + m.id + "'");
  std::string library = string_field("library");
  if (library.empty() || library.find('/') != std::string::npos) {
    return fail("\"library\" must be a file name in the plugin's directory");
  }
  m.library = m.directory / library;
  m.version = string_field("version");
  m.description = string_field("description");
  auto abi = doc.FindMember("abi");
  if (abi == doc.MemberEnd() || !abi->value.IsObject() || !abi->value.HasMember("major") ||
      !abi->value["major"].IsUint() || !abi->value.HasMember("minor") || !abi->value["minor"].IsUint()) {
    return fail("missing \"abi\": {\"major\": N, \"minor\": N}");
  }
  m.abi_major = abi->value["major"].GetUint();
  m.abi_minor = abi->value["minor"].GetUint();
  m.min_host_minor = m.abi_minor;
  if (abi->value.HasMember("min_host_minor") && abi->value["min_host_minor"].IsUint()) {
    m.min_host_minor = abi->value["min_host_minor"].GetUint();
  }
  // Optional in every manifest version: older hosts ignore it, and a manifest without it leaves the host to
  // recognise the plugin's own refusal of a newer document.
  if (auto document = doc.FindMember("job_document"); document != doc.MemberEnd()) {
    const rapidjson::Value& claim = document->value;
    const bool valid = claim.IsObject() && claim.HasMember("newest") && claim["newest"].IsInt() && claim["newest"].GetInt() >= 1;
    if (!valid) {
      return fail("\"job_document\" must be {\"newest\": N}, N >= 1: the newest job document version the plugin reads");
    }
    m.job_document_version = claim["newest"].GetInt();
  }
  if (manifest_version >= 2) {
    auto options = read_options(doc);
    if (!options) return fail(options.error());
    m.options = std::move(*options);
    m.declares_options = true;
  }
  return m;
}

std::optional<std::string> untrusted_reason(const std::filesystem::path& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return path.string() + " cannot be inspected";
  if ((st.st_mode & S_IWOTH) != 0) {
    return path.string() + " is world-writable, so anyone could replace the plugin code in it (chmod o-w)";
  }
  if ((st.st_mode & S_IWGRP) != 0) {
    return path.string() + " is group-writable, so others could replace the plugin code in it (chmod g-w)";
  }
  if (st.st_uid != 0 && st.st_uid != geteuid()) {
    return path.string() + " is owned by uid " + std::to_string(st.st_uid) +
           ", neither root nor you, so its code is not trusted";
  }
  return std::nullopt;
}

std::vector<std::filesystem::path> plugin_search_path(const std::vector<std::string>& cli_dirs) {
  std::vector<std::filesystem::path> out(cli_dirs.begin(), cli_dirs.end());
  if (const char* env = std::getenv("DLAUNCH_PLUGIN_PATH")) {
    std::stringstream list(env);
    for (std::string dir; std::getline(list, dir, ':');) {
      if (!dir.empty()) out.emplace_back(dir);
    }
  }
  out.push_back(data_root() / "plugins");
  out.push_back((executable_directory() / ".." / "lib" / "dlaunch" / "plugins").lexically_normal());
  if (auto library = shared_library_directory()) out.push_back(*library / "dlaunch" / "plugins");
  // The same directory named twice (e.g. --plugin-dir equal to the default) is scanned once.
  std::vector<std::filesystem::path> unique;
  std::set<std::filesystem::path> seen;
  for (auto& dir : out) {
    std::error_code ec;
    auto canonical = std::filesystem::weakly_canonical(dir, ec);
    if (seen.insert(ec ? dir : canonical).second) unique.push_back(dir);
  }
  return unique;
}

PluginCatalog PluginCatalog::discover(const std::vector<std::filesystem::path>& search_path) {
  PluginCatalog catalog;
  catalog.search_path_ = search_path;
  for (const auto& root : search_path) {
    std::error_code ec;
    if (!std::filesystem::is_directory(root, ec)) continue;
    if (auto reason = untrusted_reason(root)) {
      catalog.problems_.push_back({root, "plugin directory refused: " + *reason});
      continue;
    }
    std::vector<std::filesystem::path> dirs;
    for (const auto& entry : std::filesystem::directory_iterator(root, ec)) {
      if (entry.is_directory(ec)) dirs.push_back(entry.path());
    }
    std::sort(dirs.begin(), dirs.end());  // readdir order is arbitrary; discovery must not be
    for (const auto& dir : dirs) {
      auto manifest_path = dir / kManifestFileName;
      if (!std::filesystem::exists(manifest_path, ec)) continue;
      std::optional<std::string> reason = untrusted_reason(dir);
      if (!reason) reason = untrusted_reason(manifest_path);
      if (reason) {
        catalog.problems_.push_back({dir, "plugin refused: " + *reason});
        continue;
      }
      auto manifest = read_manifest(manifest_path);
      if (!manifest) {
        catalog.problems_.push_back({dir, manifest.error()});
        continue;
      }
      if (catalog.find(manifest->id) != nullptr) {
        catalog.shadowed_.push_back(std::move(*manifest));
      } else {
        catalog.plugins_.push_back(std::move(*manifest));
      }
    }
  }
  return catalog;
}

const PluginManifest* PluginCatalog::find(std::string_view id) const {
  for (const auto& m : plugins_) {
    if (m.id == id) return &m;
  }
  return nullptr;
}

std::vector<std::string> PluginCatalog::ids() const {
  std::vector<std::string> out;
  for (const auto& m : plugins_) out.push_back(m.id);
  return out;
}

}  // namespace dlaunch
