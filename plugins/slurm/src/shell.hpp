// Quoting for the generated batch script (bash): every value dlaunch writes into it goes through here, so
// nothing in an entrypoint, an environment value or a name can run as shell code.
#ifndef DLAUNCH_SLURM_SHELL_HPP_
#define DLAUNCH_SLURM_SHELL_HPP_

#include <string>
#include <string_view>

namespace dlaunch::slurm {

// `text` as one bash word that expands to exactly `text`: single-quoted, each ' written as '\''. Inside
// single quotes bash interprets nothing ($, `, \, ;, newlines all stay literal).
std::string shell_quote(std::string_view text);

// True for a valid environment variable name ([A-Za-z_][A-Za-z0-9_]*), the only names written unquoted.
bool is_env_name(std::string_view name);

}  // namespace dlaunch::slurm

#endif  // DLAUNCH_SLURM_SHELL_HPP_
