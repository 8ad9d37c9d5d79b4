#include "ray_client.hpp"

#include "gang_wait.hpp"
#include "log_answer.hpp"

#include <dlaunch_support/backoff.hpp>
#include <dlaunch_support/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>

namespace dlaunch::ray {
namespace {

using support::HttpRequest;
using support::HttpResponse;

constexpr const char* kJobsPath = "/api/jobs/";  // the trailing slash is part of Ray's route

// Answers that look like server failures but are Ray's final word: retrying cannot change them.
bool is_final_answer(const HttpResponse& response) {
  return response.body.find("already exists") != std::string::npos ||
         response.body.find("non-terminal state") != std::string::npos;
}

bool worth_retrying(const HttpResponse& response, const Endpoint& endpoint) {
  if (response.aborted) return false;
  // Nothing listens at a loopback address: that is this machine's answer, and no retry changes it.
  if (response.connect_failed && endpoint.loopback) return false;
  if (response.transport_failed()) return true;
  return response.status >= 500 && !is_final_answer(response);
}

// Ray's error bodies are plain text, usually a Python traceback whose last line is the actual error.
std::string summary(const std::string& body) {
  std::string text = body;
  while (!text.empty() && (text.back() == '\n' || text.back() == '.' || text.back() == ' ')) text.pop_back();
  auto line_start = text.rfind('\n');
  std::string last = line_start == std::string::npos ? text : text.substr(line_start + 1);
  constexpr size_t kMax = 500;
  if (last.size() > kMax) last = last.substr(0, kMax) + "...";
  return last;
}

std::string describe_failure(const HttpResponse& response) {
  if (response.transport_failed()) return response.transport_error;
  return "HTTP " + std::to_string(response.status) + ": " + summary(response.body);
}

support::HttpOptions http_options(const RayOptions& options, const sdk::Host& host) {
  support::HttpOptions http;
  http.verify_tls = !options.insecure_skip_tls_verify;
  http.ca_file = options.ca_file;
  http.connect_timeout = options.connect_timeout;
  http.request_timeout = options.request_timeout;
  http.user_agent = "dlaunch-ray";  // never a browser's: Ray refuses POST/PUT from "Mozilla..." agents
  http.should_abort = [host] { return host.cancelled(); };
  return http;
}

}  // namespace

RayClient::RayClient(Endpoint endpoint, const RayOptions& options, const sdk::Host& host)
    : endpoint_(std::move(endpoint)),
      options_(options),
      host_(host),
      client_(http_options(options, host)) {
  // Once per process: every command makes clients, and one warning says it.
  static std::atomic<bool> warned{false};
  if (options.insecure_skip_tls_verify && endpoint_.address.starts_with("https://") && !warned.exchange(true)) {
    host_.warn("TLS certificate verification is off for " + endpoint_.address +
               " (insecure_skip_tls_verify): anyone on the path can read the token and change the answers");
  }
}

HttpRequest RayClient::get_request(const std::string& path) const {
  HttpRequest request;
  request.url = endpoint_.address + path;
  request.headers = endpoint_.headers;
  return request;
}

HttpRequest RayClient::submit_request(const std::string& body_json) const {
  HttpRequest request = get_request(kJobsPath);
  request.method = "POST";
  request.body = body_json;
  request.content_type = "application/json";
  return request;
}

HttpRequest RayClient::upload_request(const std::string& package_name, std::string bytes) const {
  HttpRequest request = get_request("/api/packages/gcs/" + package_name);
  request.method = "PUT";
  request.body = std::move(bytes);
  request.content_type = "application/zip";
  return request;
}

HttpResponse RayClient::exchange(const HttpRequest& request) const {
  auto started = std::chrono::steady_clock::now();
  HttpResponse response = client_.send(request);
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  host_.debug(request.method + " " + request.url + " -> " +
              (response.transport_failed() ? response.transport_error : std::to_string(response.status)) + " (" +
              std::to_string(elapsed.count()) + " ms, " +
              (response.connections_opened > 0 ? "new connection" : "kept-alive connection") + ")");
  if (response.aborted) throw sdk::Error(DLAUNCH_ERR_CANCELLED, "cancelled");
  return response;
}

void RayClient::pause_before_retry(int retry, const HttpResponse& failure) const {
  support::BackoffPolicy policy;
  policy.max_attempts = options_.max_attempts;
  auto delay = support::backoff_delay(policy, retry);
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1f", delay.count() / 1000.0);
  host_.warn(endpoint_.address + ": " + describe_failure(failure) + "; retrying in " + seconds +
             " s (attempt " + std::to_string(retry + 1) + " of " + std::to_string(options_.max_attempts) + ")");
  if (!support::sleep_unless_cancelled(delay, [this] { return host_.cancelled(); })) {
    throw sdk::Error(DLAUNCH_ERR_CANCELLED, "cancelled");
  }
}

HttpResponse RayClient::send(HttpRequest request, Patience patience,
                             const std::function<void()>& before_each) const {
  if (patience.timeout.count() > 0) request.timeout = std::min(patience.timeout, options_.request_timeout);
  const int attempts = patience.attempts > 0 ? patience.attempts : options_.max_attempts;
  if (before_each) before_each();
  HttpResponse response = exchange(request);
  for (int attempt = 2; attempt <= attempts && worth_retrying(response, endpoint_); ++attempt) {
    pause_before_retry(attempt - 1, response);
    if (before_each) before_each();
    response = exchange(request);
  }
  return response;
}

void RayClient::fail(const HttpRequest& request, const HttpResponse& response) const {
  const std::string& address = endpoint_.address;
  const std::string what = request.method + " " + request.url;
  if (response.transport_failed()) {
    if (response.timed_out) {
      throw sdk::Error(DLAUNCH_ERR_TEMPORARY, "the Ray dashboard at " + address + " did not answer " + what +
                                                  " in time (" + response.transport_error +
                                                  "); try again, or raise [platform.ray] request_timeout_s");
    }
    throw sdk::Error(DLAUNCH_ERR_UNAVAILABLE,
                     "cannot reach the Ray dashboard at " + address + " (from " + endpoint_.address_source +
                         "): " + response.transport_error +
                         ". Is the cluster up? Set [platform.ray] address or RAY_ADDRESS to its dashboard URL.");
  }
  const std::string server_says = summary(response.body);
  switch (response.status) {
    case 401:
      throw sdk::Error(DLAUNCH_ERR_UNAUTHENTICATED,
                       "the Ray cluster at " + address + " requires an authentication token (" + server_says +
                           "). Pass the cluster's token with [platform.ray] token_file = \"/path/to/token\", "
                           "RAY_AUTH_TOKEN=<token>, RAY_AUTH_TOKEN_PATH=/path/to/token, or the file "
                           "~/.ray/auth_token (`ray get-auth-token` prints it on the cluster).");
    case 403:
      throw sdk::Error(DLAUNCH_ERR_UNAUTHENTICATED,
                       "the Ray cluster at " + address + " refused the token (" + server_says + "); it came from " +
                           (endpoint_.credentials ? endpoint_.credentials->source
                                                  : std::string("[platform.ray] headers")) +
                           ". Pass the cluster's own token with [platform.ray] token_file, RAY_AUTH_TOKEN, "
                           "RAY_AUTH_TOKEN_PATH or ~/.ray/auth_token.");
    case 404:
      throw sdk::Error(DLAUNCH_ERR_NOT_FOUND, "Ray at " + address + ": " + server_says);
    default:
      break;
  }
  if (response.status >= 400 && response.status < 500) {
    throw sdk::Error(DLAUNCH_ERR_INVALID_ARGUMENT, "Ray at " + address + " rejected " + what + ": " + server_says);
  }
  throw sdk::Error(DLAUNCH_ERR_INTERNAL, "Ray at " + address + " failed " + what + " (HTTP " +
                                             std::to_string(response.status) + "): " + server_says);
}

rapidjson::Document RayClient::parse_json(const HttpRequest& request, const HttpResponse& response) const {
  rapidjson::Document doc;
  if (const std::string wrong = support::parse_json(doc, response.body); !wrong.empty()) {
    throw sdk::Error(DLAUNCH_ERR_INTERNAL, "Ray at " + endpoint_.address + " answered " + request.method + " " +
                                               request.url + " with " + wrong + ": " + response.body.substr(0, 200));
  }
  return doc;
}

ServerVersion RayClient::version() const {
  HttpRequest request = get_request("/api/version");
  HttpResponse response = send(request);
  if (response.status == 404) {
    throw sdk::Error(DLAUNCH_ERR_UNAVAILABLE, endpoint_.address +
                                                  " has no Ray Jobs API (GET /api/version: 404); it needs Ray 1.9 "
                                                  "or newer, and the address must be the dashboard's (port 8265)");
  }
  if (!response.ok()) fail(request, response);
  return ServerVersion::parse(response.body, endpoint_.address);
}

void RayClient::no_such_job(const std::string& id) const {
  throw sdk::Error(DLAUNCH_ERR_NOT_FOUND, "Ray at " + endpoint_.address + " has no job '" + id +
                                              "' (deleted, or the cluster restarted: Ray keeps jobs only in its "
                                              "GCS)");
}

rapidjson::Document RayClient::job(const std::string& id, Patience patience) const {
  HttpRequest request = get_request(kJobsPath + id);
  HttpResponse response = send(request, patience);
  if (response.status == 404) no_such_job(id);
  if (!response.ok()) fail(request, response);
  return parse_json(request, response);
}

std::optional<rapidjson::Document> RayClient::find_job(const std::string& id) const {
  HttpRequest request = get_request(kJobsPath + id);
  HttpResponse response = send(request);
  if (response.status == 404) {
    // The dashboard's own answer for an id it does not hold (job_head.py); a 404 of something else at the
    // address (a proxy, another service, a path it does not route) says nothing about the job.
    if (response.body.find("Job " + id + " does not exist") != std::string::npos) return std::nullopt;
    throw sdk::Error(DLAUNCH_ERR_UNAVAILABLE, endpoint_.address + " (from " + endpoint_.address_source +
                                                  ") answered GET " + kJobsPath + id + " with a 404 that is not Ray's "
                                                  "(\"" + summary(response.body) + "\"): is it a Ray dashboard?");
  }
  if (!response.ok()) fail(request, response);
  return parse_json(request, response);
}

rapidjson::Document RayClient::jobs() const {
  HttpRequest request = get_request(kJobsPath);
  HttpResponse response = send(request);
  if (!response.ok()) fail(request, response);
  rapidjson::Document doc = parse_json(request, response);
  if (!doc.IsArray()) {
    throw sdk::Error(DLAUNCH_ERR_INTERNAL,
                     "Ray at " + endpoint_.address + " did not answer GET " + kJobsPath + " with a list of jobs");
  }
  return doc;
}

rapidjson::Document RayClient::placement_groups(const std::string& job_id) const {
  HttpRequest request = get_request(placement_groups_path(job_id));
  HttpResponse response = send(request);
  if (!response.ok()) fail(request, response);
  return parse_json(request, response);
}

void RayClient::logs(const std::string& id, uint64_t from, const std::function<bool(std::string_view)>& on_log,
                     Patience patience) const {
  HttpRequest request = get_request(kJobsPath + id + "/logs");
  uint64_t handed = from;  // of the log: bytes before it were handed on (or not wanted)
  std::optional<LogAnswerReader> answer;
  // Each attempt reads the answer from its start: only the bytes past those handed on go on.
  auto begin_attempt = [&] {
    answer.emplace([&](std::string_view bytes) {
      const uint64_t end = answer->log_bytes();
      if (end <= handed) return true;
      const uint64_t skip = handed - (end - bytes.size());
      handed = end;
      return on_log(bytes.substr(skip));
    });
  };
  request.on_body = [&](std::string_view data) { return answer->read(data); };
  HttpResponse response = send(request, patience, begin_attempt);
  if (response.status == 404) no_such_job(id);
  if (!response.ok()) fail(request, response);
  if (answer->stopped()) return;
  if (!answer->finish()) {
    throw sdk::Error(DLAUNCH_ERR_INTERNAL, "Ray at " + endpoint_.address + " answered GET " + request.url +
                                               " with something that is not {\"logs\": \"...\"}: " +
                                               answer->error());
  }
}

void RayClient::submit(const std::string& submission_id, const std::string& body_json) const {
  HttpRequest post = submit_request(body_json);
  HttpRequest probe = get_request(kJobsPath + submission_id);
  bool outcome_unknown = false;
  HttpResponse response;
  for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    if (attempt > 1) pause_before_retry(attempt - 1, response);
    if (outcome_unknown) {
      HttpResponse found = exchange(probe);
      if (found.ok()) {
        host_.info("an earlier attempt of submission " + submission_id + " reached Ray; not sending it again");
        return;
      }
      if (found.status != 404) {
        response = found;
        if (worth_retrying(found, endpoint_)) continue;
        fail(probe, found);
      }
    }
    response = exchange(post);
    if (response.ok()) return;
    // The id is unique to this submission: if Ray already has it, an earlier attempt created it.
    if (response.body.find("already exists") != std::string::npos) return;
    if (!worth_retrying(response, endpoint_)) break;
    outcome_unknown = true;
  }
  fail(post, response);
}

bool RayClient::stop(const std::string& id) const {
  HttpRequest request = get_request(kJobsPath + id + "/stop");
  request.method = "POST";
  HttpResponse response = send(request);
  if (response.status == 404) no_such_job(id);
  if (!response.ok()) fail(request, response);
  rapidjson::Document doc = parse_json(request, response);
  return doc.IsObject() && doc.HasMember("stopped") && doc["stopped"].IsBool() && doc["stopped"].GetBool();
}

void RayClient::remove(const std::string& id) const {
  HttpRequest request = get_request(kJobsPath + id);
  request.method = "DELETE";
  HttpResponse response = send(request);
  if (response.body.find("non-terminal state") != std::string::npos) {
    throw sdk::Error(DLAUNCH_ERR_FAILED_PRECONDITION,
                     "Ray job " + id + " is still running; stop it first (dlaunch stop ray:" + id + ")");
  }
  if (response.status == 404) no_such_job(id);
  if (!response.ok()) fail(request, response);
  rapidjson::Document doc = parse_json(request, response);
  if (!(doc.IsObject() && doc.HasMember("deleted") && doc["deleted"].IsBool() && doc["deleted"].GetBool())) {
    throw sdk::Error(DLAUNCH_ERR_INTERNAL, "Ray at " + endpoint_.address + " did not delete job " + id + ": " +
                                               response.body);
  }
}

bool RayClient::package_exists(const std::string& package_name) const {
  HttpRequest request = get_request("/api/packages/gcs/" + package_name);
  HttpResponse response = send(request);
  if (response.status == 404) return false;
  if (!response.ok()) fail(request, response);
  return true;
}

void RayClient::upload_package(const std::string& package_name, const std::string& zip_file,
                               const std::function<void(uint64_t, uint64_t)>& on_progress) const {
  HttpRequest request = upload_request(package_name, {});
  request.body_file = zip_file;
  request.on_upload_progress = on_progress;
  request.timeout = options_.upload_timeout;  // over the connection the check and the submit use
  HttpResponse response = send(request);
  if (!response.ok()) fail(request, response);
}

}  // namespace dlaunch::ray
