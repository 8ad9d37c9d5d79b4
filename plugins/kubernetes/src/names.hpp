// Kubernetes' syntax rules for the names and labels the plugin writes, checked before anything is sent so
// that a bad value is a located diagnostic, not a 422 from the server (the rules of the API server's
// k8s.io/apimachinery/pkg/util/validation), and the quantities it writes, valid by construction.
#ifndef DLAUNCH_KUBERNETES_NAMES_HPP_
#define DLAUNCH_KUBERNETES_NAMES_HPP_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dlaunch::kubernetes {

inline constexpr size_t kMaxLabelLength = 63;

// Why `name` is not a DNS-1123 label (lower-case alphanumerics and '-', alphanumeric at both ends, at most
// 63 characters), or nullopt when it is one.
std::optional<std::string> dns_label_problem(std::string_view name);

// Why `name` is not a DNS-1123 subdomain (labels joined by '.', at most 253 characters), or nullopt.
std::optional<std::string> dns_subdomain_problem(std::string_view name);

// Why `key` is not a label or annotation key ([prefix/]name: the prefix a DNS subdomain, the name at most 63
// of [A-Za-z0-9-_.], alphanumeric at both ends), or nullopt.
std::optional<std::string> qualified_name_problem(std::string_view key);

// Why `value` is not a label value (empty, or at most 63 of [A-Za-z0-9-_.], alphanumeric at both ends).
std::optional<std::string> label_value_problem(std::string_view value);

// A CPU amount as a Kubernetes quantity: whole CPUs as "2", fractions in millicores ("500m"). Rounded up to
// the millicore (the API's resolution).
std::string cpu_quantity(double cpus);

// A byte count as a quantity: the largest binary suffix that divides it exactly ("512Mi", "3Gi"), else bytes.
std::string memory_quantity(int64_t bytes);

// A short, stable lower-case hex digest of `text` (FNV-1a, 32 bits): part of object names derived from the
// submission id, so a retried submission names the same objects.
std::string short_digest(std::string_view text);

}  // namespace dlaunch::kubernetes

#endif  // DLAUNCH_KUBERNETES_NAMES_HPP_
