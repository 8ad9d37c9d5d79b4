#include "api_client.hpp"

#include "json.hpp"

#include <dlaunch_support/backoff.hpp>
#include <dlaunch_support/json.hpp>

#include <map>
#include <sstream>
#include <vector>

namespace dlaunch::kubernetes {
namespace {

constexpr int kMaxAttempts = 4;

// What a request asks of the API in RBAC's words: verb, resource (with group and subresource), namespace.
struct Call {
  std::string verb;
  std::string resource;
  std::string namespace_;
  std::string name;
};

Call describe_call(const std::string& method, const std::string& path) {
  Call call;
  std::string route = path.substr(0, path.find('?'));
  std::string query = path.find('?') == std::string::npos ? "" : path.substr(path.find('?'));
  std::vector<std::string> parts;
  std::stringstream in(route);
  for (std::string part; std::getline(in, part, '/');) {
    if (!part.empty()) parts.push_back(part);
  }
  // /api/v1/... or /apis/GROUP/VERSION/...
  size_t i = parts.size() > 0 && parts[0] == "api" ? 2 : 3;
  std::string group = parts.size() > 1 && parts[0] == "apis" ? parts[1] : "";
  if (i + 1 < parts.size() && parts[i] == "namespaces") {
    call.namespace_ = parts[i + 1];
    i += 2;
  }
  if (i < parts.size()) call.resource = parts[i] + (group.empty() ? "" : "." + group);
  if (i + 1 < parts.size()) call.name = parts[i + 1];
  if (i + 2 < parts.size()) call.resource = parts[i] + "/" + parts[i + 2] + (group.empty() ? "" : "." + group);
  bool named = !call.name.empty();
  if (method == "GET") {
    call.verb = query.find("watch=1") != std::string::npos ? "watch" : named ? "get" : "list";
  } else if (method == "POST") {
    call.verb = "create";
  } else if (method == "PATCH") {
    call.verb = "patch";
  } else if (method == "PUT") {
    call.verb = "update";
  } else if (method == "DELETE") {
    call.verb = named ? "delete" : "deletecollection";
  }
  return call;
}

// The server's own words: a Status object's message, else the body's start.
std::string server_message(const support::HttpResponse& response) {
  rapidjson::Document status = json::parse(response.body);
  std::string message = json::text(status, "message");
  if (!message.empty()) return message;
  std::string body = response.body.substr(0, 300);
  while (!body.empty() && (body.back() == '\n' || body.back() == ' ')) body.pop_back();
  if (!body.empty()) return body;
  // No body (the server cut the connection after the status line): the status's own words.
  static const std::map<long, const char*> kPhrases = {{400, "Bad Request"},   {401, "Unauthorized"}, {403, "Forbidden"},
                                                       {404, "Not Found"},     {409, "Conflict"},     {422, "Unprocessable Entity"},
                                                       {429, "Too Many Requests"}};
  auto phrase = kPhrases.find(response.status);
  return "HTTP " + std::to_string(response.status) + (phrase == kPhrases.end() ? "" : std::string(" ") + phrase->second);
}

// A 422's field causes, one per line: "  spec.template.spec.containers[0].image: Required value".
std::string field_causes(const support::HttpResponse& response) {
  rapidjson::Document status = json::parse(response.body);
  const auto& causes = json::at(status, "details.causes");
  std::string out;
  if (!causes.IsArray()) return out;
  for (const auto& cause : causes.GetArray()) {
    std::string field = json::text(cause, "field");
    out += "\n  " + (field.empty() ? std::string("(object)") : field) + ": " + json::text(cause, "message");
  }
  return out;
}

bool worth_retrying(const support::HttpResponse& response) {
  return !response.transport_failed() && (response.status == 429 || response.status == 500 ||
                                          response.status == 502 || response.status == 503 || response.status == 504);
}

}  // namespace

ApiClient::ApiClient(ClusterAccess access, std::chrono::milliseconds request_timeout, const sdk::Host& host)
    : access_(std::move(access)),
      credentials_(obtain_credentials(access_)),
      request_timeout_(request_timeout),
      host_(host),
      client_(http_options(nullptr)) {
  if (access_.insecure_skip_tls_verify) {
    host_.warn("TLS verification is off for " + access_.server + " (insecure-skip-tls-verify in " + access_.source +
               "): anyone on the path can read and change what dlaunch sends, credentials included");
  }
}

support::HttpOptions ApiClient::http_options(const std::function<bool()>& stop) const {
  support::HttpOptions http;
  http.verify_tls = !access_.insecure_skip_tls_verify;
  http.ca_file = access_.ca_file;
  http.ca_pem = access_.ca_pem;
  http.client_cert_file = credentials_.cert_file;
  http.client_cert_pem = credentials_.cert_pem;
  http.client_key_file = credentials_.key_file;
  http.client_key_pem = credentials_.key_pem;
  http.proxy = access_.proxy_url;
  http.connect_timeout = std::chrono::seconds(5);
  http.request_timeout = request_timeout_;
  http.user_agent = "dlaunch-kubernetes";
  sdk::Host host = host_;
  http.should_abort = [host, stop] { return host.cancelled() || (stop && stop()); };
  return http;
}

support::HttpRequest ApiClient::request(const std::string& method, const std::string& path) const {
  support::HttpRequest request;
  request.method = method;
  request.url = access_.server + path;
  request.headers.emplace_back("Accept", "application/json");
  if (!credentials_.bearer_token.empty()) {
    request.headers.emplace_back("Authorization", "Bearer " + credentials_.bearer_token);
  }
  return request;
}

support::HttpResponse ApiClient::call(const std::string& method, const std::string& path, const std::string& body,
                                      std::initializer_list<long> accepted, const std::string& content_type) const {
  return std::move(call_all({ApiRequest{method, path, body, content_type}}, accepted).front());
}

std::vector<support::HttpResponse> ApiClient::call_all(const std::vector<ApiRequest>& requests,
                                                       std::initializer_list<long> accepted) const {
  std::vector<support::HttpResponse> responses = exchange_all(requests);
  for (size_t i = 0; i < requests.size(); ++i) {
    const support::HttpResponse& response = responses[i];
    bool accept = response.ok();
    for (long status : accepted) accept = accept || (!response.transport_failed() && response.status == status);
    if (!accept) fail(requests[i].method, requests[i].path, response);
  }
  return responses;
}

std::vector<support::HttpResponse> ApiClient::exchange_all(const std::vector<ApiRequest>& requests) const {
  std::vector<support::HttpRequest> http;
  for (const ApiRequest& r : requests) {
    http.push_back(request(r.method, r.path));
    http.back().body = r.body;
    http.back().content_type = r.content_type;
  }
  std::vector<support::HttpResponse> responses(requests.size());
  std::vector<size_t> pending(requests.size());  // indexes of the requests still to send
  for (size_t i = 0; i < pending.size(); ++i) pending[i] = i;
  long connections = 0;
  for (int attempt = 1;; ++attempt) {
    std::vector<support::HttpRequest> round;
    for (size_t i : pending) round.push_back(http[i]);
    auto started = std::chrono::steady_clock::now();
    std::vector<support::HttpResponse> answers = client_.send_all(round);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    std::vector<size_t> retry;
    for (size_t k = 0; k < pending.size(); ++k) {
      support::HttpResponse& response = responses[pending[k]] = std::move(answers[k]);
      connections += response.connections_opened;
      // The API server may close the connection right after an error answer (a 401 to a POST, seen with
      // kube-apiserver 1.37), which libcurl reports as a cut transfer: the status line arrived, and it is
      // the answer.
      if (response.transport_failed() && !response.aborted && response.status >= 400) response.transport_error.clear();
      host_.debug(round[k].method + " " + round[k].url + " -> " +
                  (response.transport_failed() ? response.transport_error : std::to_string(response.status)) + " (" +
                  std::to_string(ms.count()) + " ms)");
      if (response.aborted) throw sdk::Error(DLAUNCH_ERR_CANCELLED, "cancelled");
      if (worth_retrying(response)) retry.push_back(pending[k]);
    }
    if (requests.size() > 1) {
      const std::string& protocol = responses[pending[0]].protocol;
      host_.debug(std::to_string(round.size()) + " requests at once over " + (protocol.empty() ? "no connection" : protocol) +
                  ": " + std::to_string(connections) + " connection(s) opened");
    }
    if (retry.empty() || attempt == kMaxAttempts) break;
    support::BackoffPolicy policy;
    policy.max_attempts = kMaxAttempts;
    if (!support::sleep_unless_cancelled(support::backoff_delay(policy, attempt), [this] { return host_.cancelled(); })) {
      throw sdk::Error(DLAUNCH_ERR_CANCELLED, "cancelled");
    }
    pending = std::move(retry);
  }
  return responses;
}

rapidjson::Document ApiClient::get(const std::string& path) const {
  support::HttpResponse response = call("GET", path);
  rapidjson::Document doc;
  const std::string wrong = support::parse_json(doc, response.body);
  if (!doc.IsObject()) {
    throw sdk::Error(DLAUNCH_ERR_INTERNAL, "GET " + access_.server + path + " answered " +
                                               (wrong.empty() ? "something other than a JSON object" : wrong));
  }
  return doc;
}

bool ApiClient::watch(const std::string& path,
                      const std::function<bool(std::string_view, const rapidjson::Value&)>& on_event,
                      const std::function<bool()>& stop) const {
  support::HttpClient client(http_options(stop));
  support::HttpRequest req = request("GET", path);
  std::string pending;
  bool gone = false;
  support::HttpResponse response = client.stream(req, [&](std::string_view data) {
    pending.append(data);
    for (size_t newline; (newline = pending.find('\n')) != std::string::npos;) {
      rapidjson::Document event = json::parse(std::string_view(pending).substr(0, newline));
      pending.erase(0, newline + 1);
      std::string type = json::text(event, "type");
      const auto& object = json::at(event, "object");
      if (type == "ERROR") {
        gone = json::integer(object, "code") == 410;
        return false;
      }
      if (!type.empty() && !on_event(type, object)) return false;
    }
    return true;
  });
  if (response.aborted) {
    if (host_.cancelled()) throw sdk::Error(DLAUNCH_ERR_CANCELLED, "cancelled");
    return true;  // stopped by `stop`
  }
  if (response.status == 410) return false;
  if (!response.transport_failed() && response.status >= 300) fail("GET", path, response);
  if (response.transport_failed() && !response.timed_out) fail("GET", path, response);
  return !gone;
}

void ApiClient::stream(const std::string& path, const std::function<bool(std::string_view)>& on_data,
                       const std::function<bool()>& stop) const {
  support::HttpClient client(http_options(stop));
  support::HttpResponse response = client.stream(request("GET", path), on_data);
  if (response.aborted) {
    if (host_.cancelled()) throw sdk::Error(DLAUNCH_ERR_CANCELLED, "cancelled");
    return;
  }
  if (response.transport_failed() || response.status >= 300) fail("GET", path, response);
}

void ApiClient::fail(const std::string& method, const std::string& path, const support::HttpResponse& response) const {
  const std::string where = "the Kubernetes API server at " + access_.server;
  const std::string context = access_.context.empty() ? access_.source : "context '" + access_.context + "'";
  if (response.transport_failed()) {
    std::string reason = response.transport_error;
    std::string hint = ". Is the cluster up, and is " + context + " the right one?";
    if (reason.find("SSL") != std::string::npos || reason.find("certificate") != std::string::npos) {
      hint = ". The server's certificate was not verified against the cluster's CA (certificate-authority of "
             "cluster '" + access_.cluster_name + "' in " + access_.source + ")";
    }
    throw sdk::Error(DLAUNCH_ERR_UNAVAILABLE, "cannot reach " + where + " (" + context + "): " + reason + hint);
  }
  const std::string says = server_message(response);
  const std::string user = access_.user_name.empty() ? "the anonymous user" : "user '" + access_.user_name + "'";
  Call call = describe_call(method, path);
  switch (response.status) {
    case 401:
      throw sdk::Error(DLAUNCH_ERR_UNAUTHENTICATED, where + " refused the credentials of " + user + " (" + context +
                                                        ", " + credentials_.method + "): " + says);
    case 403:
      throw sdk::Error(DLAUNCH_ERR_UNAUTHENTICATED,
                       user + " (" + context + ") may not " + call.verb + " " + call.resource +
                           (call.namespace_.empty() ? "" : " in namespace '" + call.namespace_ + "'") + ": " + says);
    case 404:
      throw sdk::Error(DLAUNCH_ERR_NOT_FOUND, says);
    case 409:
      throw sdk::Error(DLAUNCH_ERR_FAILED_PRECONDITION, says);
    case 400:
    case 422:
    {
      // "Job.batch "x" is invalid: <cause>, <cause>": the causes follow one per line instead.
      std::string causes = field_causes(response);
      std::string summary = says;
      if (auto cut = summary.find(" is invalid: "); !causes.empty() && cut != std::string::npos) {
        summary = summary.substr(0, cut + 11);
      }
      throw sdk::Error(DLAUNCH_ERR_INVALID_ARGUMENT,
                       where + " refused to " + call.verb + " " + call.resource + ": " + summary + causes);
    }
    case 429:
    case 500:
    case 502:
    case 503:
    case 504:
      throw sdk::Error(DLAUNCH_ERR_TEMPORARY, where + " answered " + method + " " + path + " with HTTP " +
                                                  std::to_string(response.status) + " " + std::to_string(kMaxAttempts) +
                                                  " times: " + says);
    default:
      throw sdk::Error(DLAUNCH_ERR_INTERNAL, where + " answered " + method + " " + path + " with HTTP " +
                                                 std::to_string(response.status) + ": " + says);
  }
}

}  // namespace dlaunch::kubernetes
