#include "curl_library.hpp"

#include "library_symbols.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <system_error>

#ifndef DLAUNCH_LIBCURL_SONAME
#define DLAUNCH_LIBCURL_SONAME "libcurl.so.4"
#endif

namespace dlaunch::support {
namespace {

// Debian's libcurl loads GnuTLS (through librtmp and libldap), whose constructor initialises it on load: about
// 0.6 MiB for a library that dlaunch's requests never use (they go through OpenSSL). GNUTLS_NO_IMPLICIT_INIT=1
// makes the constructor skip it; the libraries that use GnuTLS call gnutls_global_init themselves first, as
// GnuTLS asks. Set only while libcurl loads and only in a process of one thread (setenv is not safe while
// another thread reads the environment), and never over the user's own value: as the host does around a
// plugin's library (core/src/plugins/gnutls_deferred_init.hpp), which no longer loads libcurl.
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

LoadedLibrary<CurlLibrary> load() {
  LoadedLibrary<CurlLibrary> loaded;
  void* library = nullptr;
  {
    GnutlsDeferredInit deferred;
    library = dlopen(DLAUNCH_LIBCURL_SONAME, RTLD_NOW | RTLD_LOCAL);  // never closed: handles outlive clients
  }
  if (library == nullptr) {
    const char* why = dlerror();
    loaded.error = std::string("cannot load libcurl: ") + (why != nullptr ? why : DLAUNCH_LIBCURL_SONAME);
    return loaded;
  }
  CurlLibrary& f = loaded.functions;
  LibrarySymbols symbols(library);
  auto need = [&](const char* name, auto& function) { symbols.need(name, function); };
  need("curl_global_init", f.global_init);
  need("curl_easy_init", f.easy_init);
  need("curl_easy_setopt", f.easy_setopt);
  need("curl_easy_getinfo", f.easy_getinfo);
  need("curl_easy_perform", f.easy_perform);
  need("curl_easy_cleanup", f.easy_cleanup);
  need("curl_easy_strerror", f.easy_strerror);
  need("curl_slist_append", f.slist_append);
  need("curl_slist_free_all", f.slist_free_all);
  need("curl_multi_init", f.multi_init);
  need("curl_multi_setopt", f.multi_setopt);
  need("curl_multi_add_handle", f.multi_add_handle);
  need("curl_multi_remove_handle", f.multi_remove_handle);
  need("curl_multi_perform", f.multi_perform);
  need("curl_multi_poll", f.multi_poll);
  need("curl_multi_info_read", f.multi_info_read);
  need("curl_multi_strerror", f.multi_strerror);
  need("curl_multi_cleanup", f.multi_cleanup);
  if (symbols.missing() != nullptr) {
    loaded.error = std::string("cannot use libcurl (" DLAUNCH_LIBCURL_SONAME "): it has no ") + symbols.missing();
    return loaded;
  }
  // Not thread-safe: run once, here, before the first handle.
  if (CURLcode code = f.global_init(CURL_GLOBAL_DEFAULT); code != CURLE_OK) {
    loaded.error = std::string("cannot set up libcurl: ") + f.easy_strerror(code);
  }
  return loaded;
}

}  // namespace

const CurlLibrary* curl_library(std::string* error) {
  static const auto loaded = load();  // thread-safe initialisation
  return loaded.get(error);
}

}  // namespace dlaunch::support
