// Parser libraries phrase errors as sentences ("Invalid value."); diagnostics read like a compiler's
// ("invalid value"), whichever parser produced them.
#ifndef DLAUNCH_CORE_SPEC_PARSER_MESSAGE_HPP_
#define DLAUNCH_CORE_SPEC_PARSER_MESSAGE_HPP_

#include <cctype>
#include <string>
#include <string_view>

namespace dlaunch::spec {

inline std::string parser_message(std::string_view sentence) {
  std::string message(sentence);
  if (!message.empty() && message.back() == '.') message.pop_back();
  if (!message.empty()) message[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[0])));
  return message;
}

}  // namespace dlaunch::spec

#endif  // DLAUNCH_CORE_SPEC_PARSER_MESSAGE_HPP_
