// slurmrestd's REST API as the plugin uses it: one connection (connection.hpp), the API version chosen
// with the server, JSON in and out, and every failure turned into an sdk::Error with a dlaunch code and a
// message that says where and why.
#ifndef DLAUNCH_SLURM_REST_API_HPP_
#define DLAUNCH_SLURM_REST_API_HPP_

#include "connection.hpp"

#include <dlaunch_support/address_cache.hpp>
#include <dlaunch_support/http_client.hpp>
#include <rapidjson/document.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace dlaunch::slurm {

// The API versions this plugin speaks, oldest first. Only versions whose requests and answers it was
// tested against are listed: the shapes change between versions.
const std::vector<std::string>& known_api_versions();

// The newest version in both `offered` (by the server) and known_api_versions(). Throws
// sdk::Error(UNAVAILABLE) naming both lists when there is none; `server` names the server in the message.
std::string choose_api_version(const std::vector<std::string>& offered, const std::string& server);

// The versions an OpenAPI document (GET /openapi/v3) offers, from its /slurm/vX.Y.Z/ paths.
std::vector<std::string> offered_api_versions(const rapidjson::Document& openapi);

// The "errors" of an answer as one line; "" when it has none.
std::string error_text(const rapidjson::Value& answer);

class RestApi {
 public:
  // How long a chosen API version is used without asking the server again (GET /openapi/v3, a document of
  // about a megabyte that slurmrestd builds for each request).
  static constexpr std::chrono::seconds kVersionLifetime{600};

  // `cancelled` is polled during requests (Ctrl-C). `cache_dir`: where the API version chosen with each
  // server is kept between runs (support::AddressCache); empty keeps none.
  RestApi(Connection connection, std::function<bool()> cancelled, std::filesystem::path cache_dir = {});

  // The version requests use: from the cache, else asked from the server on first use.
  const std::string& version();

  // GET/POST/DELETE /slurm/<version>/<path>. Return the answer's JSON; throw sdk::Error on any failure.
  rapidjson::Document get(const std::string& path);
  rapidjson::Document post(const std::string& path, const std::string& json_body);
  rapidjson::Document remove(const std::string& path);

  // The request as it would be sent (headers included), for dry runs and for sending.
  // `path` is absolute: "/openapi/v3", "/slurm/v0.0.38/jobs".
  support::HttpRequest request(const std::string& method, const std::string& path,
                               const std::string& json_body = {}) const;

  const Connection& connection() const { return connection_; }

  // Bounds each later request to `timeout` (zero: the client's own limit, 30 s), for a loop that does its
  // own retrying within a time it has left (logs -f).
  void set_request_timeout(std::chrono::milliseconds timeout) { request_timeout_ = timeout; }

 private:
  // A request to /slurm/<version>/<path>. When the cached version's path is unknown to the server (404
  // without a Slurm error: an upgrade dropped that version), it asks the server again and, when the version
  // it then chooses differs, sends the request once more with it.
  rapidjson::Document versioned(const std::string& method, const std::string& path, const std::string& json_body = {});
  // Thrown by exchange for a 404 without a Slurm error: the server knows no such path.
  struct PathUnknown : sdk::Error {
    using sdk::Error::Error;
  };
  rapidjson::Document exchange(const std::string& method, const std::string& path,
                               const std::string& json_body = {});
  std::string transport_problem(const support::HttpResponse& response) const;

  Connection connection_;
  support::HttpClient client_;
  support::AddressCache versions_;
  std::string version_;
  bool version_cached_ = false;  // version_ came from the cache, not from this server just now
  std::chrono::milliseconds request_timeout_{0};
};

}  // namespace dlaunch::slurm

#endif  // DLAUNCH_SLURM_REST_API_HPP_
