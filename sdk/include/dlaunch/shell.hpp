// Header-only helper for plugins: quoting words for a POSIX shell, for dry runs that show commands the way a
// user would type them and for generated scripts that must not let any value inject shell code.
#ifndef DLAUNCH_SHELL_HPP_
#define DLAUNCH_SHELL_HPP_

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

namespace dlaunch::sdk {

// `word` unchanged when a shell reads it back as is, else in single quotes, where nothing is special but
// the quote itself ("it's" -> 'it'\''s'). Newlines, $(...), backticks and ';' all stay literal.
inline std::string shell_quote(std::string_view word) {
  auto plain = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || std::string_view("@%+=:,./_-").find(c) != std::string_view::npos;
  };
  if (!word.empty() && std::all_of(word.begin(), word.end(), plain)) return std::string(word);
  std::string quoted = "'";
  for (char c : word) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

// The words quoted and joined with spaces: an argv as a command line.
inline std::string shell_join(const std::vector<std::string>& words) {
  std::string joined;
  for (const auto& word : words) {
    if (!joined.empty()) joined += ' ';
    joined += shell_quote(word);
  }
  return joined;
}

}  // namespace dlaunch::sdk

#endif  // DLAUNCH_SHELL_HPP_
