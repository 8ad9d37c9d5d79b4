#include "validation/document_version.hpp"

#include <dlaunch/job_document.hpp>
#include <dlaunch/key_path.hpp>
#include <dlaunch/plugin.h>

#include <charconv>
#include <regex>

namespace dlaunch {

Diagnostics fields_unreadable_by(const std::string& document, const std::string& platform_id, int readable) {
  Diagnostics found;
  if (readable < 1 || readable >= DLAUNCH_JOB_SCHEMA_VERSION) return found;  // 0: the manifest does not say
  const sdk::Job job = sdk::parse_job(document);
  if (job.schema_version <= readable) return found;
  const std::string who = "platform '" + platform_id + "' (plugin built for job document v" +
                          std::to_string(readable) + ") cannot read ";
  for (const sdk::FieldInUse& used : sdk::fields_in_use(job)) {
    if (used.since <= readable) continue;
    const std::string needs = " (needs document v" + std::to_string(used.since) + ")";
    const std::string hint = "rebuild the plugin against an SDK whose DLAUNCH_JOB_SCHEMA_VERSION is " +
                             std::to_string(used.since) + " or more (this dlaunch's is " +
                             std::to_string(DLAUNCH_JOB_SCHEMA_VERSION) + ")";
    if (used.field == "colocations") {
      // One error per entry, each where its [[colocations]] table is written.
      for (std::size_t i = 0; i < job.colocations.size(); ++i) {
        found.push_back(Diagnostic{Severity::kError, sdk::KeyPath("colocations").element(i).str(), {},
                                   who + "colocated roles ([[colocations]])" + needs, hint});
      }
      continue;
    }
    found.push_back(Diagnostic{Severity::kError, used.path, {}, who + sdk::spec_name(used) + needs, hint});
  }
  return found;
}

std::optional<int> readable_in_refusal(std::string_view message) {
  static const std::regex refusal(R"(schema_version -?\d+ is not (one of )?the supported versions? (1 to )?(\d+))");
  std::match_results<std::string_view::const_iterator> match;
  if (!std::regex_search(message.begin(), message.end(), match, refusal)) return std::nullopt;
  int readable = 0;
  const auto& digits = match[3];
  std::from_chars(&*digits.first, &*digits.first + digits.length(), readable);
  if (readable < 1) return std::nullopt;
  return readable;
}

}  // namespace dlaunch
