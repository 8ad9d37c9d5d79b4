#include "rest_api.hpp"

#include <dlaunch_support/json.hpp>
#include <rapidjson/error/en.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <regex>

namespace dlaunch::slurm {
namespace {

// "v0.0.38" -> {0, 0, 38}, for ordering.
std::array<int, 3> version_key(const std::string& version) {
  std::array<int, 3> key{};
  std::sscanf(version.c_str(), "v%d.%d.%d", &key[0], &key[1], &key[2]);
  return key;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out.empty() ? "none" : out;
}

// Slurm's error numbers (slurm_errno.h): 1000-1999 and 5000-5999 are failures to talk to slurmctld.
int32_t code_of_slurm_error(int number, long http_status) {
  constexpr int kInvalidJobId = 2017;
  constexpr int kAccessDenied = 2002;
  if (number == kInvalidJobId) return DLAUNCH_ERR_NOT_FOUND;
  if (number == kAccessDenied) return DLAUNCH_ERR_UNAUTHENTICATED;
  if ((number >= 1000 && number < 2000) || (number >= 5000 && number < 6000)) return DLAUNCH_ERR_UNAVAILABLE;
  if (number <= 0 && http_status != 400) return DLAUNCH_ERR_INTERNAL;  // -1: Slurm's "Unspecified error"
  return DLAUNCH_ERR_INVALID_ARGUMENT;
}

// The "errors" of an answer as one line, and the first Slurm error number among them (0 if none).
std::pair<std::string, int> describe_errors(const rapidjson::Value& answer) {
  std::string text;
  int number = 0;
  auto errors = answer.IsObject() ? answer.FindMember("errors") : rapidjson::Value::ConstMemberIterator();
  if (!answer.IsObject() || errors == answer.MemberEnd() || !errors->value.IsArray()) return {text, number};
  for (const auto& error : errors->value.GetArray()) {
    if (!error.IsObject()) continue;
    for (const char* field : {"error_number", "error_code"}) {
      auto found = error.FindMember(field);
      if (number == 0 && found != error.MemberEnd() && found->value.IsInt()) number = found->value.GetInt();
    }
    for (const char* field : {"description", "error"}) {
      auto found = error.FindMember(field);
      if (found != error.MemberEnd() && found->value.IsString() && found->value.GetStringLength() > 0) {
        text += (text.empty() ? "" : "; ") + std::string(found->value.GetString());
        break;
      }
    }
  }
  return {text, number};
}

}  // namespace

std::string RestApi::transport_problem(const support::HttpResponse& response) const {
  // libcurl words a UNIX socket failure as one to "localhost port 80": say what is wrong with the socket.
  struct stat socket_status {};
  if (!connection_.socket.empty()) {
    if (stat(connection_.socket.c_str(), &socket_status) != 0) return std::strerror(errno);
    if (!S_ISSOCK(socket_status.st_mode)) return "not a socket";
    if (response.transport_error.find("connect") != std::string::npos) return "connection refused";
  }
  return response.transport_error;
}

std::string error_text(const rapidjson::Value& answer) { return describe_errors(answer).first; }

const std::vector<std::string>& known_api_versions() {
  static const std::vector<std::string> versions{"v0.0.38"};
  return versions;
}

std::string choose_api_version(const std::vector<std::string>& offered, const std::string& server) {
  std::vector<std::string> shared;
  for (const auto& version : known_api_versions()) {
    if (std::find(offered.begin(), offered.end(), version) != offered.end()) shared.push_back(version);
  }
  if (shared.empty()) {
    throw sdk::Error(DLAUNCH_ERR_UNAVAILABLE, server + " offers Slurm REST API versions " + join(offered) +
                                                  "; this plugin speaks " + join(known_api_versions()));
  }
  return *std::max_element(shared.begin(), shared.end(), [](const auto& a, const auto& b) {
    return version_key(a) < version_key(b);
  });
}

std::vector<std::string> offered_api_versions(const rapidjson::Document& openapi) {
  std::vector<std::string> versions;
  // MemberEnd() of a value that is no object is undefined behaviour: nothing is asked of one.
  if (!openapi.IsObject()) return versions;
  auto paths = openapi.FindMember("paths");
  if (paths == openapi.MemberEnd() || !paths->value.IsObject()) return versions;
  static const std::regex slurm_path(R"(^/slurm/(v\d+\.\d+\.\d+)/)");
  for (const auto& path : paths->value.GetObject()) {
    std::cmatch match;
    if (std::regex_search(path.name.GetString(), match, slurm_path) &&
        std::find(versions.begin(), versions.end(), match[1].str()) == versions.end()) {
      versions.push_back(match[1].str());
    }
  }
  std::sort(versions.begin(), versions.end(),
            [](const auto& a, const auto& b) { return version_key(a) < version_key(b); });
  return versions;
}

RestApi::RestApi(Connection connection, std::function<bool()> cancelled, std::filesystem::path cache_dir)
    : connection_(std::move(connection)),
      client_([&] {
        support::HttpOptions options;
        options.unix_socket = connection_.socket;
        options.ca_file = connection_.ca_file;
        options.should_abort = std::move(cancelled);
        return options;
      }()),
      versions_(std::move(cache_dir), "dlaunch-slurm-api-version-1", ".api-version", kVersionLifetime) {}

// The cache's key: the socket or the URL (what tells one slurmrestd from another), and for a URL the user,
// since what a server offers may depend on who asks.
static std::string cache_key(const Connection& connection) {
  return connection.socket.empty() ? connection.user + "@" + connection.url : connection.socket;
}

support::HttpRequest RestApi::request(const std::string& method, const std::string& path,
                                      const std::string& json_body) const {
  support::HttpRequest request;
  request.method = method;
  request.url = (connection_.socket.empty() ? connection_.url : std::string("http://localhost")) + path;
  if (connection_.socket.empty()) {
    request.headers.emplace_back("X-SLURM-USER-NAME", connection_.user);
    request.headers.emplace_back("X-SLURM-USER-TOKEN", connection_.token);
  }
  request.body = json_body;
  if (!json_body.empty()) request.content_type = "application/json";
  return request;
}

const std::string& RestApi::version() {
  if (!version_.empty()) return version_;
  // Only a version this plugin still speaks counts: a cache written by another release may name another.
  if (std::optional<std::string> cached = versions_.load(cache_key(connection_));
      cached && std::find(known_api_versions().begin(), known_api_versions().end(), *cached) !=
                    known_api_versions().end()) {
    version_cached_ = true;
    return version_ = *cached;
  }
  version_ = choose_api_version(offered_api_versions(exchange("GET", "/openapi/v3")), connection_.describe());
  versions_.save(cache_key(connection_), version_);
  return version_;
}

rapidjson::Document RestApi::get(const std::string& path) { return versioned("GET", path); }

rapidjson::Document RestApi::post(const std::string& path, const std::string& json_body) {
  return versioned("POST", path, json_body);
}

rapidjson::Document RestApi::remove(const std::string& path) { return versioned("DELETE", path); }

rapidjson::Document RestApi::versioned(const std::string& method, const std::string& path,
                                       const std::string& json_body) {
  const std::string used = version();
  try {
    return exchange(method, "/slurm/" + used + "/" + path, json_body);
  } catch (const PathUnknown&) {
    if (!version_cached_) throw;
    // A 404 without a Slurm error names no job: the server knows no such path, so maybe not this API
    // version any more. A rejected request did nothing on the server: sending it again is safe.
    versions_.forget(cache_key(connection_));
    version_.clear();
    version_cached_ = false;
    if (version() == used) throw;
  }
  return exchange(method, "/slurm/" + version_ + "/" + path, json_body);
}

rapidjson::Document RestApi::exchange(const std::string& method, const std::string& path,
                                      const std::string& json_body) {
  if (!connection_.configured()) {
    throw sdk::Error(DLAUNCH_ERR_INVALID_ARGUMENT,
                     "no slurmrestd to talk to: set platform.slurm.socket or platform.slurm.url "
                     "(or DLAUNCH_SLURM_SOCKET / DLAUNCH_SLURM_URL in the environment)");
  }
  if (connection_.socket.empty() && connection_.token.empty()) {
    throw sdk::Error(DLAUNCH_ERR_UNAUTHENTICATED,
                     connection_.describe() + " needs a JWT: set platform.slurm.token, SLURM_JWT or "
                     "platform.slurm.token_file (`scontrol token` prints one)");
  }
  support::HttpRequest sent = request(method, path, json_body);
  sent.timeout = request_timeout_;
  support::HttpResponse response = client_.send(sent);
  if (response.aborted) throw sdk::Error(DLAUNCH_ERR_CANCELLED, "cancelled");
  if (response.transport_failed()) {
    throw sdk::Error(DLAUNCH_ERR_UNAVAILABLE, "cannot reach " + connection_.describe() + ": " +
                                                  transport_problem(response) + " (is slurmrestd running there?)");
  }
  if (response.status == 401 || response.status == 403) {
    throw sdk::Error(DLAUNCH_ERR_UNAUTHENTICATED,
                     connection_.describe() + " refused our credentials as user '" + connection_.user +
                         "' (HTTP " + std::to_string(response.status) + ")" +
                         (connection_.socket.empty() ? "; check the token and platform.slurm.user" : ""));
  }
  rapidjson::Document answer;
  const std::string wrong = support::parse_json(answer, response.body.c_str());  // up to a NUL, as before
  if (response.ok() && wrong.empty()) return answer;

  auto [errors, number] = describe_errors(answer);
  const bool unknown_path = response.status == 404 && number == 0;
  if (errors.empty()) {
    errors = answer.HasParseError() ? "an answer that is not JSON (" +
                                          std::string(rapidjson::GetParseError_En(answer.GetParseError())) + ")"
             : wrong.empty()          ? "no error message"
                                      : "an answer of " + wrong;
  }
  int32_t code = code_of_slurm_error(number, response.status);
  if (connection_.socket.empty() && (code == DLAUNCH_ERR_UNAVAILABLE || number <= 0)) {
    // slurmrestd 22.05 passes the token on to slurmctld, which drops the connection when it refuses it.
    errors += " (slurmctld also answers like this when it refuses the token of user '" + connection_.user +
              "': check it, e.g. with scontrol token)";
  }
  std::string message = connection_.describe() + ": " + method + " " + path + " failed (HTTP " +
                        std::to_string(response.status) + "): " + errors;
  if (unknown_path) throw PathUnknown(code, message);
  throw sdk::Error(code, message);
}

}  // namespace dlaunch::slurm
