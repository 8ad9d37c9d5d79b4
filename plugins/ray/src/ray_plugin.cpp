#include "ray_plugin.hpp"

#include "gang_wait.hpp"
#include "job_details.hpp"
#include "job_log.hpp"
#include "job_translation.hpp"
#include "log_follow.hpp"
#include "server_version_cache.hpp"
#include "upload_progress.hpp"

#include <dlaunch_support/http_client.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#ifndef DLAUNCH_RAY_PLUGIN_VERSION
#error "the build defines DLAUNCH_RAY_PLUGIN_VERSION"
#endif

namespace dlaunch::ray {
namespace {

constexpr const char* kDriverDir = "driver";  // in the plugin directory, holding the dlaunch_ray_driver package

PackageOptions package_options(const RayOptions& options, const std::string& what, const std::string& prefix,
                               const std::string& state_dir) {
  PackageOptions o;
  o.what = what;
  o.excludes = options.excludes;
  o.prefix = prefix;
  // Ray's client reads .gitignore files unless this variable says not to; dlaunch does the same.
  const char* ignore_gitignore = std::getenv("RAY_RUNTIME_ENV_IGNORE_GITIGNORE");
  o.read_gitignore = ignore_gitignore == nullptr || std::string_view(ignore_gitignore) != "1";
  o.limit = static_cast<uint64_t>(std::max<int64_t>(options.upload_limit_bytes, 0));
  if (!state_dir.empty()) o.cache_dir = std::filesystem::path(state_dir) / "package-digests";
  return o;
}

std::string package_summary(const Package& package) {
  return std::to_string(package.entry_count()) + " entries, " + human_size(package.content_bytes()) +
         " before compression";
}

}  // namespace

void RayPlugin::init(const sdk::InitContext& context) {
  host_ = context.host;
  plugin_dir_ = context.plugin_dir;
  state_dir_ = context.state_dir;
}

RayClient RayPlugin::connect(const RayOptions& options) const {
  return RayClient(resolve_endpoint(options), options, host_);
}

RayClient RayPlugin::connect(std::string_view options_json) const {
  return connect(RayOptions::from(sdk::Options::parse(options_json)));
}

void RayPlugin::validate(const sdk::JobRequest& request, const sdk::DiagnosticsOut& out) {
  sdk::Job job = sdk::parse_job(request.job_json);
  validate_options(job.platform, out);
  sdk::refuse_fields_not_honoured(job, "ray",
                                  {"config", "start_timeout", "failover.scope", "roles.min_replicas",
                                   "roles.max_restarts", "roles.launcher", "roles.nproc_per_node",
                                   "roles.rdzv_backend", "roles.rdzv_port", "roles.tf_task",
                                   "roles.resources.gpu_share", "colocations"},
                                  {{"priority", "Ray has no notion of a job's priority"}}, out);
  RayOptions options = RayOptions::from(job.platform);
  if (needs_gang_driver(job) && options.python.empty()) {
    out.error("platform.ray.python",
              "a Python interpreter is needed to run dlaunch's gang driver (a job with several replicas or roles, "
              "restarts, torchrun, a start_timeout or a tf_task)");
  }
}

RayPlugin::Prepared RayPlugin::prepare(const sdk::JobRequest& request) const {
  Prepared p{sdk::parse_job(request.job_json), {}, ray_submission_id(request.submission_id), {}, {}};
  p.options = RayOptions::from(p.job.platform);
  if (!p.job.working_dir.empty() && !has_remote_working_dir(p.options)) {
    // An empty directory has nothing to ship (and a zip of nothing cannot be written): no working_dir then.
    Package package = Package::scan(p.job.working_dir, package_options(p.options, "working_dir", {}, state_dir_));
    if (package.entry_count() > 0) p.working_dir = std::move(package);
  }
  if (needs_gang_driver(p.job)) {
    std::filesystem::path driver = std::filesystem::path(plugin_dir_) / kDriverDir / kDriverModule;
    if (!std::filesystem::is_directory(driver)) {
      throw sdk::Error(DLAUNCH_ERR_INTERNAL, "the ray plugin's job driver is missing (" + driver.string() +
                                                 "); reinstall dlaunch's ray plugin");
    }
    p.driver = Package::scan(driver, package_options(p.options, "driver", std::string(kDriverModule) + "/", state_dir_));
  }
  return p;
}

void RayPlugin::dry_run(const sdk::JobRequest& request, const sdk::TextOut& out) {
  Prepared p = prepare(request);
  // The job's secret-looking variables (HF_TOKEN, ...) show as "***" in the request below, as in every dry run.
  sdk::mask_secret_env(p.job);
  // Resolving the endpoint reads the token (to show that one would be sent) but connects to nothing.
  RayClient client = connect(p.options);
  SubmitInputs inputs{&p.job, &p.options, p.ray_id, std::string(request.submission_id), DLAUNCH_RAY_PLUGIN_VERSION,
                      ServerVersion::newest(), "", ""};
  // Every value of the user's headers option is secret, whatever its name.
  std::vector<std::string> secret_headers;
  for (const auto& header : p.options.headers) secret_headers.push_back(header.first);
  auto describe = [&](const support::HttpRequest& request) {
    return support::describe_request(request, secret_headers);
  };
  std::string text = "# Ray dry run: nothing is sent. Ray " + inputs.server.ray_version +
                     " assumed; on submit, fields the server does not know are left out.\n";
  text += describe(client.get_request("/api/version")) + "\n";
  auto describe_package = [&](Package& package, const std::string& what) {
    ZipFile zip = package.zip();
    text += "# " + what + " " + package.root().string() + " -> " + package.name() + " (" + package_summary(package) +
            "); uploaded only if the GET answers 404\n";
    text += describe(client.get_request("/api/packages/gcs/" + package.name())) + "\n";
    auto put = client.upload_request(package.name(), "<" + std::to_string(zip.size()) + " bytes of zip>");
    text += describe(put) + "\n";
    return package.uri();
  };
  if (p.working_dir) inputs.working_dir_uri = describe_package(*p.working_dir, "working_dir");
  if (p.driver) inputs.driver_uri = describe_package(*p.driver, "driver");
  SubmitBody body = build_submit_body(inputs);
  auto post = client.submit_request(body.pretty_json);
  text += describe(post);
  out.write(text);
}

void RayPlugin::upload_if_missing(const RayClient& client, Package& package) const {
  // Named from the digest cache, an unchanged directory is neither read nor zipped again; else zipping names it.
  std::optional<ZipFile> zip;
  if (!package.named()) zip.emplace(package.zip());
  const bool asked = packages_on_cluster_.ensure(client.endpoint().address, package.name(), [&] {
    if (client.package_exists(package.name())) {
      host_.info(package.root().string() + " is already on the cluster as " + package.name() + "; upload skipped");
      return;
    }
    if (!zip) zip.emplace(package.zip());
    host_.info("uploading " + package.root().string() + " as " + package.name() + " (" + human_size(zip->size()) +
               ")");
    UploadProgress progress("uploading " + package.name());
    client.upload_package(package.name(), zip->path().string(),
                          [&](uint64_t sent, uint64_t total) { progress.update(sent, total); });
  });
  if (!asked) {
    host_.info(package.root().string() + " is already on the cluster as " + package.name() +
               " (this process saw it there); upload skipped");
  }
}

std::string RayPlugin::submit(const sdk::JobRequest& request) {
  if (request.submission_id.empty()) {
    throw sdk::Error(DLAUNCH_ERR_INVALID_ARGUMENT, "the host passed no submission_id; it is Ray's idempotency key");
  }
  Prepared p = prepare(request);
  RayClient client = connect(p.options);
  ServerVersionCache versions(state_dir_.empty() ? std::filesystem::path()
                                                 : std::filesystem::path(state_dir_) / "server-versions");
  const std::string& address = client.endpoint().address;
  std::optional<ServerVersion> cached = versions.load(address);
  auto ask = [&] {
    ServerVersion server = client.version();
    versions.save(address, server);
    return server;
  };
  SubmitInputs inputs{&p.job, &p.options, p.ray_id, std::string(request.submission_id), DLAUNCH_RAY_PLUGIN_VERSION,
                      cached ? *cached : ask(), "", ""};
  if (p.working_dir) {
    upload_if_missing(client, *p.working_dir);
    inputs.working_dir_uri = p.working_dir->uri();
  }
  if (p.driver) {
    upload_if_missing(client, *p.driver);
    inputs.driver_uri = p.driver->uri();
  }
  SubmitBody body = build_submit_body(inputs);
  for (const auto& note : body.left_out) host_.warn(note);
  try {
    client.submit(p.ray_id, body.json);
  } catch (const sdk::Error& error) {
    // Ray rejects (HTTP 4xx) a body with a field it does not know: the cluster behind this address may have
    // changed version since it was cached. Ask again, and send again only when the answer differs: a
    // rejected submit created no job, and the submission id keeps a second send from making two.
    if (!cached || error.code() != DLAUNCH_ERR_INVALID_ARGUMENT) throw;
    versions.forget(address);
    inputs.server = ask();
    if (inputs.server == *cached) throw;
    host_.info("Ray at " + address + " is now " + inputs.server.ray_version + " (cached: " + cached->ray_version +
               "); submitting again");
    body = build_submit_body(inputs);
    for (const auto& note : body.left_out) host_.warn(note);
    client.submit(p.ray_id, body.json);
  }
  return p.ray_id;
}

sdk::JobStatus RayPlugin::status(const sdk::JobRef& ref) {
  RayClient client = connect(ref.options_json);
  rapidjson::Document details = client.job(std::string(ref.native_id));
  sdk::JobStatus status = to_job_status(details);
  std::string job_id = driver_job_id(details);
  if (status.state != DLAUNCH_STATE_RUNNING || !runs_gang_driver(details) || job_id.empty()) return status;
  // A running gang driver may still wait for the cluster to hold its replicas: then the job is PENDING,
  // and says for what. The placement groups' own state is Ray's word for it.
  try {
    if (std::string waiting = waiting_for(client.placement_groups(job_id)); !waiting.empty()) {
      status.state = DLAUNCH_STATE_PENDING;
      status.native_state = "PENDING";  // its placement groups' state: the Ray job itself is RUNNING
      status.message = waiting;
    }
  } catch (const sdk::Error& error) {
    // Without the state API (a dashboard without it, a proxy that only passes the Jobs API) the job is
    // still known to run: say so rather than fail the status.
    host_.debug(std::string("cannot tell whether ") + job_id + " waits for resources: " + error.what());
  }
  return status;
}

void RayPlugin::logs(const sdk::JobRef& ref, bool follow, const sdk::TextOut& out) {
  RayOptions options = RayOptions::from(sdk::Options::parse(ref.options_json));
  RayClient client = connect(options);
  std::string id(ref.native_id);
  if (follow) {
    follow_logs(client, id, options.poll_interval, host_, out);
  } else {
    JobOutput output(id, [&out](std::string_view text) { return out.write(text); });
    client.logs(id, 0, [&output](std::string_view bytes) { return output.write(bytes); });
    output.flush();
  }
}

void RayPlugin::stop(const sdk::JobRef& ref) {
  std::string id(ref.native_id);
  if (!connect(ref.options_json).stop(id)) host_.info("job " + id + " had already ended");
}

void RayPlugin::delete_job(const sdk::JobRef& ref) {
  RayClient client = connect(ref.options_json);
  std::string id(ref.native_id);
  ServerVersion server = client.version();
  if (!server.has_delete()) {
    throw sdk::Error(DLAUNCH_ERR_UNIMPLEMENTED, "Ray " + server.ray_version + " cannot delete jobs (needs Ray 2.6)");
  }
  sdk::JobStatus status = to_job_status(client.job(id));
  if (!is_terminal(status.state)) {
    throw sdk::Error(DLAUNCH_ERR_FAILED_PRECONDITION, "Ray job " + id + " is " + status.native_state +
                                                          "; only ended jobs can be deleted. Stop it first: "
                                                          "dlaunch stop ray:" + id);
  }
  client.remove(id);
}

void RayPlugin::list(std::string_view options_json, const sdk::StatusOut& out) {
  rapidjson::Document jobs = connect(options_json).jobs();
  std::vector<sdk::JobStatus> statuses;
  for (const auto& details : jobs.GetArray()) statuses.push_back(to_job_status(details));
  // dlaunch's jobs first, then the newest first.
  std::stable_sort(statuses.begin(), statuses.end(), [](const sdk::JobStatus& a, const sdk::JobStatus& b) {
    if (a.submitted_by_dlaunch != b.submitted_by_dlaunch) return a.submitted_by_dlaunch;
    return a.start_time_ms > b.start_time_ms;
  });
  for (const auto& status : statuses) {
    if (!out.report(status)) return;
  }
}

void RayPlugin::find_submissions(const std::vector<std::string_view>& submission_ids, std::string_view options_json,
                                 int64_t /*since_ms*/, const sdk::StatusOut& out) {
  // Ray keeps every job under the submission id dlaunch gave it (ray_submission_id) until it is deleted, and
  // answers 404 "Job ... does not exist" for one it never accepted (find_job takes no other 404 for that).
  // One GET each: a list of every job may be far larger.
  RayClient client = connect(options_json);
  for (std::string_view submission_id : submission_ids) {
    std::optional<rapidjson::Document> details = client.find_job(ray_submission_id(submission_id));
    if (!details) continue;
    sdk::JobStatus status = to_job_status(*details);
    status.submission_id = std::string(submission_id);
    if (!out.report(status)) return;
  }
}

}  // namespace dlaunch::ray
