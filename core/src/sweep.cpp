#include <dlaunch/core/sweep.hpp>
#include <dlaunch/secrets.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace dlaunch {
namespace {

// No other submission id starts so: theirs are "dlaunch-<job name>-...", and a job name has no '.'.
constexpr std::string_view kSubmissionPrefix = "dlaunch-sweep.";

bool is_env_name(std::string_view key) {
  if (key.empty() || std::isdigit(static_cast<unsigned char>(key[0]))) return false;
  return std::all_of(key.begin(), key.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

// A path is names joined by dots, each an environment-style name or a role's DNS-label name.
bool is_spec_path(std::string_view key) {
  if (key.find('.') == std::string_view::npos || key.front() == '.' || key.back() == '.') return false;
  return key.find("..") == std::string_view::npos &&
         std::all_of(key.begin(), key.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
         });
}

std::optional<Diagnostic> check_key(const std::string& key, const SourceLocation& where) {
  if (is_env_name(key) || is_spec_path(key)) return std::nullopt;
  return Diagnostic{Severity::kError, "", where, "sweep key '" + key + "' is neither an environment variable name nor a spec path",
                    "an environment variable is [A-Za-z_][A-Za-z0-9_]* (lr); a spec path joins keys with dots "
                    "(roles.trainer.replicas)"};
}

// A TOML basic string holding `text`.
std::string toml_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string number_text(double d) {
  char buffer[32];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, d);
  return std::string(buffer, error == std::errc() ? end : buffer);
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

// Later values of a key replace earlier ones, in the earlier one's place.
void put(std::vector<SweepParameter>& out, SweepParameter parameter) {
  auto same = std::find_if(out.begin(), out.end(), [&](const SweepParameter& p) { return p.key == parameter.key; });
  if (same == out.end()) {
    out.push_back(std::move(parameter));
  } else {
    *same = std::move(parameter);
  }
}

}  // namespace

Diagnostics read_sweep_table(const Value& table, std::vector<SweepParameter>& out) {
  Diagnostics problems;
  if (!table.is_table()) {
    problems.push_back({Severity::kError, "sweep", table.location(),
                        std::string("sweep must be a table of value lists, got ") + table.kind_name(),
                        "a [sweep] table holds lines like lr = [1e-3, 1e-4]"});
    return problems;
  }
  if (table.members().empty()) {
    problems.push_back({Severity::kError, "sweep", table.location(), "sweep has no key: it would make no job",
                        "a [sweep] table holds lines like lr = [1e-3, 1e-4]"});
  }
  for (const auto& member : table.members()) {
    const std::string path = "sweep." + member.key;
    if (auto wrong = check_key(member.key, member.key_location)) {
      wrong->path = path;
      problems.push_back(*wrong);
      continue;
    }
    const Value& list = member.value;
    if (!list.is_array() || list.items().empty()) {
      problems.push_back({Severity::kError, path, list.location(),
                          path + " must be a non-empty list of values, got " +
                              (list.is_array() ? std::string("an empty list") : std::string(list.kind_name())),
                          member.key + " = [1, 2]"});
      continue;
    }
    SweepParameter parameter{member.key, {}, member.key_location};
    for (std::size_t i = 0; i < list.items().size(); ++i) {
      const Value& item = list.items()[i];
      switch (item.kind()) {
        case Value::Kind::kString:
          parameter.values.push_back({item.as_string(), toml_string(item.as_string()), item.location()});
          break;
        case Value::Kind::kInteger:
          parameter.values.push_back(
              {std::to_string(item.as_integer()), std::to_string(item.as_integer()), item.location()});
          break;
        case Value::Kind::kFloat:
          parameter.values.push_back({number_text(item.as_number()), number_text(item.as_number()), item.location()});
          break;
        case Value::Kind::kBool:
          parameter.values.push_back(
              {item.as_bool() ? "true" : "false", item.as_bool() ? "true" : "false", item.location()});
          break;
        default:
          problems.push_back({Severity::kError, path + "[" + std::to_string(i) + "]", item.location(),
                              "a sweep value must be a string, a number or a boolean, got " +
                                  std::string(item.kind_name()),
                              ""});
      }
    }
    put(out, std::move(parameter));
  }
  return problems;
}

Diagnostics read_sweep_options(const std::vector<std::string>& options, std::vector<SweepParameter>& out) {
  Diagnostics problems;
  for (std::size_t n = 0; n < options.size(); ++n) {
    const std::string& option = options[n];
    const std::string source = "<sweep " + std::to_string(n + 1) + ">";
    const auto equals = option.find('=');
    if (equals == std::string::npos || equals == 0) {
      // Quoted unless it names a secret (platform.slurm.token:VALUE): its value is in it.
      problems.push_back({Severity::kError, "", {source, 1, 1},
                          "--sweep '" + sdk::printable(option, option) + "' is not KEY=V1,V2,...",
                          "--sweep lr=1e-3,1e-4"});
      continue;
    }
    SweepParameter parameter{option.substr(0, equals), {}, {source, 1, 1}};
    if (auto wrong = check_key(parameter.key, parameter.location)) {
      problems.push_back(*wrong);
      continue;
    }
    // Values as typed: "1e-3" stays 1e-3 in the environment, and a spec path reads it as --set would.
    std::size_t start = equals + 1;
    bool empty_value = false;
    while (true) {
      const std::size_t comma = std::min(option.find(',', start), option.size());
      std::string value = option.substr(start, comma - start);
      if (value.empty()) {
        problems.push_back({Severity::kError, "", {source, 1, static_cast<uint32_t>(start + 1)},
                            "--sweep " + parameter.key + " has an empty value", "values are separated by commas"});
        empty_value = true;
        break;
      }
      parameter.values.push_back({value, value, {source, 1, static_cast<uint32_t>(start + 1)}});
      if (comma == option.size()) break;
      start = comma + 1;
    }
    if (!empty_value) put(out, std::move(parameter));
  }
  return problems;
}

std::vector<SweepPoint> expand_sweep(const std::vector<SweepParameter>& parameters, const std::string& base_name,
                                     const std::string& sweep_id, Diagnostics& problems) {
  std::size_t total = 1;
  for (const auto& p : parameters) {
    total *= p.values.size();
    if (total > kMaxSweepJobs) {
      problems.push_back({Severity::kError, "", p.location,
                          "the sweep makes more than " + std::to_string(kMaxSweepJobs) + " jobs",
                          "sweep fewer values, or run several sweeps"});
      return {};
    }
  }
  std::vector<SweepPoint> points(parameters.empty() ? 0 : total);
  for (std::size_t i = 0; i < points.size(); ++i) {
    SweepPoint& point = points[i];
    point.index = i;
    // The job's name and sweep labels come from the sweep as a whole: from its first parameter.
    const SourceLocation& sweep_location = parameters.front().location;
    auto add = [&](std::string override_text, const SourceLocation& source) {
      point.overrides.push_back(std::move(override_text));
      point.sources.push_back(source);
    };
    add("name=" + toml_string(base_name + "-" + std::to_string(i)), sweep_location);
    add("labels.sweep=" + toml_string(sweep_id), sweep_location);
    add("labels.sweep_index=" + toml_string(std::to_string(i)), sweep_location);
    // The last parameter changes fastest, as nested loops over the parameters in order would.
    std::size_t rest = i;
    std::vector<const SweepValue*> chosen(parameters.size());
    for (std::size_t k = parameters.size(); k-- > 0;) {
      chosen[k] = &parameters[k].values[rest % parameters[k].values.size()];
      rest /= parameters[k].values.size();
    }
    for (std::size_t k = 0; k < parameters.size(); ++k) {
      const std::string& key = parameters[k].key;
      const SweepValue& value = *chosen[k];
      if (parameters[k].secret) {
        point.values.emplace_back(key, std::string(sdk::kMasked));
      } else {
        point.values.emplace_back(key, value.text);
        std::string label = key;
        std::replace(label.begin(), label.end(), '.', '_');
        add("labels." + label + "=" + toml_string(value.text), value.location);
      }
      add(is_env_name(key) ? "env." + upper(key) + "=" + toml_string(value.text) : key + "=" + value.toml,
          value.location);
    }
  }
  return points;
}

std::string sweep_submission_prefix(const std::string& sweep_id) {
  return std::string(kSubmissionPrefix) + sweep_id + "-";
}

std::string sweep_submission_id(const std::string& sweep_id, std::size_t index) {
  return sweep_submission_prefix(sweep_id) + std::to_string(index);
}

std::string sweep_handle(const std::string& sweep_id) { return std::string(kSweepHandlePlatform) + ":" + sweep_id; }

std::optional<std::string> sweep_of_submission(std::string_view submission_id) {
  if (!submission_id.starts_with(kSubmissionPrefix)) return std::nullopt;
  submission_id.remove_prefix(kSubmissionPrefix.size());
  const auto dash = submission_id.rfind('-');
  if (dash == std::string_view::npos || dash == 0) return std::nullopt;
  return std::string(submission_id.substr(0, dash));
}

}  // namespace dlaunch
