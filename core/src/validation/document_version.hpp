// Job documents a plugin cannot read: a plugin built against an older SDK refuses a document of a newer
// version as a whole, so the host says instead, at each spec value that needs the newer version, what the
// plugin cannot read and how to fix it (docs/job-document.md, "Versions").
#ifndef DLAUNCH_CORE_SRC_VALIDATION_DOCUMENT_VERSION_HPP_
#define DLAUNCH_CORE_SRC_VALIDATION_DOCUMENT_VERSION_HPP_

#include <dlaunch/core/diagnostic.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace dlaunch {

// An error at each spec value of the job in `document` (a job document this host wrote) that needs a version
// above `readable`, the newest the plugin of `platform_id` reads: each share of a GPU, each [[colocations]]
// entry, each other field of a later version. Empty when the document is of version `readable` or older.
Diagnostics fields_unreadable_by(const std::string& document, const std::string& platform_id, int readable);

// The newest version a plugin reads, from its SDK reader's refusal of a newer document: "job document
// schema_version 3 is not one of the supported versions 1 to 2", or a version 1 SDK's "... is not the supported
// version 1". nullopt when `message` is no such refusal. For plugins whose manifest predates "job_document".
std::optional<int> readable_in_refusal(std::string_view message);

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_SRC_VALIDATION_DOCUMENT_VERSION_HPP_
