#include "endpoint.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace dlaunch::ray {
namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

std::string trimmed(std::string text) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  text.erase(text.begin(), std::find_if(text.begin(), text.end(), not_space));
  text.erase(std::find_if(text.rbegin(), text.rend(), not_space).base(), text.end());
  return text;
}

bool is_http_url(const std::string& text) { return text.starts_with("http://") || text.starts_with("https://"); }

Credentials read_token_file(const std::string& file, const std::string& source) {
  std::ifstream in(file);
  if (!in) {
    throw sdk::Error(DLAUNCH_ERR_UNAUTHENTICATED,
                     "cannot read the Ray authentication token from " + source + ": the file is missing or unreadable");
  }
  std::stringstream content;
  content << in.rdbuf();
  std::string token = trimmed(content.str());
  if (token.empty()) {
    throw sdk::Error(DLAUNCH_ERR_UNAUTHENTICATED, "the Ray authentication token file from " + source + " is empty");
  }
  return Credentials{token, source};
}

std::optional<Credentials> resolve_credentials(const RayOptions& options) {
  if (!options.token_file.empty()) {
    return read_token_file(options.token_file, "[platform.ray] token_file " + options.token_file);
  }
  if (std::string token = trimmed(env("RAY_AUTH_TOKEN")); !token.empty()) return Credentials{token, "RAY_AUTH_TOKEN"};
  if (std::string path = env("RAY_AUTH_TOKEN_PATH"); !path.empty()) {
    return read_token_file(path, "RAY_AUTH_TOKEN_PATH " + path);
  }
  if (std::string home = env("HOME"); !home.empty()) {
    std::string path = home + "/.ray/auth_token";
    if (std::filesystem::exists(path)) return read_token_file(path, "~/.ray/auth_token (" + path + ")");
  }
  return std::nullopt;
}

bool has_header(const sdk::StringMap& headers, std::string_view name) {
  return std::any_of(headers.begin(), headers.end(), [&](const auto& header) {
    return std::equal(header.first.begin(), header.first.end(), name.begin(), name.end(),
                      [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b)); });
  });
}

// The host of an address without scheme, port and path: "10.0.0.1" from "ray://10.0.0.1:10001/x",
// "[::1]" from "[::1]:6379".
std::string host_of(std::string address) {
  if (auto scheme = address.find("://"); scheme != std::string::npos) address.erase(0, scheme + 3);
  address = address.substr(0, address.find('/'));
  if (auto at = address.rfind('@'); at != std::string::npos) address.erase(0, at + 1);
  if (address.starts_with('[')) return address.substr(0, address.find(']') + 1);
  return address.substr(0, address.find(':'));
}

}  // namespace

std::string dashboard_url_for(const std::string& address) {
  std::string host = host_of(address);
  if (host.empty() || host == "auto" || host == "local") host = "127.0.0.1";
  return "http://" + host + ":8265";
}

bool is_loopback_url(const std::string& url) {
  if (!is_http_url(url)) return false;
  std::string host = host_of(url);
  std::transform(host.begin(), host.end(), host.begin(), [](unsigned char c) { return std::tolower(c); });
  const bool ipv4 = std::all_of(host.begin(), host.end(), [](unsigned char c) { return c == '.' || std::isdigit(c); });
  return host == "localhost" || host == "[::1]" || (ipv4 && host.starts_with("127."));
}

Endpoint resolve_endpoint(const RayOptions& options) {
  Endpoint endpoint;
  if (!options.address.empty()) {
    endpoint.address = options.address;
    endpoint.address_source = "[platform.ray] address";
  } else if (std::string from_env = trimmed(env("RAY_ADDRESS")); !from_env.empty()) {
    endpoint.address = from_env;
    endpoint.address_source = "RAY_ADDRESS";
  } else {
    endpoint.address = kDefaultAddress;
    endpoint.address_source = "the default address";
  }
  if (!is_http_url(endpoint.address)) {
    const std::string expected = dashboard_url_for(endpoint.address);
    const std::string how = endpoint.address_source == "RAY_ADDRESS"
                                ? "export RAY_ADDRESS=" + expected
                                : "--set platform.ray.address=" + expected;
    throw sdk::Error(DLAUNCH_ERR_INVALID_ARGUMENT,
                     endpoint.address_source + " is '" + endpoint.address +
                         "', not the Ray dashboard's URL: dlaunch submits through the Jobs API of the dashboard "
                         "(port 8265 by default), not the GCS or Ray Client address. Use " + how);
  }
  while (endpoint.address.ends_with('/')) endpoint.address.pop_back();
  endpoint.loopback = is_loopback_url(endpoint.address);

  for (const auto& header : options.headers) endpoint.headers.emplace_back(header.first, header.second);
  // A user-supplied Authorization header (e.g. for a proxy) wins over Ray's token.
  if (!has_header(options.headers, "Authorization")) {
    endpoint.credentials = resolve_credentials(options);
    if (endpoint.credentials) endpoint.headers.emplace_back("Authorization", "Bearer " + endpoint.credentials->token);
  }
  return endpoint;
}

}  // namespace dlaunch::ray
