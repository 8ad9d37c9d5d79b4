// The dynamic symbols an ELF shared library defines and exports (what `nm -D --defined-only` lists), read
// from the file without loading it.
#ifndef DLAUNCH_CORE_PLUGINS_ELF_EXPORTS_HPP_
#define DLAUNCH_CORE_PLUGINS_ELF_EXPORTS_HPP_

#include <expected>
#include <filesystem>
#include <string>
#include <vector>

namespace dlaunch {

std::expected<std::vector<std::string>, std::string> exported_symbols(const std::filesystem::path& library);

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_PLUGINS_ELF_EXPORTS_HPP_
