// Small text helpers both HTTP paths (libcurl's, http_client.cpp, and the clear-text one, plain_http.cpp)
// need to read headers and to name a server in messages the same way. Internal to dlaunch_plugin_support.
#ifndef DLAUNCH_SUPPORT_SRC_HTTP_TEXT_HPP_
#define DLAUNCH_SUPPORT_SRC_HTTP_TEXT_HPP_

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

namespace dlaunch::support::http_text {

// ASCII lower case: header names compare without regard to case.
inline std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// Without the spaces, tabs and line ends around it (a header line's name and value).
inline std::string trim(std::string_view text) {
  const auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  const auto end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

// "scheme://host:port" of a URL, to name the server in messages (never a path or a query, which may hold
// names or tokens).
inline std::string server_of(std::string_view url) {
  const auto authority = url.find("://");
  const auto path = url.find_first_of("/?#", authority == std::string_view::npos ? 0 : authority + 3);
  return std::string(url.substr(0, path));
}

}  // namespace dlaunch::support::http_text

#endif  // DLAUNCH_SUPPORT_SRC_HTTP_TEXT_HPP_
