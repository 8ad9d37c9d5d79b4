// Quoting for printing commands the way a user would type them into a POSIX shell.
#ifndef DLAUNCH_LOCAL_SHELL_QUOTE_HPP_
#define DLAUNCH_LOCAL_SHELL_QUOTE_HPP_

#include <string>
#include <string_view>
#include <vector>

namespace dlaunch::local {

// `word` unchanged when the shell would read it back as is, else in single quotes ("it's" -> 'it'\''s').
std::string shell_quote(std::string_view word);

// The words quoted and joined with spaces.
std::string shell_join(const std::vector<std::string>& words);

}  // namespace dlaunch::local

#endif  // DLAUNCH_LOCAL_SHELL_QUOTE_HPP_
