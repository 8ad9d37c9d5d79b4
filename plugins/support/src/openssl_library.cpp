#include "openssl_library.hpp"

#include "library_symbols.hpp"

#include <dlfcn.h>

#ifndef DLAUNCH_LIBSSL_SONAME
#define DLAUNCH_LIBSSL_SONAME "libssl.so.3"
#endif

static_assert(OPENSSL_VERSION_MAJOR >= 3, "the TLS client calls OpenSSL 3's API (SSL_CTX_load_verify_file...)");

namespace dlaunch::support {
namespace {

LoadedLibrary<OpensslLibrary> load() {
  LoadedLibrary<OpensslLibrary> loaded;
  // Never closed: contexts and kept connections outlive clients. dlsym on libssl's handle finds libcrypto's
  // functions too (libssl's dependency).
  void* library = dlopen(DLAUNCH_LIBSSL_SONAME, RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    const char* why = dlerror();
    loaded.error = std::string("cannot load OpenSSL for TLS: ") + (why != nullptr ? why : DLAUNCH_LIBSSL_SONAME);
    return loaded;
  }
  OpensslLibrary& f = loaded.functions;
  LibrarySymbols symbols(library);
  auto need = [&](const char* name, auto& function) { symbols.need(name, function); };
  need("OPENSSL_init_ssl", f.init_ssl);
  need("TLS_client_method", f.tls_client_method);
  need("SSL_CTX_new", f.ctx_new);
  need("SSL_CTX_free", f.ctx_free);
  need("SSL_CTX_ctrl", f.ctx_ctrl);
  need("SSL_CTX_set_options", f.ctx_set_options);
  need("SSL_CTX_set_verify", f.ctx_set_verify);
  need("SSL_CTX_set_default_verify_paths", f.ctx_set_default_verify_paths);
  need("SSL_CTX_load_verify_file", f.ctx_load_verify_file);
  need("SSL_CTX_get_cert_store", f.ctx_get_cert_store);
  need("SSL_CTX_use_certificate_chain_file", f.ctx_use_certificate_chain_file);
  need("SSL_CTX_use_PrivateKey_file", f.ctx_use_private_key_file);
  need("SSL_CTX_use_certificate", f.ctx_use_certificate);
  need("SSL_CTX_use_PrivateKey", f.ctx_use_private_key);
  need("SSL_CTX_check_private_key", f.ctx_check_private_key);
  need("SSL_new", f.ssl_new);
  need("SSL_free", f.ssl_free);
  need("SSL_set_fd", f.set_fd);
  need("SSL_ctrl", f.ssl_ctrl);
  need("SSL_set1_host", f.set1_host);
  need("SSL_get0_param", f.get0_param);
  need("SSL_connect", f.connect);
  need("SSL_read_ex", f.read_ex);
  need("SSL_write_ex", f.write_ex);
  need("SSL_get_error", f.get_error);
  need("SSL_get_verify_result", f.get_verify_result);
  need("X509_verify_cert_error_string", f.verify_cert_error_string);
  need("X509_VERIFY_PARAM_set1_ip_asc", f.param_set1_ip_asc);
  need("X509_STORE_add_cert", f.store_add_cert);
  need("X509_free", f.x509_free);
  need("EVP_PKEY_free", f.pkey_free);
  need("BIO_new_mem_buf", f.bio_new_mem_buf);
  need("BIO_free", f.bio_free);
  need("PEM_read_bio_X509", f.pem_read_x509);
  need("PEM_read_bio_PrivateKey", f.pem_read_private_key);
  need("ERR_get_error", f.err_get_error);
  need("ERR_clear_error", f.err_clear_error);
  need("ERR_error_string_n", f.err_error_string_n);
  if (symbols.missing() != nullptr) {
    loaded.error = std::string("cannot use OpenSSL (" DLAUNCH_LIBSSL_SONAME "): it has no ") + symbols.missing();
    return loaded;
  }
  // With the system's openssl.cnf, as libcurl did: its policy (a security level, protocols) applies.
  if (f.init_ssl(OPENSSL_INIT_LOAD_CONFIG, nullptr) != 1) loaded.error = "cannot initialise OpenSSL";
  return loaded;
}

}  // namespace

const OpensslLibrary* openssl_library(std::string* error) {
  static const auto loaded = load();  // thread-safe initialisation
  return loaded.get(error);
}

}  // namespace dlaunch::support
