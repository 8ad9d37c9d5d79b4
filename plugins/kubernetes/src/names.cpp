#include "names.hpp"

#include <cmath>
#include <cstdio>

namespace dlaunch::kubernetes {
namespace {

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_alnum(char c) { return is_lower_alnum(c) || (c >= 'A' && c <= 'Z'); }

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

// [A-Za-z0-9-_.], alphanumeric at both ends, 1..63 characters: label values and the name part of keys.
std::optional<std::string> qualified_part_problem(std::string_view text, const char* what) {
  if (text.empty()) return std::string(what) + " must not be empty";
  if (text.size() > kMaxLabelLength) {
    return std::string(what) + " " + quoted(text) + " is " + std::to_string(text.size()) +
           " characters long; at most 63 are allowed";
  }
  for (char c : text) {
    if (!is_alnum(c) && c != '-' && c != '_' && c != '.') {
      return std::string(what) + " " + quoted(text) + " may only contain letters, digits, '-', '_' and '.'";
    }
  }
  if (!is_alnum(text.front()) || !is_alnum(text.back())) {
    return std::string(what) + " " + quoted(text) + " must start and end with a letter or digit";
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> dns_label_problem(std::string_view name) {
  if (name.empty()) return std::string("a name must not be empty");
  if (name.size() > kMaxLabelLength) {
    return quoted(name) + " is " + std::to_string(name.size()) + " characters long; Kubernetes allows 63";
  }
  for (char c : name) {
    if (!is_lower_alnum(c) && c != '-') {
      return quoted(name) + " may only contain lower-case letters, digits and '-'";
    }
  }
  if (!is_lower_alnum(name.front()) || !is_lower_alnum(name.back())) {
    return quoted(name) + " must start and end with a lower-case letter or digit";
  }
  return std::nullopt;
}

std::optional<std::string> dns_subdomain_problem(std::string_view name) {
  if (name.size() > 253) return quoted(name) + " is longer than 253 characters";
  size_t start = 0;
  while (true) {
    size_t dot = name.find('.', start);
    std::string_view label = name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (auto problem = dns_label_problem(label)) {
      return quoted(name) + " is not a DNS subdomain: " + *problem;
    }
    if (dot == std::string_view::npos) return std::nullopt;
    start = dot + 1;
  }
}

std::optional<std::string> qualified_name_problem(std::string_view key) {
  auto slash = key.find('/');
  if (slash != std::string_view::npos) {
    if (auto problem = dns_subdomain_problem(key.substr(0, slash))) return "the prefix of key " + quoted(key) + ": " + *problem;
    key = key.substr(slash + 1);
  }
  return qualified_part_problem(key, "the key name");
}

std::optional<std::string> label_value_problem(std::string_view value) {
  if (value.empty()) return std::nullopt;
  return qualified_part_problem(value, "the label value");
}

std::string cpu_quantity(double cpus) {
  auto millis = static_cast<int64_t>(std::ceil(cpus * 1000 - 1e-9));
  if (millis % 1000 == 0) return std::to_string(millis / 1000);
  return std::to_string(millis) + "m";
}

std::string memory_quantity(int64_t bytes) {
  static const char* const kSuffixes[] = {"Ei", "Pi", "Ti", "Gi", "Mi", "Ki"};
  for (int i = 0; i < 6; ++i) {
    int64_t unit = int64_t{1} << (10 * (6 - i));
    if (bytes >= unit && bytes % unit == 0) return std::to_string(bytes / unit) + kSuffixes[i];
  }
  return std::to_string(bytes);
}

std::string short_digest(std::string_view text) {
  uint32_t hash = 2166136261u;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 16777619u;
  }
  char out[9];
  std::snprintf(out, sizeof out, "%08x", hash);
  return out;
}

}  // namespace dlaunch::kubernetes
