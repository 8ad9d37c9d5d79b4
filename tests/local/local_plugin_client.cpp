#include "local_plugin_client.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <memory>
#include <stdexcept>
#include <thread>

#include "support/process.hpp"

namespace dlaunch::test {
namespace {

bool append_text(void* context, const char* data, size_t size) {
  static_cast<std::string*>(context)->append(data, size);
  return true;
}

dlaunch_text_sink text_sink(std::string* out) { return {sizeof(dlaunch_text_sink), out, &append_text}; }

bool copy_status(void* context, const dlaunch_job_status* s) {
  static_cast<std::vector<JobStatusCopy>*>(context)->push_back(sdk::from_c(*s));
  return true;
}

void add_diagnostic(void* context, int32_t severity, const char* path, const char* message, const char*) {
  static_cast<std::vector<Diagnostic>*>(context)->push_back({severity, path, message});
}

void ignore_log(const dlaunch_host_api*, int32_t, const char*) {}

dlaunch_job_args job_args(const std::string& job_json, const std::string& submission_id) {
  return {sizeof(dlaunch_job_args), job_json.c_str(), job_json.size(), submission_id.c_str()};
}

}  // namespace

LocalPluginClient& LocalPluginClient::instance() {
  static LocalPluginClient client;
  return client;
}

LocalPluginClient::LocalPluginClient() {
  const std::string plugin_dir = DLAUNCH_LOCAL_PLUGIN_DIR;
  void* library = dlopen((plugin_dir + "/libdlaunch-local.so").c_str(), RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) throw std::runtime_error(std::string("dlopen: ") + dlerror());
  auto entry = reinterpret_cast<dlaunch_plugin_entry_fn>(dlsym(library, DLAUNCH_ENTRY_SYMBOL));
  if (entry == nullptr) throw std::runtime_error("the plugin has no entry symbol");
  api_ = entry(DLAUNCH_ABI_MAJOR, DLAUNCH_ABI_MINOR);
  if (api_ == nullptr || api_->abi_major != DLAUNCH_ABI_MAJOR || api_->struct_size < DLAUNCH_PLUGIN_API_SIZE_1_0) {
    throw std::runtime_error("the plugin refused ABI negotiation");
  }
  // Lives until the process exits, like the host's state directory; jobs of a test process stay inside it.
  static const TempDir state_root;
  state_dir_ = state_root.path();
  host_ = {sizeof(dlaunch_host_api), DLAUNCH_ABI_MAJOR, DLAUNCH_ABI_MINOR, this, "test", &ignore_log,
           [](const dlaunch_host_api* host) {
             return static_cast<const LocalPluginClient*>(host->host_data)->cancelled_.load();
           }};
  dlaunch_init_args init{sizeof(dlaunch_init_args), &host_, DLAUNCH_LOCAL_PLUGIN_DIR, state_dir_.c_str()};
  CallResult result = result_of(api_->init(&init));
  if (!result.ok()) throw std::runtime_error("init failed: " + result.message);
}

CallResult LocalPluginClient::result_of(dlaunch_error* error) const {
  if (error == nullptr) return {};
  CallResult result{api_->error_code(error), api_->error_message(error)};
  api_->error_destroy(error);
  return result;
}

CallResult LocalPluginClient::submit(const std::string& job_json, const std::string& submission_id,
                                     std::string* native_id) const {
  auto args = job_args(job_json, submission_id);
  native_id->clear();
  auto sink = text_sink(native_id);
  return result_of(api_->submit(&args, &sink));
}

CallResult LocalPluginClient::status(const std::string& native_id, JobStatusCopy* out) const {
  dlaunch_job_ref_args args{sizeof(dlaunch_job_ref_args), native_id.c_str(), "{}"};
  std::vector<JobStatusCopy> reports;
  dlaunch_status_sink sink{sizeof(dlaunch_status_sink), &reports, &copy_status};
  CallResult result = result_of(api_->status(&args, &sink));
  if (result.ok() && reports.size() != 1) return {DLAUNCH_ERR_INTERNAL, "status did not report exactly once"};
  if (result.ok()) *out = reports.front();
  return result;
}

CallResult LocalPluginClient::logs(const std::string& native_id, bool follow, std::string* out) const {
  dlaunch_logs_args args{sizeof(dlaunch_logs_args), native_id.c_str(), "{}", follow};
  auto sink = text_sink(out);
  return result_of(api_->logs(&args, &sink));
}

CallResult LocalPluginClient::stop(const std::string& native_id) const {
  dlaunch_job_ref_args args{sizeof(dlaunch_job_ref_args), native_id.c_str(), "{}"};
  return result_of(api_->stop(&args));
}

CallResult LocalPluginClient::delete_job(const std::string& native_id) const {
  dlaunch_job_ref_args args{sizeof(dlaunch_job_ref_args), native_id.c_str(), "{}"};
  return result_of(api_->delete_job(&args));
}

CallResult LocalPluginClient::list(std::vector<JobStatusCopy>* out) const {
  dlaunch_list_args args{sizeof(dlaunch_list_args), "{}"};
  dlaunch_status_sink sink{sizeof(dlaunch_status_sink), out, &copy_status};
  return result_of(api_->list(&args, &sink));
}

CallResult LocalPluginClient::validate(const std::string& job_json, std::vector<Diagnostic>* out) const {
  auto args = job_args(job_json, "");
  dlaunch_diagnostic_sink sink{sizeof(dlaunch_diagnostic_sink), out, &add_diagnostic};
  return result_of(api_->validate(&args, &sink));
}

CallResult LocalPluginClient::dry_run(const std::string& job_json, std::string* out) const {
  auto args = job_args(job_json, "");
  auto sink = text_sink(out);
  return result_of(api_->dry_run(&args, &sink));
}

JobStatusCopy LocalPluginClient::wait_until_terminal(const std::string& native_id,
                                                     std::chrono::seconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  JobStatusCopy last;
  while (status(native_id, &last).ok() && !is_terminal_state(last.state) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return last;
}

bool is_terminal_state(int32_t state) {
  return state == DLAUNCH_STATE_SUCCEEDED || state == DLAUNCH_STATE_FAILED || state == DLAUNCH_STATE_STOPPED;
}

std::string new_submission_id() {
  static std::atomic<int> counter{0};
  return "test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

}  // namespace dlaunch::test
