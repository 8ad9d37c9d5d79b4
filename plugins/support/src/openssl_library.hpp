// OpenSSL's libssl (and the libcrypto it needs), loaded when the first TLS exchange of the client's own HTTP/1.1
// needs it (tls_transport.hpp) rather than with the plugin: a command that makes no TLS exchange (validate, a dry
// run, Ray's http:// dashboard) never maps it. It replaces libcurl for https:// without a proxy, which mapped
// libcurl's 30 libraries (GnuTLS, Kerberos, LDAP, libssh2...) besides OpenSSL: about 4 MiB of a Kubernetes
// command's peak memory (docs/performance.md, Memory). The headers give the types and constants; macros of
// OpenSSL's API (SSL_set_tlsext_host_name, SSL_CTX_set_mode...) are its *_ctrl functions, called as such.
#ifndef DLAUNCH_SUPPORT_OPENSSL_LIBRARY_HPP_
#define DLAUNCH_SUPPORT_OPENSSL_LIBRARY_HPP_

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <string>

namespace dlaunch::support {

// The OpenSSL functions the client calls, resolved from the loaded library.
struct OpensslLibrary {
  // libssl
  decltype(&::OPENSSL_init_ssl) init_ssl;
  decltype(&::TLS_client_method) tls_client_method;
  decltype(&::SSL_CTX_new) ctx_new;
  decltype(&::SSL_CTX_free) ctx_free;
  decltype(&::SSL_CTX_ctrl) ctx_ctrl;
  decltype(&::SSL_CTX_set_options) ctx_set_options;
  decltype(&::SSL_CTX_set_verify) ctx_set_verify;
  decltype(&::SSL_CTX_set_default_verify_paths) ctx_set_default_verify_paths;
  decltype(&::SSL_CTX_load_verify_file) ctx_load_verify_file;
  decltype(&::SSL_CTX_get_cert_store) ctx_get_cert_store;
  decltype(&::SSL_CTX_use_certificate_chain_file) ctx_use_certificate_chain_file;
  decltype(&::SSL_CTX_use_PrivateKey_file) ctx_use_private_key_file;
  decltype(&::SSL_CTX_use_certificate) ctx_use_certificate;
  decltype(&::SSL_CTX_use_PrivateKey) ctx_use_private_key;
  decltype(&::SSL_CTX_check_private_key) ctx_check_private_key;
  decltype(&::SSL_new) ssl_new;
  decltype(&::SSL_free) ssl_free;
  decltype(&::SSL_set_fd) set_fd;
  decltype(&::SSL_ctrl) ssl_ctrl;
  decltype(&::SSL_set1_host) set1_host;
  decltype(&::SSL_get0_param) get0_param;
  decltype(&::SSL_connect) connect;
  decltype(&::SSL_read_ex) read_ex;
  decltype(&::SSL_write_ex) write_ex;
  decltype(&::SSL_get_error) get_error;
  decltype(&::SSL_get_verify_result) get_verify_result;
  // libcrypto, reached through libssl
  decltype(&::X509_verify_cert_error_string) verify_cert_error_string;
  decltype(&::X509_VERIFY_PARAM_set1_ip_asc) param_set1_ip_asc;
  decltype(&::X509_STORE_add_cert) store_add_cert;
  decltype(&::X509_free) x509_free;
  decltype(&::EVP_PKEY_free) pkey_free;
  decltype(&::BIO_new_mem_buf) bio_new_mem_buf;
  decltype(&::BIO_free) bio_free;
  decltype(&::PEM_read_bio_X509) pem_read_x509;
  decltype(&::PEM_read_bio_PrivateKey) pem_read_private_key;
  decltype(&::ERR_get_error) err_get_error;
  decltype(&::ERR_clear_error) err_clear_error;
  decltype(&::ERR_error_string_n) err_error_string_n;
};

// Loads libssl and initialises it, once per process (thread-safe). Null when it cannot be loaded or lacks a
// function, with the reason in `error`.
const OpensslLibrary* openssl_library(std::string* error);

}  // namespace dlaunch::support

#endif  // DLAUNCH_SUPPORT_OPENSSL_LIBRARY_HPP_
