// Reading a small file the user names (a kubeconfig, a token file) without letting it block or fill memory:
// a FIFO or a device would block the read forever or never end, a huge file would be read whole.
#ifndef DLAUNCH_SUPPORT_BOUNDED_FILE_HPP_
#define DLAUNCH_SUPPORT_BOUNDED_FILE_HPP_

#include <cstddef>
#include <expected>
#include <string>

namespace dlaunch::support {

// The most read_bounded_file reads unless told otherwise: far more than any kubeconfig or token.
inline constexpr std::size_t kMaxConfigFileBytes = 16 * 1024 * 1024;

// The contents of the regular file at `path` (symbolic links followed), or why it cannot be read: the system's
// words ("No such file or directory"), "not a regular file", or "larger than N bytes". The file is opened
// without blocking (a FIFO opens at once) and checked before anything is read.
std::expected<std::string, std::string> read_bounded_file(const std::string& path,
                                                          std::size_t max_bytes = kMaxConfigFileBytes);

}  // namespace dlaunch::support

#endif  // DLAUNCH_SUPPORT_BOUNDED_FILE_HPP_
