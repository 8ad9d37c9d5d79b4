// The credentials one API request carries, obtained from a ClusterAccess: a bearer token (inline, from a
// token file, or from an exec credential plugin), or a client certificate and key.
#ifndef DLAUNCH_KUBERNETES_CREDENTIALS_HPP_
#define DLAUNCH_KUBERNETES_CREDENTIALS_HPP_

#include "kubeconfig.hpp"

#include <string>

namespace dlaunch::kubernetes {

struct Credentials {
  std::string bearer_token;  // a secret: never printed
  std::string cert_file, cert_pem;
  std::string key_file, key_pem;
  std::string method;  // for messages: "a bearer token from tokenFile /x", "exec plugin aws", ...
};

// Runs the exec plugin or reads the token file when the access needs it. Throws sdk::Error(UNAUTHENTICATED)
// when an exec plugin cannot be run or gives no credential, and for legacy auth-providers.
Credentials obtain_credentials(const ClusterAccess& access);

// The credentials as far as they can be known without running anything (dry runs): which method, no secret.
std::string describe_credentials(const ClusterAccess& access);

}  // namespace dlaunch::kubernetes

#endif  // DLAUNCH_KUBERNETES_CREDENTIALS_HPP_
