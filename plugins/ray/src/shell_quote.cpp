#include "shell_quote.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace dlaunch::ray {
namespace {

bool is_safe(unsigned char c) { return std::isalnum(c) || std::string_view("@%+=:,./_-").find(c) != std::string_view::npos; }

std::string quote(const std::string& word) {
  if (!word.empty() && std::all_of(word.begin(), word.end(), [](char c) { return is_safe(static_cast<unsigned char>(c)); })) {
    return word;
  }
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\"'\"'") : std::string(1, c);
  return out + "'";
}

}  // namespace

std::string shell_join(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& word : argv) {
    if (!out.empty()) out += ' ';
    out += quote(word);
  }
  return out;
}

}  // namespace dlaunch::ray
