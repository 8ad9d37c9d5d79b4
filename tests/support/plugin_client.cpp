#include "support/plugin_client.hpp"

#include <dlfcn.h>

#include <filesystem>
#include <stdexcept>

namespace dlaunch::test {
namespace {

dlaunch_text_sink text_sink(std::string& into) {
  return dlaunch_text_sink{DLAUNCH_TEXT_SINK_SIZE_1_0, &into, [](void* context, const char* data, size_t size) {
                             static_cast<std::string*>(context)->append(data, size);
                             return true;
                           }};
}

dlaunch_status_sink status_sink(std::vector<sdk::JobStatus>& into) {
  return dlaunch_status_sink{DLAUNCH_STATUS_SINK_SIZE_1_0, &into, [](void* context, const dlaunch_job_status* s) {
                               static_cast<std::vector<sdk::JobStatus>*>(context)->push_back(sdk::from_c(*s));
                               return true;
                             }};
}

// Borrows both strings: the arguments are valid while they are.
dlaunch_job_args job_args(const std::string& job_json, const char* submission_id) {
  return {DLAUNCH_JOB_ARGS_SIZE_1_0, job_json.c_str(), job_json.size(), submission_id};
}

dlaunch_job_ref_args ref_args(const std::string& native_id, const std::string& options_json) {
  return {DLAUNCH_JOB_REF_ARGS_SIZE_1_0, native_id.c_str(), options_json.c_str()};
}

}  // namespace

PluginClient::PluginClient(const std::string& plugin_dir, const std::string& id, const std::string& state_dir,
                           uint32_t host_abi_minor)
    : plugin_dir_(plugin_dir), state_dir_(state_dir) {
  const std::string library = plugin_dir + "/libdlaunch-" + id + ".so";
  void* handle = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) throw std::runtime_error(std::string("dlopen: ") + dlerror());
  auto entry = reinterpret_cast<dlaunch_plugin_entry_fn>(dlsym(handle, DLAUNCH_ENTRY_SYMBOL));
  if (entry == nullptr) throw std::runtime_error("no entry symbol in " + library);
  api_ = entry(DLAUNCH_ABI_MAJOR, host_abi_minor);
  if (api_ == nullptr || api_->abi_major != DLAUNCH_ABI_MAJOR || api_->struct_size < DLAUNCH_PLUGIN_API_SIZE_1_0) {
    throw std::runtime_error(library + " refused ABI negotiation");
  }
  std::filesystem::create_directories(state_dir_);
  host_ = {DLAUNCH_HOST_API_SIZE_1_0, DLAUNCH_ABI_MAJOR, host_abi_minor, this, "test", &on_log, &on_is_cancelled};
  dlaunch_init_args init{DLAUNCH_INIT_ARGS_SIZE_1_0, &host_, plugin_dir_.c_str(), state_dir_.c_str()};
  CallResult initialized = result_of(api_->init(&init));
  if (!initialized.ok()) throw std::runtime_error("init failed: " + initialized.message);
}

void PluginClient::on_log(const dlaunch_host_api* host, int32_t, const char* message) {
  auto* self = static_cast<PluginClient*>(host->host_data);
  std::lock_guard lock(self->log_mutex_);
  self->log_messages_.emplace_back(message);
}

bool PluginClient::on_is_cancelled(const dlaunch_host_api* host) {
  return static_cast<const PluginClient*>(host->host_data)->cancelled_;
}

std::vector<std::string> PluginClient::log_messages() const {
  std::lock_guard lock(log_mutex_);
  return log_messages_;
}

void PluginClient::clear_log_messages() {
  std::lock_guard lock(log_mutex_);
  log_messages_.clear();
}

CallResult PluginClient::result_of(dlaunch_error* error) const {
  if (error == nullptr) return {};
  CallResult result{api_->error_code(error), api_->error_message(error)};
  api_->error_destroy(error);
  return result;
}

CallResult PluginClient::validate(const std::string& job_json, std::vector<Finding>& findings) const {
  auto args = job_args(job_json, "");
  dlaunch_diagnostic_sink sink{DLAUNCH_DIAGNOSTIC_SINK_SIZE_1_0, &findings,
                               [](void* context, int32_t severity, const char* path, const char* message,
                                  const char*) {
                                 static_cast<std::vector<Finding>*>(context)->push_back({severity, path, message});
                               }};
  return result_of(api_->validate(&args, &sink));
}

CallResult PluginClient::dry_run(const std::string& job_json, const std::string& submission_id,
                                 std::string& text) const {
  auto args = job_args(job_json, submission_id.c_str());
  auto sink = text_sink(text);
  return result_of(api_->dry_run(&args, &sink));
}

CallResult PluginClient::submit(const std::string& job_json, const std::string& submission_id,
                                std::string& native_id) const {
  auto args = job_args(job_json, submission_id.c_str());
  native_id.clear();
  auto sink = text_sink(native_id);
  return result_of(api_->submit(&args, &sink));
}

CallResult PluginClient::status(const std::string& native_id, const std::string& options_json,
                                sdk::JobStatus& status) const {
  auto args = ref_args(native_id, options_json);
  std::vector<sdk::JobStatus> reports;
  auto sink = status_sink(reports);
  CallResult result = result_of(api_->status(&args, &sink));
  if (result.ok() && reports.size() != 1) return {DLAUNCH_ERR_INTERNAL, "status did not report exactly once"};
  if (result.ok()) status = reports.front();
  return result;
}

CallResult PluginClient::logs(const std::string& native_id, const std::string& options_json, bool follow,
                              const std::function<bool(std::string_view)>& on_text) const {
  dlaunch_logs_args args{DLAUNCH_LOGS_ARGS_SIZE_1_0, native_id.c_str(), options_json.c_str(), follow};
  dlaunch_text_sink sink{DLAUNCH_TEXT_SINK_SIZE_1_0, const_cast<std::function<bool(std::string_view)>*>(&on_text),
                         [](void* context, const char* data, size_t size) {
                           return (*static_cast<std::function<bool(std::string_view)>*>(context))(
                               std::string_view(data, size));
                         }};
  return result_of(api_->logs(&args, &sink));
}

CallResult PluginClient::logs(const std::string& native_id, const std::string& options_json, bool follow,
                              std::string& text) const {
  return logs(native_id, options_json, follow, [&text](std::string_view chunk) {
    text.append(chunk);
    return true;
  });
}

CallResult PluginClient::stop(const std::string& native_id, const std::string& options_json) const {
  auto args = ref_args(native_id, options_json);
  return result_of(api_->stop(&args));
}

CallResult PluginClient::delete_job(const std::string& native_id, const std::string& options_json) const {
  auto args = ref_args(native_id, options_json);
  return result_of(api_->delete_job(&args));
}

CallResult PluginClient::list(const std::string& options_json, std::vector<sdk::JobStatus>& statuses) const {
  dlaunch_list_args args{DLAUNCH_LIST_ARGS_SIZE_1_0, options_json.c_str()};
  auto sink = status_sink(statuses);
  return result_of(api_->list(&args, &sink));
}

}  // namespace dlaunch::test
