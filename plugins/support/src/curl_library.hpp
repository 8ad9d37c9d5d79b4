// libcurl, loaded when an exchange first needs it (a proxy) rather than with the plugin: Debian's libcurl maps
// about 30 libraries (OpenSSL, GnuTLS, Kerberos, LDAP, SSH...) and its set-up initialises OpenSSL, about 8 MiB
// and a third of a submit's CPU time, which an exchange without a proxy, in clear text or over TLS, does
// without (plain_http.hpp).
#ifndef DLAUNCH_SUPPORT_CURL_LIBRARY_HPP_
#define DLAUNCH_SUPPORT_CURL_LIBRARY_HPP_

#include <curl/curl.h>

#include <string>

namespace dlaunch::support {

// The libcurl functions the client calls, resolved from the loaded library.
struct CurlLibrary {
  decltype(&::curl_global_init) global_init;
  decltype(&::curl_easy_init) easy_init;
  decltype(&::curl_easy_setopt) easy_setopt;
  decltype(&::curl_easy_getinfo) easy_getinfo;
  decltype(&::curl_easy_perform) easy_perform;
  decltype(&::curl_easy_cleanup) easy_cleanup;
  decltype(&::curl_easy_strerror) easy_strerror;
  decltype(&::curl_slist_append) slist_append;
  decltype(&::curl_slist_free_all) slist_free_all;
  decltype(&::curl_multi_init) multi_init;
  decltype(&::curl_multi_setopt) multi_setopt;
  decltype(&::curl_multi_add_handle) multi_add_handle;
  decltype(&::curl_multi_remove_handle) multi_remove_handle;
  decltype(&::curl_multi_perform) multi_perform;
  decltype(&::curl_multi_poll) multi_poll;
  decltype(&::curl_multi_info_read) multi_info_read;
  decltype(&::curl_multi_strerror) multi_strerror;
  decltype(&::curl_multi_cleanup) multi_cleanup;
};

// Loads libcurl and runs curl_global_init, once per process (thread-safe). Null when the library cannot be
// loaded, with the reason in `error`.
const CurlLibrary* curl_library(std::string* error);

}  // namespace dlaunch::support

#endif  // DLAUNCH_SUPPORT_CURL_LIBRARY_HPP_
