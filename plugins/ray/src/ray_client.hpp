// The Ray Job Submission REST API (the dashboard, port 8265) as C++ calls: retries with capped exponential
// backoff and jitter, idempotent submission, and every failure turned into an sdk::Error with a message that
// says what to do.
#ifndef DLAUNCH_RAY_RAY_CLIENT_HPP_
#define DLAUNCH_RAY_RAY_CLIENT_HPP_

#include "endpoint.hpp"
#include "options.hpp"
#include "server_version.hpp"

#include <dlaunch/plugin.hpp>
#include <dlaunch_support/http_client.hpp>
#include <rapidjson/document.h>

#include <chrono>
#include <functional>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dlaunch::ray {

// How hard a RayClient call tries: by default up to [platform.ray] max_attempts times with backoff, each
// attempt bounded by request_timeout_s. A loop that does its own retrying (logs -f) asks for one attempt
// bounded by the time it has left (and never by more than request_timeout_s).
struct Patience {
  int attempts = 0;                      // 0: max_attempts
  std::chrono::milliseconds timeout{0};  // 0: request_timeout_s
};

class RayClient {
 public:
  RayClient(Endpoint endpoint, const RayOptions& options, const sdk::Host& host);

  const Endpoint& endpoint() const { return endpoint_; }

  // The requests, built the same way for sending and for dry runs.
  support::HttpRequest get_request(const std::string& path) const;
  support::HttpRequest submit_request(const std::string& body_json) const;
  support::HttpRequest upload_request(const std::string& package_name, std::string bytes) const;

  ServerVersion version() const;
  // One job's JobDetails object. NOT_FOUND when Ray does not know the id.
  rapidjson::Document job(const std::string& id, Patience patience = {}) const;
  // The same, or nothing only when the answer is Ray's own "Job ... does not exist": any other 404 is
  // UNAVAILABLE naming the server (what settles a killed submit as failed must be Ray's word).
  std::optional<rapidjson::Document> find_job(const std::string& id) const;
  // Every job's JobDetails, as Ray lists them (an array).
  rapidjson::Document jobs() const;
  // The state API's list of the placement groups the Ray job `job_id` (hex) created (see gang_wait.hpp).
  rapidjson::Document placement_groups(const std::string& job_id) const;
  // The driver's log so far, from byte `from` on, handed to `on_log` in pieces as it arrives: the answer is
  // read as it streams in (LogAnswerReader), so no log is held whole and no body cap applies to one. An
  // attempt that is tried again goes on where the last one stopped. Returns when the log was read, or when
  // on_log returned false.
  void logs(const std::string& id, uint64_t from, const std::function<bool(std::string_view)>& on_log,
            Patience patience = {}) const;
  // POST /api/jobs/ with the client's submission_id inside `body_json`. Never creates two jobs: a submit
  // whose outcome is unknown (the connection dropped, a timeout, a 5xx) is only re-sent after
  // GET /api/jobs/{submission_id} says 404, and "already exists" for our own id counts as success.
  void submit(const std::string& submission_id, const std::string& body_json) const;
  // True when Ray sent the stop signal, false when the job had already ended.
  bool stop(const std::string& id) const;
  // FAILED_PRECONDITION while the job is not terminal.
  void remove(const std::string& id) const;
  // GET /api/packages/gcs/NAME (which also pins the package for a while on the cluster).
  bool package_exists(const std::string& package_name) const;
  // PUTs the zip in `zip_file`, read as it is sent; `on_progress` sees the bytes sent and the total.
  void upload_package(const std::string& package_name, const std::string& zip_file,
                      const std::function<void(uint64_t, uint64_t)>& on_progress) const;

 private:
  // One exchange, logged at debug level. Throws CANCELLED when the user interrupted it.
  support::HttpResponse exchange(const support::HttpRequest& request) const;
  // Exchanges until the answer is final or the attempts are spent; `before_each` runs before each attempt.
  support::HttpResponse send(support::HttpRequest request, Patience patience = {},
                             const std::function<void()>& before_each = nullptr) const;
  // Sleeps before retry number `retry`; throws CANCELLED when the user interrupts the wait.
  void pause_before_retry(int retry, const support::HttpResponse& failure) const;
  [[noreturn]] void fail(const support::HttpRequest& request, const support::HttpResponse& response) const;
  [[noreturn]] void no_such_job(const std::string& id) const;
  rapidjson::Document parse_json(const support::HttpRequest& request, const support::HttpResponse& response) const;

  Endpoint endpoint_;
  RayOptions options_;
  sdk::Host host_;
  support::HttpClient client_;  // one connection for every request, an upload's too (its own timeout)
};

}  // namespace dlaunch::ray

#endif  // DLAUNCH_RAY_RAY_CLIENT_HPP_
