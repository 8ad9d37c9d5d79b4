// Header-only helper for plugins: which values must never be printed. dlaunch's rule is that secrets show
// as "***" in every dry run, log line and error message. Options a plugin declares with
// DLAUNCH_OPTION_SECRET are masked by the host; environment variables and headers are masked by plugins
// with these functions, by name.
#ifndef DLAUNCH_SECRETS_HPP_
#define DLAUNCH_SECRETS_HPP_

#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <string_view>

namespace dlaunch::sdk {

inline constexpr std::string_view kMasked = "***";

// True for names that conventionally hold credentials: *TOKEN*, *SECRET*, *PASSWORD*, *PASSWD*, *API_KEY*,
// *APIKEY*, *PRIVATE_KEY*, *CREDENTIAL*, AUTHORIZATION, *COOKIE*, *_KEY (e.g. AWS_SECRET_ACCESS_KEY,
// WANDB_API_KEY, HF_TOKEN, X-SLURM-USER-TOKEN). Case-insensitive; '-' counts as '_'.
inline bool looks_secret(std::string_view name) {
  std::string upper(name);
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) {
    return c == '-' ? '_' : static_cast<char>(std::toupper(c));
  });
  for (std::string_view word : {"TOKEN", "SECRET", "PASSWORD", "PASSWD", "API_KEY", "APIKEY", "PRIVATE_KEY",
                                "CREDENTIAL", "AUTHORIZATION", "COOKIE"}) {
    if (upper.find(word) != std::string::npos) return true;
  }
  return upper.size() > 4 && upper.ends_with("_KEY");
}

// `value`, or "***" when `name` looks secret.
inline std::string printable(std::string_view name, std::string_view value) {
  return std::string(looks_secret(name) ? kMasked : value);
}

// Every value of `variables` (environment variables, headers) whose name looks secret, replaced by "***".
inline void mask_secret_values(std::map<std::string, std::string>& variables) {
  for (auto& [name, value] : variables) value = printable(name, value);
}

}  // namespace dlaunch::sdk

#endif  // DLAUNCH_SECRETS_HPP_
