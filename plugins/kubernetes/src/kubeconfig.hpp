// Which Kubernetes API server to talk to and as whom, read as kubectl reads it:
//  - the option `kubeconfig` names one file, used alone (kubectl --kubeconfig);
//  - else every file in KUBECONFIG (':'-separated; missing files are skipped), merged by kubectl's rules:
//    for clusters, users and contexts the first file that defines a name wins, and so does the first
//    current-context;
//  - else ~/.kube/config;
//  - else, when none of those exists and KUBERNETES_SERVICE_HOST is set, the pod's service account
//    (in-cluster config).
// Relative paths in a file (certificate-authority, client-certificate, client-key, tokenFile, an exec
// command with a '/') are relative to that file's directory, as in kubectl.
#ifndef DLAUNCH_KUBERNETES_KUBECONFIG_HPP_
#define DLAUNCH_KUBERNETES_KUBECONFIG_HPP_

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dlaunch::kubernetes {

// An exec credential plugin (client.authentication.k8s.io), as EKS, GKE and AKS configure them.
struct ExecPlugin {
  std::string api_version;
  std::string command;
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;
  std::string install_hint;
};

struct ClusterAccess {
  std::string source;      // for messages: "kubeconfig /a/config" or "in-cluster service account"
  std::string context;     // the context's name ("" in-cluster)
  std::string cluster_name;
  std::string user_name;
  std::string namespace_;  // the context's namespace; "" when it names none
  // The cluster.
  std::string server;      // https://host:port, without a trailing '/'
  std::string ca_file;
  std::string ca_pem;      // certificate-authority-data, decoded
  bool insecure_skip_tls_verify = false;
  std::string proxy_url;
  // The user: exec, else token, else tokenFile; a client certificate may come with a token. A user name
  // (basic authentication) is only read to refuse it with a clear message.
  std::optional<ExecPlugin> exec;
  std::string token;
  std::string token_file;
  std::string cert_file, cert_pem;
  std::string key_file, key_pem;
  std::string username;
  std::string auth_provider;  // a legacy auth-provider's name: not supported, named in the error
};

struct Environment {
  std::function<std::optional<std::string>(const char*)> get;  // an environment variable
  std::string service_account_dir = "/var/run/secrets/kubernetes.io/serviceaccount";
  static Environment process();  // this process's environment
};

// The files kubectl would read, in merge order, with where the list came from ("KUBECONFIG", ...).
struct KubeconfigFiles {
  std::vector<std::string> paths;  // existing files only
  std::string origin;
};
KubeconfigFiles kubeconfig_files(const std::string& explicit_file, const Environment& env);

// Resolves the access for `context` ("" = the current context). nullopt when nothing is configured at all
// (no kubeconfig file, not in a cluster). Throws sdk::Error(INVALID_ARGUMENT) for an unreadable or
// inconsistent kubeconfig, naming the file and line.
std::optional<ClusterAccess> load_access(const std::string& explicit_file, const std::string& context,
                                         const Environment& env);

// Standard base64 (the *-data fields). Throws sdk::Error(INVALID_ARGUMENT) naming `what` on bad input.
std::string decode_base64(const std::string& text, const std::string& what);

}  // namespace dlaunch::kubernetes

#endif  // DLAUNCH_KUBERNETES_KUBECONFIG_HPP_
