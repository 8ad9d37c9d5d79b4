#include "shell_quote.hpp"

#include <algorithm>
#include <cctype>

namespace dlaunch::local {

namespace {

// Characters no POSIX shell treats specially anywhere in a word.
bool is_plain(char c) {
  constexpr std::string_view kPlainPunctuation = "@%+=:,./_-";
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || kPlainPunctuation.find(c) != std::string_view::npos;
}

}  // namespace

std::string shell_quote(std::string_view word) {
  if (!word.empty() && std::all_of(word.begin(), word.end(), is_plain)) return std::string(word);
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

std::string shell_join(const std::vector<std::string>& words) {
  std::string joined;
  for (const auto& word : words) {
    if (!joined.empty()) joined += ' ';
    joined += shell_quote(word);
  }
  return joined;
}

}  // namespace dlaunch::local
