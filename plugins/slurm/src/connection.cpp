#include "connection.hpp"

#include <dlaunch_support/bounded_file.hpp>
#include <dlaunch_support/json.hpp>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace dlaunch::slurm {
namespace {

constexpr const char* kRedactedSecret = "***";

std::string env_or(const char* name, const std::string& fallback = {}) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::string(value) : fallback;
}

std::string trim(const std::string& text) {
  auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
}

std::string user_name_of(uid_t uid) {
  struct passwd entry {};
  struct passwd* found = nullptr;
  char buffer[4096];
  if (getpwuid_r(uid, &entry, buffer, sizeof(buffer), &found) != 0 || found == nullptr) return {};
  return entry.pw_name;
}

// A token file holds the token alone, or the line `scontrol token` prints: SLURM_JWT=...
std::string read_token_file(const std::string& path) {
  const auto content = support::read_bounded_file(path);
  if (!content) {
    throw sdk::Error(DLAUNCH_ERR_INVALID_ARGUMENT, "platform.slurm.token_file: cannot read " + path + ": " + content.error());
  }
  std::string token = trim(*content);
  if (token.starts_with("SLURM_JWT=")) token = trim(token.substr(std::strlen("SLURM_JWT=")));
  return token;
}

std::string base64url_decode(const std::string& text) {
  auto value_of = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-' || c == '+') return 62;
    if (c == '_' || c == '/') return 63;
    return -1;
  };
  std::string out;
  uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    int value = value_of(c);
    if (value < 0) break;  // '=' padding or the end
    bits = (bits << 6) | static_cast<uint32_t>(value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xff);
    }
  }
  return out;
}

}  // namespace

std::string Connection::describe() const {
  if (!socket.empty()) return "slurmrestd on the UNIX socket " + socket;
  return "slurmrestd at " + url;
}

std::string jwt_user(const std::string& token) {
  auto first = token.find('.');
  auto second = token.find('.', first == std::string::npos ? 0 : first + 1);
  if (first == std::string::npos || second == std::string::npos) return {};
  rapidjson::Document claims;
  std::string payload = base64url_decode(token.substr(first + 1, second - first - 1));
  if (!support::parse_json(claims, payload).empty() || !claims.IsObject()) return {};
  auto sun = claims.FindMember("sun");
  return sun != claims.MemberEnd() && sun->value.IsString() ? sun->value.GetString() : std::string();
}

Connection resolve_connection(const sdk::Options& options) {
  Connection connection;
  connection.socket = options.string("socket");
  connection.url = options.string("url");
  if (connection.socket.empty() && connection.url.empty()) {
    connection.socket = env_or("DLAUNCH_SLURM_SOCKET");
    connection.url = connection.socket.empty() ? env_or("DLAUNCH_SLURM_URL") : std::string();
  }
  while (connection.url.ends_with('/')) connection.url.pop_back();
  connection.ca_file = options.string("ca_file");

  if (!connection.url.empty()) {
    connection.token = options.string("token");
    // The host records secret options as "***" for later commands: a placeholder, never a token.
    if (connection.token == kRedactedSecret) connection.token.clear();
    if (connection.token.empty()) connection.token = env_or("SLURM_JWT");
    if (connection.token.empty()) {
      if (auto file = options.string("token_file"); !file.empty()) connection.token = read_token_file(file);
    }
  }

  connection.user = options.string("user");
  if (connection.user.empty() && !connection.token.empty()) connection.user = jwt_user(connection.token);
  struct stat socket_status {};
  if (connection.user.empty() && !connection.socket.empty() && stat(connection.socket.c_str(), &socket_status) == 0) {
    // Local authentication acts as the user slurmrestd runs as, which owns the socket it made.
    connection.user = user_name_of(socket_status.st_uid);
  }
  if (connection.user.empty()) connection.user = user_name_of(geteuid());
  return connection;
}

}  // namespace dlaunch::slurm
