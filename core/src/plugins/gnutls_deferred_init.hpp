#pragma once
// A platform plugin that links libcurl loads it with the plugin (the built-in ones load it later, when a request
// needs it, behind the same guard: plugins/support/src/curl_library.cpp), and Debian's libcurl loads GnuTLS
// (through librtmp and libldap), whose constructor initialises it on load: about 0.8 MiB of a submit's peak
// memory for a library that dlaunch's requests never use (they go through OpenSSL). GNUTLS_NO_IMPLICIT_INIT=1 makes that constructor
// skip it; the libraries that do use GnuTLS call gnutls_global_init themselves first, as GnuTLS asks.
//
// The variable is set only while the plugin's library is loaded and removed right after, so neither the jobs
// the process starts nor anything else later sees it; a value the user set is left alone. setenv is not
// safe while another thread reads the environment (a job being spawned would inherit the variable), so this
// does nothing unless the process has one thread, as when the CLI loads its plugin.
#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace dlaunch::plugins {

class GnutlsDeferredInit {
 public:
  GnutlsDeferredInit() {
    std::error_code ec;
    // A directory's link count is 2 plus its subdirectories: /proc/self/task holds one per thread.
    const bool single_threaded = std::filesystem::hard_link_count("/proc/self/task", ec) == 3 && !ec;
    set_ = single_threaded && std::getenv(kName) == nullptr && setenv(kName, "1", 0) == 0;
  }
  ~GnutlsDeferredInit() {
    if (set_) unsetenv(kName);
  }
  GnutlsDeferredInit(const GnutlsDeferredInit&) = delete;
  GnutlsDeferredInit& operator=(const GnutlsDeferredInit&) = delete;

 private:
  static constexpr const char* kName = "GNUTLS_NO_IMPLICIT_INIT";
  bool set_ = false;
};

}  // namespace dlaunch::plugins
