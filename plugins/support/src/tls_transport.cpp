#include "tls_transport.hpp"

#include "openssl_library.hpp"

#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

namespace dlaunch::support {
namespace {

// OpenSSL's functions, once begin() has loaded them: only called on objects that exist because it did.
const OpensslLibrary& lib() { return *openssl_library(nullptr); }

// OpenSSL's most recent error in its words (its queue emptied), or `otherwise` when it has none.
std::string openssl_error(const char* otherwise) {
  unsigned long code = 0;
  for (unsigned long next; (next = lib().err_get_error()) != 0;) code = next;
  if (code == 0) return otherwise;
  char text[256];
  lib().err_error_string_n(code, text, sizeof text);
  return text;
}

// OpenSSL writes to the socket with write(), which raises SIGPIPE when the server has closed it: blocked on
// the calling thread while OpenSSL runs, and one it raised taken back, so that a host process that does not
// ignore SIGPIPE is not ended by it (the client's own writes say MSG_NOSIGNAL).
class SigpipeBlocked {
 public:
  SigpipeBlocked() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_, &before_);
  }
  ~SigpipeBlocked() {
    sigset_t pending;
    if (!was_pending_ && sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1) {
      const timespec now{0, 0};
      sigtimedwait(&pipe_, nullptr, &now);
    }
    pthread_sigmask(SIG_SETMASK, &before_, nullptr);
  }
  SigpipeBlocked(const SigpipeBlocked&) = delete;
  SigpipeBlocked& operator=(const SigpipeBlocked&) = delete;

 private:
  sigset_t pipe_, before_;
  bool was_pending_ = false;
};

struct BioFree {
  void operator()(BIO* bio) const { lib().bio_free(bio); }
};
struct X509Free {
  void operator()(X509* certificate) const { lib().x509_free(certificate); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* key) const { lib().pkey_free(key); }
};
using Certificate = std::unique_ptr<X509, X509Free>;

std::unique_ptr<BIO, BioFree> memory_of(const std::string& pem) {
  return std::unique_ptr<BIO, BioFree>(lib().bio_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

// The certificates of PEM text, in order.
std::vector<Certificate> certificates_of(const std::string& pem) {
  std::vector<Certificate> certificates;
  auto bio = memory_of(pem);
  while (bio) {
    Certificate certificate(lib().pem_read_x509(bio.get(), nullptr, nullptr, nullptr));
    if (!certificate) break;
    certificates.push_back(std::move(certificate));
  }
  lib().err_clear_error();  // the end of the text reads as an error
  return certificates;
}

// The CAs the server's certificate may chain to: the system's, and those of ca_file and ca_pem besides (a
// kubeconfig's certificate-authority and certificate-authority-data). Empty when they are trusted; else why not.
std::string trust(SSL_CTX* context, const HttpOptions& options) {
  lib().ctx_set_default_verify_paths(context);  // the system's CAs, as libcurl trusts them
  lib().err_clear_error();                       // a system without them has just the options' ones
  if (!options.ca_file.empty() && lib().ctx_load_verify_file(context, options.ca_file.c_str()) != 1) {
    return "cannot read the CA certificates of " + options.ca_file + ": " + openssl_error("no PEM certificate in it");
  }
  if (!options.ca_pem.empty()) {
    std::vector<Certificate> certificates = certificates_of(options.ca_pem);
    if (certificates.empty()) return "the CA certificates given as PEM text hold no certificate";
    X509_STORE* store = lib().ctx_get_cert_store(context);
    for (const auto& certificate : certificates) {
      if (lib().store_add_cert(store, certificate.get()) != 1) lib().err_clear_error();  // one there already
    }
  }
  return {};
}

// The client certificate (with the chain after it) and its key, from files or PEM text; a key not given apart
// is read from the certificate's file or text, as libcurl does. Empty when there is none or it is set; else why not.
std::string identify(SSL_CTX* context, const HttpOptions& options) {
  if (!options.client_cert_file.empty()) {
    const std::string& key = options.client_key_file.empty() ? options.client_cert_file : options.client_key_file;
    if (lib().ctx_use_certificate_chain_file(context, options.client_cert_file.c_str()) != 1) {
      return "cannot read the client certificate " + options.client_cert_file + ": " + openssl_error("unknown error");
    }
    if (lib().ctx_use_private_key_file(context, key.c_str(), SSL_FILETYPE_PEM) != 1) {
      return "cannot use the client key " + key + ": " + openssl_error("unknown error");  // unreadable, or not the certificate's
    }
  } else if (!options.client_cert_pem.empty()) {
    std::vector<Certificate> chain = certificates_of(options.client_cert_pem);
    if (chain.empty()) return "the client certificate given as PEM text holds no certificate";
    if (lib().ctx_use_certificate(context, chain.front().get()) != 1) {
      return "cannot use the client certificate: " + openssl_error("unknown error");
    }
    for (std::size_t i = 1; i < chain.size(); ++i) {
      lib().ctx_ctrl(context, SSL_CTRL_CHAIN_CERT, 1, chain[i].get());  // SSL_CTX_add1_chain_cert: it takes a reference
    }
    auto bio = memory_of(options.client_key_pem.empty() ? options.client_cert_pem : options.client_key_pem);
    std::unique_ptr<EVP_PKEY, PkeyFree> key(bio ? lib().pem_read_private_key(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!key) return "cannot read the client key given as PEM text: " + openssl_error("no PEM key in it");
    if (lib().ctx_use_private_key(context, key.get()) != 1) {
      return "cannot use the client key given as PEM text: " + openssl_error("unknown error");  // not the certificate's
    }
  } else {
    return {};
  }
  if (lib().ctx_check_private_key(context) != 1) {
    return "the client key does not match the client certificate: " + openssl_error("unknown error");
  }
  return {};
}

// A context for `options`' TLS settings; null with why in `error` when they cannot be used.
SSL_CTX* make_context(const HttpOptions& options, std::string* error) {
  SSL_CTX* context = lib().ctx_new(lib().tls_client_method());
  if (context == nullptr) {
    *error = "cannot set up TLS: " + openssl_error("unknown error");
    return nullptr;
  }
  lib().ctx_ctrl(context, SSL_CTRL_SET_MIN_PROTO_VERSION, TLS1_2_VERSION, nullptr);
  // Non-blocking writes that may end part way, and go on with the same bytes at another address (a string
  // that grew); a server that ends the connection without close_notify ends the answer (its framing says
  // whether it was whole), as with libcurl.
  lib().ctx_ctrl(context, SSL_CTRL_MODE, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER, nullptr);
  lib().ctx_set_options(context, SSL_OP_IGNORE_UNEXPECTED_EOF);
  lib().ctx_set_verify(context, options.verify_tls ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nullptr);
  std::string why = options.verify_tls ? trust(context, options) : std::string();
  if (why.empty()) why = identify(context, options);
  if (!why.empty()) {
    lib().ctx_free(context);
    *error = std::move(why);
    return nullptr;
  }
  return context;
}

// One context per set of TLS settings the process uses, made on the first exchange with them and kept (with
// its parsed CAs and keys) for the next: never freed, like the kept connections that refer to it.
SSL_CTX* context_for(const HttpOptions& options, std::string* error) {
  static std::mutex mutex;
  static auto* contexts = new std::map<std::string, SSL_CTX*>;
  const std::string key = tls_settings_key(options);
  std::lock_guard lock(mutex);
  if (auto found = contexts->find(key); found != contexts->end()) return found->second;
  SSL_CTX* context = make_context(options, error);
  if (context != nullptr) contexts->emplace(key, context);
  return context;
}

bool is_address(const std::string& host) {
  unsigned char address[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), address) == 1 || inet_pton(AF_INET6, host.c_str(), address) == 1;
}

}  // namespace

std::string tls_settings_key(const HttpOptions& options) {
  std::string key = options.verify_tls ? "verify" : "no-verify";
  for (const std::string* part : {&options.ca_file, &options.ca_pem, &options.client_cert_file,
                                  &options.client_key_file, &options.client_cert_pem, &options.client_key_pem}) {
    key += '\0' + *part;
  }
  return key;
}

std::unique_ptr<TlsTransport> TlsTransport::begin(int fd, const HttpOptions& options, const std::string& host,
                                                  std::string* error) {
  Transport owner(fd);  // closes the socket when TLS cannot begin (released below when it can)
  if (openssl_library(error) == nullptr) return nullptr;
  SSL_CTX* context = context_for(options, error);
  if (context == nullptr) return nullptr;
  SSL* ssl = lib().ssl_new(context);
  if (ssl == nullptr || lib().set_fd(ssl, fd) != 1) {
    if (ssl != nullptr) lib().ssl_free(ssl);
    *error = "cannot set up TLS: " + openssl_error("unknown error");
    return nullptr;
  }
  std::unique_ptr<TlsTransport> transport(new TlsTransport(fd, ssl));
  (void)owner.release();
  const bool address = is_address(host);
  // The host name the server's certificate must name (or its address), and the name the server is asked
  // for (SNI, which an address is not sent as).
  if (options.verify_tls) {
    const int named = address ? lib().param_set1_ip_asc(lib().get0_param(ssl), host.c_str())
                              : lib().set1_host(ssl, host.c_str());
    if (named != 1) {
      *error = "cannot check the certificate of " + host + ": " + openssl_error("not a host name");
      return nullptr;
    }
  }
  if (!address) {
    lib().ssl_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, const_cast<char*>(host.c_str()));
  }
  return transport;
}

TlsTransport::~TlsTransport() { lib().ssl_free(ssl_); }

Io TlsTransport::outcome(int result, bool handshaking) {
  const int code = lib().get_error(ssl_, result);
  switch (code) {
    case SSL_ERROR_WANT_READ: return Io::want_read;
    case SSL_ERROR_WANT_WRITE: return Io::want_write;
    case SSL_ERROR_ZERO_RETURN: return Io::closed;
    case SSL_ERROR_SYSCALL: {
      const int error_number = errno;
      const std::string why = openssl_error("");
      if (!why.empty()) return failed("TLS: " + why, 0);
      if (error_number == 0) return Io::closed;
      return failed(std::strerror(error_number), error_number);
    }
    default: {
      // The verification's outcome, which only a handshake's failure is about.
      const long verified = handshaking ? lib().get_verify_result(ssl_) : X509_V_OK;
      if (verified != X509_V_OK) {
        lib().err_clear_error();
        return failed(std::string("SSL certificate problem: ") + lib().verify_cert_error_string(verified), 0);
      }
      return failed(std::string(handshaking ? "TLS handshake failed: " : "TLS: ") + openssl_error("unknown error"), 0);
    }
  }
}

// Runs one call of OpenSSL's on the connection, with SIGPIPE blocked and OpenSSL's error queue and errno
// cleared first, so that outcome() reads this call's errors alone.
template <typename Call>
Io TlsTransport::perform(Call call, bool handshaking) {
  SigpipeBlocked blocked;
  lib().err_clear_error();
  errno = 0;
  const int result = call();
  return result == 1 ? Io::done : outcome(result, handshaking);
}

Io TlsTransport::handshake() {
  return perform([&] { return lib().connect(ssl_); }, true);
}

Io TlsTransport::write(std::string_view data, std::size_t* done) {
  return perform([&] { return lib().write_ex(ssl_, data.data(), data.size(), done); }, false);
}

Io TlsTransport::read(char* buffer, std::size_t size, std::size_t* done) {
  return perform([&] { return lib().read_ex(ssl_, buffer, size, done); }, false);
}

}  // namespace dlaunch::support
