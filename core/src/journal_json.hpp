// The journal as dlaunch wrote it before the SQLite one: journal.json, a JSON array of entry objects, oldest
// first. Only read, once, to move its entries into the database.
#ifndef DLAUNCH_CORE_SRC_JOURNAL_JSON_HPP_
#define DLAUNCH_CORE_SRC_JOURNAL_JSON_HPP_

#include <dlaunch/core/journal.hpp>

#include <filesystem>
#include <string_view>
#include <vector>

namespace dlaunch {

// The JSON journal's file name, and the prefix of the temporary files its writers renamed over it.
inline constexpr std::string_view kJsonJournalName = "journal.json";
inline constexpr std::string_view kJsonJournalTempPrefix = "journal.json.tmp-";
// The lock file its writers held while they replaced it.
inline constexpr std::string_view kJsonJournalLockName = "journal.lock";

// Every entry of a JSON journal. A file that is not one is an error saying so, naming the file (kInternal).
Result<std::vector<JournalEntry>> read_json_journal(const std::filesystem::path& file);

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_SRC_JOURNAL_JSON_HPP_
