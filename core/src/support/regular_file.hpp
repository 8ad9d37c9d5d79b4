// Reading a whole file that dlaunch is handed (a job spec, the user's configuration, a plugin manifest) in
// bounded time and memory.
#ifndef DLAUNCH_CORE_SRC_SUPPORT_REGULAR_FILE_HPP_
#define DLAUNCH_CORE_SRC_SUPPORT_REGULAR_FILE_HPP_

#include <cstddef>
#include <expected>
#include <string>

namespace dlaunch {

struct RegularFileFailure {
  bool too_large = false;  // else unreadable: missing, not permitted, or not a regular file
  std::size_t size = 0;    // when too_large: the size fstat gave, or 0 when the file grew while it was read
  std::string reason;      // when unreadable: "No such file or directory", "not a regular file (a FIFO)", ...
};

// The whole of `path` when it is a regular file of at most `max_bytes`. Only regular files: a FIFO or a
// device could block or never end (opening does not wait for a FIFO's writer). A file that grows past the
// limit while it is read is refused too: no more than max_bytes + 64 KiB is ever held.
std::expected<std::string, RegularFileFailure> read_regular_file(const std::string& path, std::size_t max_bytes);

// "3.2 MiB": sizes in messages about such files.
std::string mebibytes(std::size_t bytes);

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_SRC_SUPPORT_REGULAR_FILE_HPP_
