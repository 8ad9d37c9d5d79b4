#include "loaded_plugin.hpp"

#include <dlfcn.h>

#include <filesystem>
#include <stdexcept>

namespace dlaunch::ray_test {
namespace {

Status copy_status(const dlaunch_job_status* s) {
  auto text = [](const char* p) { return p != nullptr ? std::string(p) : std::string(); };
  Status out;
  out.native_id = text(s->native_id);
  out.name = text(s->name);
  out.state = s->state;
  if (s->has_exit_code) out.exit_code = s->exit_code;
  out.native_state = text(s->native_state);
  out.message = text(s->message);
  out.submitted_by_dlaunch = s->submitted_by_dlaunch;
  out.end_time_ms = s->end_time_ms;
  return out;
}

dlaunch_text_sink text_sink(std::string& into) {
  return dlaunch_text_sink{sizeof(dlaunch_text_sink), &into, [](void* context, const char* data, size_t size) {
                             static_cast<std::string*>(context)->append(data, size);
                             return true;
                           }};
}

}  // namespace

LoadedPlugin::LoadedPlugin(const std::string& plugin_dir) : plugin_dir_(plugin_dir) {
  std::string library = plugin_dir + "/libdlaunch-ray.so";
  // Never closed: plugins are never unloaded (as in the host).
  void* handle = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) throw std::runtime_error(std::string("dlopen: ") + dlerror());
  auto entry = reinterpret_cast<dlaunch_plugin_entry_fn>(dlsym(handle, DLAUNCH_ENTRY_SYMBOL));
  if (entry == nullptr) throw std::runtime_error("no entry symbol in " + library);
  api_ = entry(DLAUNCH_ABI_MAJOR, DLAUNCH_ABI_MINOR);
  if (api_ == nullptr) throw std::runtime_error("the plugin refused ABI " + std::to_string(DLAUNCH_ABI_MAJOR));

  state_dir_ = (std::filesystem::temp_directory_path() / "dlaunch-ray-test-state").string();
  std::filesystem::create_directories(state_dir_);
  host_.struct_size = sizeof(host_);
  host_.abi_major = DLAUNCH_ABI_MAJOR;
  host_.abi_minor = DLAUNCH_ABI_MINOR;
  host_.host_data = this;
  host_.host_version = "test";
  host_.log = &on_log;
  host_.is_cancelled = &on_is_cancelled;
  dlaunch_init_args init{sizeof(dlaunch_init_args), &host_, plugin_dir_.c_str(), state_dir_.c_str()};
  Outcome initialized = outcome(api_->init(&init));
  if (!initialized.ok()) throw std::runtime_error("init failed: " + initialized.message);
}

void LoadedPlugin::on_log(const dlaunch_host_api* host, int32_t, const char* message) {
  auto* self = static_cast<LoadedPlugin*>(host->host_data);
  std::lock_guard lock(self->log_mutex_);
  self->log_messages_.emplace_back(message);
}

bool LoadedPlugin::on_is_cancelled(const dlaunch_host_api* host) {
  return static_cast<const LoadedPlugin*>(host->host_data)->cancelled_;
}

std::vector<std::string> LoadedPlugin::log_messages() const {
  std::lock_guard lock(log_mutex_);
  return log_messages_;
}

void LoadedPlugin::clear_log_messages() {
  std::lock_guard lock(log_mutex_);
  log_messages_.clear();
}

Outcome LoadedPlugin::outcome(dlaunch_error* error) const {
  if (error == nullptr) return {};
  Outcome out{api_->error_code(error), api_->error_message(error)};
  api_->error_destroy(error);
  return out;
}

Outcome LoadedPlugin::validate(const std::string& job_json, std::vector<Finding>& findings) {
  dlaunch_job_args args{sizeof(dlaunch_job_args), job_json.c_str(), job_json.size(), ""};
  dlaunch_diagnostic_sink sink{sizeof(dlaunch_diagnostic_sink), &findings,
                               [](void* context, int32_t, const char* path, const char* message, const char*) {
                                 static_cast<std::vector<Finding>*>(context)->push_back(Finding{path, message});
                               }};
  return outcome(api_->validate(&args, &sink));
}

Outcome LoadedPlugin::dry_run(const std::string& job_json, const std::string& submission_id, std::string& text) {
  dlaunch_job_args args{sizeof(dlaunch_job_args), job_json.c_str(), job_json.size(), submission_id.c_str()};
  auto sink = text_sink(text);
  return outcome(api_->dry_run(&args, &sink));
}

Outcome LoadedPlugin::submit(const std::string& job_json, const std::string& submission_id, std::string& native_id) {
  dlaunch_job_args args{sizeof(dlaunch_job_args), job_json.c_str(), job_json.size(), submission_id.c_str()};
  auto sink = text_sink(native_id);
  return outcome(api_->submit(&args, &sink));
}

Outcome LoadedPlugin::status(const std::string& native_id, const std::string& options_json, Status& status) {
  dlaunch_job_ref_args args{sizeof(dlaunch_job_ref_args), native_id.c_str(), options_json.c_str()};
  dlaunch_status_sink sink{sizeof(dlaunch_status_sink), &status, [](void* context, const dlaunch_job_status* s) {
                             *static_cast<Status*>(context) = copy_status(s);
                             return true;
                           }};
  return outcome(api_->status(&args, &sink));
}

Outcome LoadedPlugin::logs(const std::string& native_id, const std::string& options_json, bool follow,
                           const std::function<bool(std::string_view)>& on_text) {
  dlaunch_logs_args args{sizeof(dlaunch_logs_args), native_id.c_str(), options_json.c_str(), follow};
  dlaunch_text_sink sink{sizeof(dlaunch_text_sink), const_cast<std::function<bool(std::string_view)>*>(&on_text),
                         [](void* context, const char* data, size_t size) {
                           return (*static_cast<std::function<bool(std::string_view)>*>(context))(
                               std::string_view(data, size));
                         }};
  return outcome(api_->logs(&args, &sink));
}

Outcome LoadedPlugin::stop(const std::string& native_id, const std::string& options_json) {
  dlaunch_job_ref_args args{sizeof(dlaunch_job_ref_args), native_id.c_str(), options_json.c_str()};
  return outcome(api_->stop(&args));
}

Outcome LoadedPlugin::remove(const std::string& native_id, const std::string& options_json) {
  dlaunch_job_ref_args args{sizeof(dlaunch_job_ref_args), native_id.c_str(), options_json.c_str()};
  return outcome(api_->delete_job(&args));
}

Outcome LoadedPlugin::list(const std::string& options_json, std::vector<Status>& statuses) {
  dlaunch_list_args args{sizeof(dlaunch_list_args), options_json.c_str()};
  dlaunch_status_sink sink{sizeof(dlaunch_status_sink), &statuses, [](void* context, const dlaunch_job_status* s) {
                             static_cast<std::vector<Status>*>(context)->push_back(copy_status(s));
                             return true;
                           }};
  return outcome(api_->list(&args, &sink));
}

}  // namespace dlaunch::ray_test
