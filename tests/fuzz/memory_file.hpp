// The fuzz input as a file, for parsers that take a path (the user config file, plugin manifests): a
// memfd, named through /proc/self/fd, rewritten for every input without touching a disk.
#ifndef DLAUNCH_TESTS_FUZZ_MEMORY_FILE_HPP_
#define DLAUNCH_TESTS_FUZZ_MEMORY_FILE_HPP_

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace dlaunch::fuzz {

class MemoryFile {
 public:
  MemoryFile() : fd_(::memfd_create("dlaunch-fuzz", MFD_CLOEXEC)) {
    if (fd_ < 0) std::abort();
  }

  // Replaces the file's content with the input and returns its path.
  const std::string& write(const uint8_t* data, std::size_t size) {
    if (::ftruncate(fd_, 0) != 0) std::abort();
    for (std::size_t done = 0; done < size;) {
      const ssize_t n = ::pwrite(fd_, data + done, size - done, static_cast<off_t>(done));
      if (n <= 0) std::abort();
      done += static_cast<std::size_t>(n);
    }
    return path_;
  }

 private:
  int fd_;
  std::string path_ = "/proc/self/fd/" + std::to_string(fd_);
};

}  // namespace dlaunch::fuzz

#endif  // DLAUNCH_TESTS_FUZZ_MEMORY_FILE_HPP_
