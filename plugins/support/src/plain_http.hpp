// The client's own HTTP/1.1, without libcurl, for every exchange without a proxy: in clear text (Ray's dashboard
// at http://, slurmrestd on a UNIX socket) and over TLS (an API server at https://) through OpenSSL alone
// (tls_transport.hpp, loaded on the first TLS exchange). Loading libcurl and its 30 libraries would be most of a
// submit's own time and memory (curl_library.hpp), and 4 MiB of a Kubernetes command's. The HTTP framing
// (request, answer, chunks) is one; only the transport under it differs (transport.hpp). An exchange through
// a proxy, or with credentials in the URL, goes through libcurl.
#ifndef DLAUNCH_SUPPORT_PLAIN_HTTP_HPP_
#define DLAUNCH_SUPPORT_PLAIN_HTTP_HPP_

#include "dlaunch_support/http_client.hpp"

#include <functional>
#include <string_view>

namespace dlaunch::support::plain_http {

// Whether `request` can go this way under `options`: an http:// or https:// URL without credentials in it, and
// no proxy, neither in the options nor in the environment (http_proxy, or https_proxy for https://, and
// all_proxy, which libcurl would honour).
bool handles(const HttpOptions& options, const HttpRequest& request);

// Performs one exchange as HttpClient::send (on_data null: the request's on_body, if set, takes the body of a
// successful answer) or HttpClient::stream would, over a connection
// kept open for the process's next exchange with the same server when the answer allows it.
HttpResponse exchange(const HttpOptions& options, const HttpRequest& request,
                      const std::function<bool(std::string_view)>* on_data);

}  // namespace dlaunch::support::plain_http

#endif  // DLAUNCH_SUPPORT_PLAIN_HTTP_HPP_
