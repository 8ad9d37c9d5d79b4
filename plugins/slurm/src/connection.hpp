// Where slurmrestd is and who we are to it, resolved from the options and the environment:
//  - a UNIX socket (option socket, else $DLAUNCH_SLURM_SOCKET): slurmrestd's local authentication, jobs run
//    as the user slurmrestd runs as; no token is sent;
//  - an http(s) URL (option url, else $DLAUNCH_SLURM_URL) with a JWT in X-SLURM-USER-TOKEN (option token,
//    else $SLURM_JWT, else the file token_file) and the user name in X-SLURM-USER-NAME.
#ifndef DLAUNCH_SLURM_CONNECTION_HPP_
#define DLAUNCH_SLURM_CONNECTION_HPP_

#include <dlaunch/job_document.hpp>

#include <string>

namespace dlaunch::slurm {

struct Connection {
  std::string socket;   // set: HTTP over this UNIX socket
  std::string url;      // set: this base URL, without a trailing '/'
  std::string user;     // the user we act as: X-SLURM-USER-NAME, and whose jobs `list` shows
  std::string token;    // the JWT (url only); a secret, never printed
  std::string ca_file;

  bool configured() const { return !socket.empty() || !url.empty(); }
  // "slurmrestd on the UNIX socket PATH" or "slurmrestd at URL", for messages.
  std::string describe() const;
};

// Resolves the connection. Throws sdk::Error(INVALID_ARGUMENT) when token_file cannot be read. Leaves it
// unconfigured when neither a socket nor a URL is given anywhere (dry runs need none).
Connection resolve_connection(const sdk::Options& options);

// The user a JWT was issued for (Slurm's "sun" claim), or "" when it has none or is not a JWT.
std::string jwt_user(const std::string& token);

}  // namespace dlaunch::slurm

#endif  // DLAUNCH_SLURM_CONNECTION_HPP_
