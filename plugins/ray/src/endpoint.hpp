// Where the Ray dashboard is and how to authenticate to it, resolved from the options and the environment.
#ifndef DLAUNCH_RAY_ENDPOINT_HPP_
#define DLAUNCH_RAY_ENDPOINT_HPP_

#include "options.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dlaunch::ray {

inline constexpr const char* kDefaultAddress = "http://127.0.0.1:8265";

struct Credentials {
  std::string token;
  std::string source;  // for messages: "token_file /path", "RAY_AUTH_TOKEN", "~/.ray/auth_token (/root/...)"
};

struct Endpoint {
  std::string address;         // http(s)://host:port, no trailing slash
  std::string address_source;  // for messages: "[platform.ray] address", "RAY_ADDRESS", "the default"
  // The host is this machine (localhost, 127.x.x.x, [::1]): a refused connection there means no dashboard
  // listens, which no retry changes.
  bool loopback = false;
  std::optional<Credentials> credentials;
  // Sent with every request: the user's extra headers, then Authorization: Bearer unless they set one.
  std::vector<std::pair<std::string, std::string>> headers;
};

// The address: [platform.ray] address, else RAY_ADDRESS, else the default. The token: token_file, else
// RAY_AUTH_TOKEN, else the file named by RAY_AUTH_TOKEN_PATH, else ~/.ray/auth_token when it exists.
// Throws INVALID_ARGUMENT for an address that is not http(s) (a GCS host:6379 or ray:// address in
// RAY_ADDRESS too, naming the dashboard URL it expects) and UNAUTHENTICATED for a token file that was named
// but cannot be read.
Endpoint resolve_endpoint(const RayOptions& options);

// The dashboard URL that goes with a Ray address that is not one: http://HOST:8265 for 10.0.0.1:6379 or
// ray://HOST:10001, http://127.0.0.1:8265 for "auto" or "local".
std::string dashboard_url_for(const std::string& address);

// True for localhost, 127.x.x.x and ::1 in an http(s) URL.
bool is_loopback_url(const std::string& url);

}  // namespace dlaunch::ray

#endif  // DLAUNCH_RAY_ENDPOINT_HPP_
