#include "options.hpp"

#include <dlaunch/key_path.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <filesystem>
#include <string_view>
#include <utility>
#include <vector>

namespace dlaunch::slurm {
namespace {

// Job properties the plugin sets itself: `extra` may not set them, and says which option does.
constexpr std::array<std::pair<std::string_view, std::string_view>, 24> kManagedProperties{{
    {"script", ""}, {"environment", "env"}, {"name", "name"}, {"comment", "labels"},
    {"current_working_directory", "working_dir"}, {"standard_output", "platform.slurm.output_dir"},
    {"standard_error", "platform.slurm.output_dir"}, {"standard_input", ""}, {"open_mode", ""},
    {"requeue", "failover.max_restarts"}, {"nodes", "node_num"}, {"tasks", "roles[].replicas"},
    {"tasks_per_node", "roles[].per_node"}, {"cpus_per_task", "roles[].resources.cpu"},
    {"memory_per_node", "roles[].resources.memory"}, {"memory_per_cpu", "roles[].resources.memory"},
    {"gres", "roles[].resources.gpu"}, {"partition", "platform.slurm.partition"},
    {"account", "platform.slurm.account"}, {"qos", "platform.slurm.qos"},
    {"reservation", "platform.slurm.reservation"}, {"constraints", "platform.slurm.constraint"},
    {"time_limit", "platform.slurm.time_limit"}, {"exclusive", "platform.slurm.exclusive"},
}};

std::optional<int64_t> parse_number(std::string_view text) {
  int64_t value = 0;
  if (text.empty() || text.size() > 9) return std::nullopt;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == separator) {
      parts.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

// Every problem with `extra`, as (key path, message) pairs.
std::vector<std::pair<std::string, std::string>> extra_problems(const sdk::Options& options) {
  std::vector<std::pair<std::string, std::string>> problems;
  const rapidjson::Value* extra = options.find("extra");
  if (extra == nullptr) return problems;
  if (!extra->IsObject()) {
    problems.emplace_back("platform.slurm.extra", "must be a table of job properties");
    return problems;
  }
  for (const auto& member : extra->GetObject()) {
    std::string_view key(member.name.GetString(), member.name.GetStringLength());
    auto managed = std::find_if(kManagedProperties.begin(), kManagedProperties.end(),
                                [&](const auto& entry) { return entry.first == key; });
    if (managed == kManagedProperties.end()) continue;
    std::string message = "the job property '" + std::string(key) + "' is set by dlaunch";
    if (!managed->second.empty()) message += "; use " + std::string(managed->second) + " instead";
    problems.emplace_back(sdk::KeyPath("platform").member("slurm").member("extra").member(key), message);
  }
  return problems;
}

const char* const kTimeLimitHint = "e.g. \"90\" (minutes), \"2:00:00\" or \"1-12:00:00\"";

}  // namespace

std::optional<int64_t> parse_time_limit(const std::string& text) {
  std::string_view rest = text;
  int64_t days = 0;
  bool has_days = false;
  if (auto dash = rest.find('-'); dash != std::string_view::npos) {
    auto parsed = parse_number(rest.substr(0, dash));
    if (!parsed) return std::nullopt;
    days = *parsed;
    has_days = true;
    rest = rest.substr(dash + 1);
  }
  std::vector<int64_t> fields;
  for (auto part : split(rest, ':')) {
    auto parsed = parse_number(part);
    if (!parsed) return std::nullopt;
    fields.push_back(*parsed);
  }
  if (fields.empty() || fields.size() > 3) return std::nullopt;
  int64_t hours = 0, minutes = 0, seconds = 0;
  if (has_days) {  // D-HH, D-HH:MM, D-HH:MM:SS
    hours = fields[0];
    if (fields.size() > 1) minutes = fields[1];
    if (fields.size() > 2) seconds = fields[2];
  } else if (fields.size() == 1) {  // MM
    minutes = fields[0];
  } else if (fields.size() == 2) {  // MM:SS
    minutes = fields[0];
    seconds = fields[1];
  } else {  // HH:MM:SS
    hours = fields[0];
    minutes = fields[1];
    seconds = fields[2];
  }
  int64_t total = ((days * 24 + hours) * 60 + minutes) + (seconds + 59) / 60;
  if (total <= 0) return std::nullopt;
  return total;
}

SchedulingOptions read_scheduling_options(const sdk::Options& options, const std::string& working_dir) {
  if (auto problems = extra_problems(options); !problems.empty()) {
    throw sdk::Error(DLAUNCH_ERR_INVALID_ARGUMENT, problems.front().first + ": " + problems.front().second);
  }
  SchedulingOptions out;
  out.partition = options.string("partition");
  out.account = options.string("account");
  out.qos = options.string("qos");
  out.reservation = options.string("reservation");
  out.constraint = options.string("constraint");
  out.exclusive = options.boolean("exclusive");
  if (auto text = options.string("time_limit"); !text.empty()) {
    out.time_limit_minutes = parse_time_limit(text);
    if (!out.time_limit_minutes) {
      throw sdk::Error(DLAUNCH_ERR_INVALID_ARGUMENT,
                       "platform.slurm.time_limit: '" + text + "' is not a Slurm time limit (" + kTimeLimitHint + ")");
    }
  }
  std::filesystem::path output_dir = options.string("output_dir");
  out.output_dir = (std::filesystem::path(working_dir) / output_dir).lexically_normal().string();
  if (out.output_dir.size() > 1 && out.output_dir.back() == '/') out.output_dir.pop_back();
  if (const rapidjson::Value* extra = options.find("extra")) out.extra_json = sdk::Options::from(*extra).json();
  return out;
}

int64_t listed_window_ms(const sdk::Options& options) {
  return std::max<int64_t>(0, options.integer("min_job_age_s", kDefaultMinJobAgeS) - kJobAgeMarginS) * 1000;
}

void check_options(const sdk::Options& options, const sdk::DiagnosticsOut& out) {
  for (const auto& [path, message] : extra_problems(options)) out.error(path, message);
  if (options.integer("min_job_age_s", kDefaultMinJobAgeS) < 0) {
    out.error("platform.slurm.min_job_age_s", "a number of seconds cannot be negative",
              "set the cluster's MinJobAge (scontrol show config | grep MinJobAge)");
  }
  if (auto text = options.string("time_limit"); !text.empty() && !parse_time_limit(text)) {
    out.error("platform.slurm.time_limit", "'" + text + "' is not a Slurm time limit", kTimeLimitHint);
  }
  if (!options.string("socket").empty() && !options.string("url").empty()) {
    out.error("platform.slurm.socket", "socket and url are both set; slurmrestd is reached one way",
              "keep socket (local authentication) or url (JWT)");
  }
  if (auto url = options.string("url"); !url.empty() && !url.starts_with("http://") && !url.starts_with("https://")) {
    out.error("platform.slurm.url", "'" + url + "' is not an http:// or https:// URL");
  }
}

}  // namespace dlaunch::slurm
