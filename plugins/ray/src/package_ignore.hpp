// Which paths of a directory stay out of its package: gitignore patterns, read the way Ray's own client reads
// them (pathspec's "gitwildmatch"), so that a job ships what `ray job submit` would have shipped.
#ifndef DLAUNCH_RAY_PACKAGE_IGNORE_HPP_
#define DLAUNCH_RAY_PACKAGE_IGNORE_HPP_

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace dlaunch::ray {

// The patterns of one ignore file (or of the `excludes` option), relative to the directory they belong to.
class IgnoreRules {
 public:
  IgnoreRules() = default;
  // `lines` as in a .gitignore: blank lines and `#` comments skipped, `!` re-includes, `\` escapes, a trailing
  // `/` for directories only, a `/` at the start or in the middle anchors the pattern to the directory, `*`
  // and `?` stay within a path component, `**` spans any number of them.
  explicit IgnoreRules(const std::vector<std::string>& lines);
  // The rules of the file `file`; none when it does not exist. Throws INVALID_ARGUMENT when it cannot be read.
  static IgnoreRules read(const std::filesystem::path& file);

  bool empty() const { return rules_.empty(); }
  // `relative`: '/'-separated, relative to the rules' directory. The last pattern that matches decides.
  bool ignored(std::string_view relative, bool is_directory) const;

 private:
  struct Rule {
    std::vector<std::string> segments;  // the pattern split at '/'; "**" for any number of components
    bool negated = false;
    bool directories_only = false;
  };
  std::vector<Rule> rules_;
};

}  // namespace dlaunch::ray

#endif  // DLAUNCH_RAY_PACKAGE_IGNORE_HPP_
