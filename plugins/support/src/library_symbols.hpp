// Resolving the functions of a library the client loads at run time (libcurl, OpenSSL): each by name into a
// pointer of its declared type, stopping at the first one the library lacks. Internal to
// dlaunch_plugin_support.
#ifndef DLAUNCH_SUPPORT_SRC_LIBRARY_SYMBOLS_HPP_
#define DLAUNCH_SUPPORT_SRC_LIBRARY_SYMBOLS_HPP_

#include <dlfcn.h>

#include <string>

namespace dlaunch::support {

// A library's functions once loaded, or why they could not be.
template <typename Functions>
struct LoadedLibrary {
  Functions functions{};
  std::string error;  // empty when loaded

  // The functions, or null with the reason in `why` (when not null).
  const Functions* get(std::string* why) const {
    if (error.empty()) return &functions;
    if (why != nullptr) *why = error;
    return nullptr;
  }
};

class LibrarySymbols {
 public:
  explicit LibrarySymbols(void* library) : library_(library) {}
  // Sets `function` to the library's `name`, unless one before was missing.
  template <typename Function>
  void need(const char* name, Function& function) {
    if (missing_ != nullptr) return;
    function = reinterpret_cast<Function>(dlsym(library_, name));
    if (function == nullptr) missing_ = name;
  }
  // The first function the library lacked, or null.
  const char* missing() const { return missing_; }

 private:
  void* library_;
  const char* missing_ = nullptr;
};

}  // namespace dlaunch::support

#endif  // DLAUNCH_SUPPORT_SRC_LIBRARY_SYMBOLS_HPP_
