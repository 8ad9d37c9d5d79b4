#include "support/paths.hpp"

#include <dlfcn.h>
#include <link.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace dlaunch {
namespace {

std::filesystem::path xdg_dir(const char* variable, const char* fallback_under_home) {
  const char* value = std::getenv(variable);
  // The XDG spec: relative paths are invalid and must be ignored.
  if (value != nullptr && value[0] == '/') return std::filesystem::path(value) / "dlaunch";
  const char* home = std::getenv("HOME");
  std::filesystem::path base = home != nullptr && home[0] != '\0' ? home : "/tmp";
  return base / fallback_under_home / "dlaunch";
}

}  // namespace

std::filesystem::path state_root() { return xdg_dir("XDG_STATE_HOME", ".local/state"); }

std::filesystem::path data_root() { return xdg_dir("XDG_DATA_HOME", ".local/share"); }

std::filesystem::path executable_directory() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::current_path() : exe.parent_path();
}

std::optional<std::filesystem::path> shared_library_directory() {
  Dl_info info{};
  link_map* module = nullptr;
  // The link map names the file this code was loaded from; the executable's own name there is "".
  if (dladdr1(reinterpret_cast<void*>(&shared_library_directory), &info, reinterpret_cast<void**>(&module),
              RTLD_DL_LINKMAP) == 0 ||
      module == nullptr || module->l_name == nullptr || module->l_name[0] == '\0') {
    return std::nullopt;
  }
  std::error_code ec;
  auto library = std::filesystem::weakly_canonical(module->l_name, ec);
  if (ec) return std::nullopt;
  return library.parent_path();
}

Result<void> create_private_directories(const std::filesystem::path& dir) {
  if (dir.empty() || std::filesystem::is_directory(dir)) return {};
  if (auto parent = create_private_directories(dir.parent_path()); !parent) return parent;
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return std::unexpected(Error{ErrorCode::kInternal, "cannot create directory " + dir.string() + ": " +
                                                           std::strerror(errno)});
  }
  return {};
}

}  // namespace dlaunch
