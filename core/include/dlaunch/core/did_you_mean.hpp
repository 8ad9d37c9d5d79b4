// "did you mean 'replicas'?": the closest known name to a misspelled one. Spec keys, option names, platform
// ids, and the command line's commands, options and handles all use this one.
#ifndef DLAUNCH_CORE_DID_YOU_MEAN_HPP_
#define DLAUNCH_CORE_DID_YOU_MEAN_HPP_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dlaunch {

// The candidate closest to `word` (edits: insert, delete, replace, swap two neighbours), when it is close
// enough to be a likely typo: at most one edit per three characters of `word` (at least one edit) away.
std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates);

// "did you mean 'replicas'?", or empty when nothing is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_DID_YOU_MEAN_HPP_
