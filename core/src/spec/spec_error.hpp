// The one way spec loading builds its diagnostics (they are all errors).
#ifndef DLAUNCH_CORE_SPEC_SPEC_ERROR_HPP_
#define DLAUNCH_CORE_SPEC_SPEC_ERROR_HPP_

#include <dlaunch/core/diagnostic.hpp>

#include <string>
#include <utility>

namespace dlaunch::spec {

inline Diagnostic spec_error(SourceLocation at, std::string message, std::string path = {}, std::string hint = {}) {
  return Diagnostic{Severity::kError, std::move(path), std::move(at), std::move(message), std::move(hint)};
}

}  // namespace dlaunch::spec

#endif  // DLAUNCH_CORE_SPEC_SPEC_ERROR_HPP_
