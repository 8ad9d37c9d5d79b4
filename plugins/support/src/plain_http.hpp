// HTTP/1.1 in clear text, without libcurl: for the exchanges a plugin most often makes (Ray's dashboard at
// http://, slurmrestd on a UNIX socket), loading libcurl and its 30 libraries and initialising OpenSSL would
// be most of a submit's own time and memory (curl_library.hpp). Anything else (TLS, a proxy, credentials in
// the URL) goes through libcurl as before.
#ifndef DLAUNCH_SUPPORT_PLAIN_HTTP_HPP_
#define DLAUNCH_SUPPORT_PLAIN_HTTP_HPP_

#include "dlaunch_support/http_client.hpp"

#include <functional>
#include <string_view>

namespace dlaunch::support::plain_http {

// Whether `request` can go this way under `options`: an http:// URL (or any URL over a UNIX socket) without
// credentials in it, and no proxy, neither in the options nor in the environment (http_proxy, all_proxy,
// which libcurl would honour).
bool handles(const HttpOptions& options, const HttpRequest& request);

// Performs one exchange as HttpClient::send (on_data null: the request's on_body, if set, takes the body of a
// successful answer) or HttpClient::stream would, over a connection
// kept open for the process's next exchange with the same server when the answer allows it.
HttpResponse exchange(const HttpOptions& options, const HttpRequest& request,
                      const std::function<bool(std::string_view)>* on_data);

}  // namespace dlaunch::support::plain_http

#endif  // DLAUNCH_SUPPORT_PLAIN_HTTP_HPP_
