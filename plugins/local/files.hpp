// Small file helpers shared by the plugin and its supervisor.
#ifndef DLAUNCH_LOCAL_FILES_HPP_
#define DLAUNCH_LOCAL_FILES_HPP_

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace dlaunch::local {

// The whole file, or nullopt when it does not exist. Throws sdk::Error(INTERNAL) on any other failure.
std::optional<std::string> read_file(const std::filesystem::path& path);

// Replaces `path` with `content` so that a reader sees either the old or the new file, never a torn one:
// writes a temporary file next to it and renames it over `path`. Not flushed to disk: these files describe
// processes of this machine, which an OS crash ends anyway, and a flush per state change (about 4 ms on a
// virtual disk, several times that under load) was most of what a short job took.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

// Milliseconds since the Unix epoch.
int64_t now_ms();

}  // namespace dlaunch::local

#endif  // DLAUNCH_LOCAL_FILES_HPP_
