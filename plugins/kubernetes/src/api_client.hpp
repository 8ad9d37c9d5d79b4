// Requests to the Kubernetes API server with the credentials of a ClusterAccess, and the one place that
// turns the server's answers into dlaunch errors:
//   no answer, TLS failure -> UNAVAILABLE (exit 69), with the HTTP client's reason and where the server came from;
//   401 -> UNAUTHENTICATED (77), naming the user and the context;
//   403 -> UNAUTHENTICATED (77), naming the verb, the resource and the namespace refused;
//   404 -> NOT_FOUND; 422 -> INVALID_ARGUMENT (65) with the server's field causes;
//   429 and 5xx -> retried a few times, then TEMPORARY (75).
#ifndef DLAUNCH_KUBERNETES_API_CLIENT_HPP_
#define DLAUNCH_KUBERNETES_API_CLIENT_HPP_

#include "credentials.hpp"
#include "kubeconfig.hpp"

#include <dlaunch/plugin.hpp>
#include <dlaunch_support/http_client.hpp>
#include <rapidjson/document.h>

#include <chrono>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace dlaunch::kubernetes {

// One request of a batch (ApiClient::call_all).
struct ApiRequest {
  std::string method;
  std::string path;
  std::string body;
  std::string content_type = "application/json";
};

// A client keeps one connection to the server for all its exchanges but watches and streams.
class ApiClient {
 public:
  // Obtains the credentials (runs an exec plugin when the kubeconfig says so). Warns once when TLS
  // verification is off.
  ApiClient(ClusterAccess access, std::chrono::milliseconds request_timeout, const sdk::Host& host);

  const ClusterAccess& access() const { return access_; }

  // One exchange. Answers 2xx and the statuses in `accepted` are returned; every other answer throws the
  // mapped sdk::Error.
  support::HttpResponse call(const std::string& method, const std::string& path, const std::string& body = {},
                             std::initializer_list<long> accepted = {},
                             const std::string& content_type = "application/json") const;
  // The exchanges at once (support::HttpClient::send_all: each on a connection of its own, or through a
  // proxy as libcurl's HTTP/2 streams on one connection); each retried and its answer accepted or
  // thrown as by call(). The answers are in the requests' order. Under -v, says how many connections it took.
  std::vector<support::HttpResponse> call_all(const std::vector<ApiRequest>& requests,
                                              std::initializer_list<long> accepted = {}) const;
  // The same exchanges, retried as by call_all, every answer returned (fail() says what one means): a caller
  // that must know which of them succeeded when another did not. Throws only when cancelled.
  std::vector<support::HttpResponse> exchange_all(const std::vector<ApiRequest>& requests) const;
  // GET of a JSON object; 404 throws NOT_FOUND.
  rapidjson::Document get(const std::string& path) const;

  // A watch (`path` carries watch=1 and resourceVersion): calls on_event(type, object) for each event
  // until it returns false, the server ends the watch, or `stop` says true. Returns false when the
  // server answered 410 Gone (the resourceVersion is too old: list again).
  bool watch(const std::string& path, const std::function<bool(std::string_view, const rapidjson::Value&)>& on_event,
             const std::function<bool()>& stop) const;

  // A streaming GET (pod logs with follow): hands the bytes to on_data until the server ends the stream,
  // on_data returns false or `stop` says true. Errors are thrown as by call().
  void stream(const std::string& path, const std::function<bool(std::string_view)>& on_data,
              const std::function<bool()>& stop) const;

  // Throws the error an answer maps to (see the top of this file).
  [[noreturn]] void fail(const std::string& method, const std::string& path, const support::HttpResponse& response) const;

 private:
  support::HttpRequest request(const std::string& method, const std::string& path) const;
  support::HttpOptions http_options(const std::function<bool()>& stop) const;

  ClusterAccess access_;
  Credentials credentials_;
  std::chrono::milliseconds request_timeout_;
  sdk::Host host_;
  support::HttpClient client_;
};

}  // namespace dlaunch::kubernetes

#endif  // DLAUNCH_KUBERNETES_API_CLIENT_HPP_
