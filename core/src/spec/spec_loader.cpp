#include <dlaunch/core/spec_loader.hpp>

#include "spec/json_reader.hpp"
#include "spec/spec_error.hpp"
#include "spec/toml_reader.hpp"
#include "support/regular_file.hpp"

#include <algorithm>
#include <cctype>
#include <istream>

namespace dlaunch {

namespace {

// Completes "'FILE' ..." for a file or text over kMaxSpecBytes; `bytes` when known.
std::string too_large(std::size_t bytes) {
  return "is " + (bytes > kMaxSpecBytes ? mebibytes(bytes) + ", " : std::string()) + "over the limit of " +
         mebibytes(kMaxSpecBytes) + " for a job spec or configuration file";
}

bool ends_with_ignoring_case(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         std::ranges::equal(text.substr(text.size() - suffix.size()), suffix, [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
         });
}

}  // namespace

SpecFormat spec_format_for(std::string_view path) {
  return ends_with_ignoring_case(path, ".json") ? SpecFormat::kJson : SpecFormat::kToml;
}

Result<Value> load_spec_file(const std::string& path) {
  auto text = read_regular_file(path, kMaxSpecBytes);
  if (!text) {
    const RegularFileFailure& failure = text.error();
    std::string message = failure.too_large ? "'" + path + "' " + too_large(failure.size)
                                            : "cannot read '" + path + "': " + failure.reason;
    Diagnostics found{spec::spec_error({}, message)};
    return std::unexpected(
        Error{failure.too_large ? ErrorCode::kInvalidArgument : ErrorCode::kUnreadable, std::move(message),
              std::move(found)});
  }
  return parse_spec(*text, spec_format_for(path), path);
}

std::string read_spec_text(std::istream& in) {
  std::string text;
  char buffer[65536];
  while (text.size() <= kMaxSpecBytes && in.read(buffer, sizeof buffer).gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
  }
  return text;
}

Result<Value> parse_spec(std::string_view text, SpecFormat format, const std::string& file_name) {
  if (text.size() > kMaxSpecBytes) {
    std::string message = "'" + file_name + "' " + too_large(0);
    Diagnostics found{spec::spec_error({}, message)};
    return std::unexpected(Error{ErrorCode::kInvalidArgument, std::move(message), std::move(found)});
  }
  auto root = format == SpecFormat::kJson ? spec::read_json(text, file_name) : spec::read_toml(text, file_name);
  if (!root) {
    return std::unexpected(Error{ErrorCode::kInvalidArgument, file_name + " is not valid " +
                                                                  (format == SpecFormat::kJson ? "JSON" : "TOML"),
                                 std::move(root.error())});
  }
  return std::move(*root);
}

}  // namespace dlaunch
