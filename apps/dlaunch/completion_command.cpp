// dlaunch completion: prints a shell's completion script; the script asks `dlaunch completion --candidates
// WORD...` for the words that may come next. Commands and their options come from the commands themselves
// (each run with --help while collect_command_shape listens), platform ids and their options from the
// installed plugins' manifests (no plugin code is loaded), handles from the journal: nothing is listed twice,
// and nothing is slower than reading a few small files.
#include <dlaunch/core/orchestrator.hpp>

#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "cli.hpp"
#include "completion_scripts.hpp"
#include <dlaunch/core/exit_codes.hpp>

namespace dlaunch::cli {
namespace {

// What the shell should offer: the words listed, or its own file or directory names.
enum class Kind { kWords, kFiles, kDirs };

struct Candidates {
  Kind kind = Kind::kWords;
  std::vector<std::string> words;
};

// The option of `shape` that `word` names ("-p", "--platform"), or null.
const po::option_description* find_option(const CommandShape& shape, const std::string& word) {
  for (const auto& option : shape.options.options()) {
    if (word == "--" + option->long_name() ||
        word == option->canonical_display_name(po::command_line_style::allow_dash_for_short)) {
      return option.get();
    }
  }
  return nullptr;
}

bool takes_value(const po::option_description* option) {
  return option != nullptr && option->semantic()->max_tokens() > 0;
}

// The command line as far as it is typed: the command, its options' values, its positional words.
struct Line {
  std::string command;
  std::optional<CommandShape> shape;    // of the command; the global options alone before one
  std::vector<std::string> positional;  // positional words before the one completed
  std::string option;                   // the option whose value is completed ("" for none)
  bool after_dashes = false;            // `run SPEC -- ARGS`: the driver's words
  GlobalOptions global;                 // --plugin-dir and --config as typed, for the catalog and journal
};

const CommandShape& shape_of(const std::string& command, std::optional<CommandShape>& shape) {
  shape.emplace();
  collect_command_shape(&*shape);
  auto it = commands().find(command);
  // The global options alone, before a command (version parses nothing else).
  (it == commands().end() ? version_command : it->second)({"--help"});
  collect_command_shape(nullptr);
  if (it == commands().end()) shape->positionals.clear();
  return *shape;
}

void read_line(const std::vector<std::string>& before, Line& line) {
  shape_of("", line.shape);
  for (size_t i = 0; i < before.size(); ++i) {
    const std::string& word = before[i];
    if (line.after_dashes) continue;
    if (word == "--" && !line.command.empty()) {
      line.after_dashes = true;
      continue;
    }
    if (word.starts_with("-") && word.size() > 1) {
      const po::option_description* option = find_option(*line.shape, word);
      if (!takes_value(option)) continue;
      if (i + 1 == before.size()) {
        line.option = option->long_name();
      } else if (option->long_name() == "plugin-dir") {
        line.global.plugin_dirs.push_back(before[++i]);
      } else if (option->long_name() == "config") {
        line.global.config_file = before[++i];
      } else {
        ++i;
      }
    } else if (line.command.empty()) {
      if (commands().contains(word)) shape_of(word, line.shape);
      line.command = word;
    } else {
      line.positional.push_back(word);
    }
  }
}

std::vector<std::string> platform_ids(Orchestrator& orchestrator) { return orchestrator.catalog().ids(); }

// `--set platform.ID.OPTION=VALUE`: first the platforms, then, once one is typed, its options.
std::vector<std::string> platform_settings(Orchestrator& orchestrator, const std::string& typed) {
  std::vector<std::string> words;
  const bool platform_typed = typed.starts_with("platform.") && typed.find('.', 9) != std::string::npos;
  for (const auto& manifest : orchestrator.catalog().plugins()) {
    const std::string prefix = "platform." + manifest.id + ".";
    if (!platform_typed) {
      words.push_back(prefix);
      continue;
    }
    for (const auto& option : manifest.options) words.push_back(prefix + option.name + "=");
  }
  return words;
}

std::vector<std::string> handles(Orchestrator& orchestrator) {
  std::vector<std::string> words;
  auto entries = orchestrator.journal().entries();
  if (!entries) return words;
  for (const auto& entry : *entries) {
    if (!entry.handle().empty()) words.push_back(entry.handle());
  }
  return words;
}

Candidates value_of_option(Orchestrator& orchestrator, const std::string& option, const std::string& typed) {
  if (option == "plugin-dir") return {Kind::kDirs, {}};
  if (option == "config") return {Kind::kFiles, {}};
  if (option == "platform") return {Kind::kWords, platform_ids(orchestrator)};
  if (option == "output") return {Kind::kWords, {"text", "json"}};
  if (option == "set") return {Kind::kWords, platform_settings(orchestrator, typed)};
  if (option == "state") {
    std::vector<std::string> states;
    for (JobState s : {JobState::kPending, JobState::kRunning, JobState::kSucceeded, JobState::kFailed,
                       JobState::kStopped, JobState::kUnknown}) {
      states.push_back(state_name(s));
    }
    return {Kind::kWords, states};
  }
  return {};  // a number, a duration: nothing to offer
}

Candidates positional(Orchestrator& orchestrator, const Line& line) {
  const size_t index = line.positional.size();
  if (index >= line.shape->positionals.size()) return {};
  const std::string& name = line.shape->positionals[index].name;
  if (name == "SPEC") return {Kind::kFiles, {}};
  if (name == "HANDLE") return {Kind::kWords, handles(orchestrator)};
  if (name == "SHELL") return {Kind::kWords, completion_shells()};
  if (name == "ACTION") return {Kind::kWords, plugins_actions()};
  if (name == "ID" && line.command == "plugins") {
    if (line.positional[0] == "info") return {Kind::kWords, platform_ids(orchestrator)};
    if (line.positional[0] == "check") return {Kind::kDirs, {}};
  }
  return {};
}

Candidates candidates(const std::vector<std::string>& words) {
  const std::string typed = words.empty() ? std::string() : words.back();
  Line line;
  read_line(std::vector<std::string>(words.begin(), words.end() - (words.empty() ? 0 : 1)), line);
  if (line.after_dashes) return {Kind::kFiles, {}};
  if (line.option == "plugin-dir" || line.option == "config") {
    return {line.option == "config" ? Kind::kFiles : Kind::kDirs, {}};
  }
  if (line.option.empty() && typed.starts_with("-")) {
    Candidates options;
    for (const auto& option : line.shape->options.options()) options.words.push_back("--" + option->long_name());
    return options;
  }
  if (line.option.empty() && line.command.empty()) {
    Candidates names;
    for (const auto& [name, function] : commands()) names.words.push_back(name);
    return names;
  }
  // Platform ids and handles need the configuration (another plugin directory, journal) as the command will.
  set_error_format(OutputFormat::kText);
  auto orchestrator = make_orchestrator(line.global);
  if (!orchestrator) return {};
  return line.option.empty() ? positional(*orchestrator, line) : value_of_option(*orchestrator, line.option, typed);
}

// The protocol of the scripts: a first line saying what to offer ("words", "files", "dirs"), then the words
// that start with what is typed, one per line.
int print_candidates(const std::vector<std::string>& words) {
  const Candidates found = candidates(words);
  const std::string typed = words.empty() ? std::string() : words.back();
  static const char* kKinds[] = {"words", "files", "dirs"};
  std::string out = std::string(kKinds[static_cast<int>(found.kind)]) + "\n";
  for (const auto& word : found.words) {
    if (word.starts_with(typed)) out += word + "\n";
  }
  std::cout << out;
  return 0;
}

}  // namespace

int completion_command(const std::vector<std::string>& args) {
  // The words of the line being completed are the user's, not options of this command: they are not parsed.
  if (!args.empty() && args[0] == "--candidates") {
    return print_candidates(std::vector<std::string>(args.begin() + 1, args.end()));
  }
  po::options_description options("Options");
  auto parsed = parse(args, options, {{"SHELL"}});
  if (parsed.help) {
    print_help("dlaunch completion bash|zsh|fish   (prints the shell's completion script; see docs/cli.md)",
               options);
    return 0;
  }
  auto script = completion_script(parsed.positional("SHELL"));
  if (!script) throw UsageError{"no completion for shell '" + parsed.positional("SHELL") + "' (bash, zsh or fish)"};
  std::cout << *script;
  return 0;
}

}  // namespace dlaunch::cli
