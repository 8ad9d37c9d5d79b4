#include "completion_scripts.hpp"

#include <map>

namespace dlaunch::cli {
namespace {

// Bash splits the line at COMP_WORDBREAKS, ':' and '=' among them, so `local:hello-2a` arrives as three words:
// they are put back together for dlaunch, and what dlaunch offers is cut back to the part after the break,
// which is all readline replaces. The command is called as typed (COMP_WORDS[0]): ./build/bin/dlaunch too.
constexpr const char* kBash = R"sh(# dlaunch completion for bash: eval "$(dlaunch completion bash)" in ~/.bashrc, or
# dlaunch completion bash > ~/.local/share/bash-completion/completions/dlaunch
_dlaunch() {
  local -a words=() found=()
  local i word kind line
  for ((i = 1; i <= COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    if ((${#words[@]} > 0)) && [[ $word == [:=] || ${words[-1]} == *[:=] ]]; then
      words[-1]+=$word
    else
      words+=("$word")
    fi
  done
  ((${#words[@]} > 0)) || words=("")
  local cur=${COMP_WORDS[COMP_CWORD]} typed=${words[-1]}
  local cut=${typed%"$cur"}
  [[ $cur == [:=] ]] && cut=$typed
  {
    IFS= read -r kind
    while IFS= read -r line; do found+=("${line#"$cut"}"); done
  } < <("${COMP_WORDS[0]}" completion --candidates "${words[@]}" 2>/dev/null)
  case $kind in
    files) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
    dirs) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -d -- "$cur") ;;
    *) COMPREPLY=("${found[@]}")
       # platform.local. and OPTION= are halves: the rest follows without a space
       [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *[.=:] ]] && compopt -o nospace 2>/dev/null ;;
  esac
  return 0
}
complete -F _dlaunch dlaunch
)sh";

constexpr const char* kZsh = R"sh(#compdef dlaunch
# dlaunch completion for zsh: eval "$(dlaunch completion zsh)" in ~/.zshrc (after compinit), or
# dlaunch completion zsh > "${fpath[1]}/_dlaunch"
_dlaunch() {
  local -a out
  out=("${(@f)$(${words[1]} completion --candidates "${(@)words[2,CURRENT]}" 2>/dev/null)}")
  case ${out[1]} in
    files) _files ;;
    dirs) _files -/ ;;
    *) local c
       for c in "${(@)out[2,-1]}"; do
         # platform.local. and OPTION= are halves: the rest follows without a space
         if [[ $c == *[.=:] ]]; then compadd -Q -S '' -- "$c"; elif [[ -n $c ]]; then compadd -Q -- "$c"; fi
       done ;;
  esac
}
if [[ ${funcstack[1]} == _dlaunch ]]; then _dlaunch "$@"; else compdef _dlaunch dlaunch; fi
)sh";

constexpr const char* kFish = R"sh(# dlaunch completion for fish: dlaunch completion fish > ~/.config/fish/completions/dlaunch.fish
function __dlaunch_complete
    set -l words (commandline -opc) (commandline -ct)
    set -l out (command $words[1] completion --candidates $words[2..-1] 2>/dev/null)
    switch "$out[1]"
        case files
            __fish_complete_path (commandline -ct)
        case dirs
            __fish_complete_directories (commandline -ct)
        case '*'
            printf '%s\n' $out[2..-1]
    end
end
complete -c dlaunch -f -a '(__dlaunch_complete)'
)sh";

const std::map<std::string, const char*>& scripts() {
  static const std::map<std::string, const char*> kScripts = {{"bash", kBash}, {"zsh", kZsh}, {"fish", kFish}};
  return kScripts;
}

}  // namespace

const std::vector<std::string>& completion_shells() {
  static const std::vector<std::string> kShells = [] {
    std::vector<std::string> names;
    for (const auto& [name, script] : scripts()) names.push_back(name);
    return names;
  }();
  return kShells;
}

std::optional<std::string> completion_script(const std::string& shell) {
  auto it = scripts().find(shell);
  if (it == scripts().end()) return std::nullopt;
  return std::string(it->second);
}

}  // namespace dlaunch::cli
