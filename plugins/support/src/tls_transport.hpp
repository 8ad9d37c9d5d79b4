// TLS under the client's own HTTP/1.1 (plain_http.cpp), through OpenSSL loaded when the first TLS exchange
// needs it (openssl_library.hpp): an https:// exchange without a proxy no longer loads libcurl. Every TLS
// setting of HttpOptions applies: verification of the server's certificate and of its host name (on unless
// verify_tls is off), the system's CAs and ca_file / ca_pem besides, a client certificate and key from files
// or PEM text. Internal to dlaunch_plugin_support.
#ifndef DLAUNCH_SUPPORT_SRC_TLS_TRANSPORT_HPP_
#define DLAUNCH_SUPPORT_SRC_TLS_TRANSPORT_HPP_

#include "dlaunch_support/http_client.hpp"
#include "transport.hpp"

#include <memory>
#include <string>

typedef struct ssl_st SSL;

namespace dlaunch::support {

// The TLS settings of `options` as text: a connection kept open serves only an exchange with the same ones
// (a connection made without verification, or with another client certificate, is not another's).
std::string tls_settings_key(const HttpOptions& options);

class TlsTransport : public Transport {
 public:
  // TLS as a client of `host` (a name or an address, as in the URL) on the connected socket `fd`, which it
  // owns from here on (closed with it, or at once when it cannot begin). Null, with why in `error`, when
  // OpenSSL cannot be loaded or the options' certificates and keys cannot be read.
  static std::unique_ptr<TlsTransport> begin(int fd, const HttpOptions& options, const std::string& host,
                                             std::string* error);
  ~TlsTransport() override;

  // Goes on with the handshake: Io::done when it is over; Io::failed names a certificate problem as OpenSSL
  // does ("SSL certificate problem: self-signed certificate in certificate chain").
  Io handshake();
  Io write(std::string_view data, std::size_t* done) override;
  Io read(char* buffer, std::size_t size, std::size_t* done) override;

 private:
  TlsTransport(int fd, SSL* ssl) : Transport(fd), ssl_(ssl) {}
  // What a call of OpenSSL's that returned `result` came to; during the handshake a failed verification is
  // named as such.
  Io outcome(int result, bool handshaking);
  // Calls `call` (an OpenSSL function on ssl_ returning 1 on success) and says what it came to.
  template <typename Call>
  Io perform(Call call, bool handshaking);

  SSL* ssl_;
};

}  // namespace dlaunch::support

#endif  // DLAUNCH_SUPPORT_SRC_TLS_TRANSPORT_HPP_
